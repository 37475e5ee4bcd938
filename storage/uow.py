"""The unit of work: everything a command changes, in one transaction, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.db import reads_outside_transactions, set_autocommit

Db = Connection | Session
"""Where Core statements run: a command's connection, or the scheduler's ORM session.

Storage functions that only run Core statements take either; both have ``execute``,
``scalar`` and ``scalars`` with the same meaning."""


class CommandTransaction:
    """One command's work on one connection: reads that need no transaction, then one
    transaction for everything the command changes, begun on first use of ``db`` or
    ``session``.

    On PostgreSQL the board and the person typing are read (``reads``) before the command
    is even parsed, outside any transaction, and a command declared ``reads_only`` (show,
    list) never begins one: that saves its BEGIN and COMMIT, two round trips of four. Every
    other command begins its transaction on first use of ``db`` or ``session``, so nothing
    can write outside one by forgetting to ask. Reading the board outside the transaction
    gives up nothing: under READ COMMITTED each statement sees what is committed when it
    runs, inside a transaction or not. On SQLite, where BEGIN and COMMIT cost nothing, the
    transaction begins at once (``storage.db.reads_outside_transactions`` says why).

    Most commands (add, close, show, list) never touch the ORM; creating a session for each
    cost about a tenth of a command. A session made here joins the connection's transaction
    ("rollback_only": it never commits it, and its failure rolls it back).
    """

    def __init__(self, connection: Connection, *, reads_outside: bool) -> None:
        self._connection = connection
        self._session: Session | None = None
        self._reads_only = False
        self._began = not reads_outside
        if reads_outside:
            set_autocommit(connection, True)
        else:
            connection.begin()

    @property
    def reads(self) -> Connection:
        """The connection, for reading outside any transaction."""
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
        # Ends the reads so far; as none began a transaction, this sends nothing.
        self._connection.commit()
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
