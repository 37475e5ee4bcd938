"""The unit of work: everything a command changes, in one transaction, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.db import read_only, reads_outside_transactions, set_autocommit

Db = Connection | Session
"""Where Core statements run: a command's connection, or the scheduler's ORM session.

Storage functions that only run Core statements take either; both have ``execute``,
``scalar`` and ``scalars`` with the same meaning."""


class CommandTransaction:
    """One command's work on one connection: first its reads (the board, the person typing,
    ``reads``), then one transaction for everything the command changes, begun on first use
    of ``db`` or ``session``, so nothing can write outside one by forgetting to ask.

    A command declared ``reads_only`` (show, list) never begins that second transaction, and
    so never waits for a writer. On PostgreSQL its reads run outside any transaction: that
    saves BEGIN and COMMIT, two round trips of four. Under READ COMMITTED each statement sees
    what is committed when it runs, inside a transaction or not, so reading the board first
    gives up nothing. On SQLite the reads run in a deferred transaction (a plain ``BEGIN``):
    one snapshot for the whole command, taking no write lock, so in WAL mode it runs beside a
    writer instead of queueing behind it (``storage.db.reads_outside_transactions`` says why
    not outside one). A command that writes ends that read transaction and begins its own
    with ``BEGIN IMMEDIATE`` before it reads anything it will change: upgrading a read
    transaction to a write one would fail with "database is locked" whenever another writer
    had committed since its snapshot, instead of queueing.

    Most commands (add, close, show, list) never touch the ORM; creating a session for each
    cost about a tenth of a command. A session made here joins the connection's transaction
    ("rollback_only": it never commits it, and its failure rolls it back).
    """

    def __init__(self, connection: Connection, *, reads_outside: bool) -> None:
        self._connection = connection
        self._session: Session | None = None
        self._reads_only = False
        self._reads_outside = reads_outside
        self._began = False
        if reads_outside:
            set_autocommit(connection, True)
        else:
            with read_only():
                connection.begin()

    @property
    def reads(self) -> Connection:
        """The connection, for the reads before the command's own transaction."""
        return self._connection

    def reads_only(self) -> None:
        """Declare that this command only reads: ``db`` and ``session`` then begin nothing."""
        self._reads_only = True

    @property
    def db(self) -> Connection:
        """The connection in the command's transaction, with the session's pending changes
        written first: a statement sees what the command changed through the ORM, as the
        session's autoflush would."""
        self._begin()
        self.flush()
        return self._connection

    @property
    def session(self) -> Session:
        self._begin()
        if self._session is None:
            self._session = Session(bind=self._connection, expire_on_commit=False,
                                    join_transaction_mode="rollback_only")
        return self._session

    def _begin(self) -> None:
        if self._began or self._reads_only:
            return
        # Ends the reads so far: SQLite's read transaction; on PostgreSQL, where none began
        # one, this sends nothing.
        self._connection.commit()
        if self._reads_outside:
            set_autocommit(self._connection, False)
        self._connection.begin()
        self._began = True

    def flush(self) -> None:
        """Write the session's pending changes, if any (a clean session's flush does nothing)."""
        if self._session is not None:
            self._session.flush()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None


class UnitOfWork:
    """Hands out transactions that commit when the block ends and roll back on any error."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._reads_outside = reads_outside_transactions(engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """An ORM session's transaction: the scheduler, imports, forms."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def command(self) -> Iterator[CommandTransaction]:
        """A command's work (``handlers.dispatch``): it commits when the block ends, and
        rolls back on any error."""
        with self.engine.connect() as connection:
            tx = CommandTransaction(connection, reads_outside=self._reads_outside)
            try:
                yield tx
                tx.flush()
                connection.commit()
            finally:
                tx.close()
