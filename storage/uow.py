"""The unit of work: one command, one transaction, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

Db = Connection | Session
"""Where Core statements run: a command's connection, or the scheduler's ORM session.

Storage functions that only run Core statements take either; both have ``execute``,
``scalar`` and ``scalars`` with the same meaning."""


class CommandTransaction:
    """One command's transaction: Core statements on ``db``, and an ORM session on the same
    connection only for the commands that need entities.

    Most commands (add, close, show, list) never touch the ORM; creating a session for each
    cost about a tenth of a command. A session made here joins the connection's transaction
    ("rollback_only": it never commits it, and its failure rolls it back).
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._session: Session | None = None

    @property
    def db(self) -> Connection:
        """The connection, with the session's pending changes written first: a statement
        sees what the command changed through the ORM, as the session's autoflush would."""
        self.flush()
        return self._connection

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(bind=self._connection, expire_on_commit=False,
                                    join_transaction_mode="rollback_only")
        return self._session

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

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """An ORM session's transaction: the scheduler, imports, forms."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def command(self) -> Iterator[CommandTransaction]:
        """A command's transaction (``handlers.dispatch``)."""
        with self.engine.begin() as connection:
            tx = CommandTransaction(connection)
            try:
                yield tx
                tx.flush()
            finally:
                tx.close()
