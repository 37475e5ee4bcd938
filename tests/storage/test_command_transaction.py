"""A command's transaction: Core statements and, only when needed, an ORM session, as one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.boards import create_board
from storage.models import Board
from storage.uow import UnitOfWork
from tests.conftest import NOW, Chat
from tests.listening import listening


def _boards(uow: UnitOfWork) -> list[str]:
    with uow.transaction() as session:
        return list(session.scalars(select(Board.name).order_by(Board.name)))


def test_a_statement_sees_what_the_session_changed_and_both_commit(uow: UnitOfWork) -> None:
    with uow.command() as tx:
        create_board(tx.session, "Adoption Board", now=NOW, timezone="UTC")
        board = tx.session.scalars(select(Board)).one()
        board.timezone = "Europe/London"  # pending in the session, not yet written
        seen = tx.db.execute(select(Board.__table__.c.timezone)).scalar_one()

    assert seen == "Europe/London"
    with uow.transaction() as session:
        assert session.scalars(select(Board.timezone)).one() == "Europe/London"


def test_a_failure_rolls_back_the_sessions_changes_and_the_statements(uow: UnitOfWork) -> None:
    with pytest.raises(RuntimeError, match="forced"), uow.command() as tx:
        create_board(tx.session, "Fostering Board", now=NOW, timezone="UTC")
        tx.db.execute(Board.__table__.insert().values(
            name="Kinship Board", name_key="kinship board", timezone="UTC",
            last_action_number=0, settings={}, created_at=NOW))
        raise RuntimeError("forced failure before commit")

    assert _boards(uow) == []


def test_changes_left_pending_in_the_session_are_written_when_the_command_ends(
    uow: UnitOfWork,
) -> None:
    with uow.command() as tx:
        board = create_board(tx.session, "Adoption Board", now=NOW, timezone="UTC")
        board.name = "Adoption Board (South East)"

    assert _boards(uow) == ["Adoption Board (South East)"]


def test_a_pending_change_that_breaks_a_constraint_rolls_back_the_whole_command(
    uow: UnitOfWork,
) -> None:
    with uow.command() as tx:
        create_board(tx.session, "Adoption Board", now=NOW, timezone="UTC")

    with pytest.raises(Exception, match="(?i)unique"), uow.command() as tx:
        tx.db.execute(Board.__table__.update().values(timezone="Europe/London"))
        tx.session.add(Board(name="Adoption Board", name_key="adoption board", timezone="UTC",
                             last_action_number=0, settings={}, created_at=NOW))

    with uow.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Board)) == 1
        assert session.scalars(select(Board.timezone)).one() == "UTC"


@contextmanager
def _sessions_begun() -> Iterator[list[Any]]:
    begun: list[Any] = []

    def count(session: Session, _transaction: Any, _connection: Any) -> None:
        begun.append(session)

    with listening(Session, "after_begin", count):
        yield begun


def test_the_everyday_commands_never_build_an_orm_session(board: Chat) -> None:
    """add, close, show, list, assign and due run on the connection alone: a session and its
    entities cost about a third of such a command (tests/bench)."""
    with _sessions_begun() as begun:
        assert board("/action add MH to write to DfE by next meeting", as_="RE").title == \
            "Action 1 added"
        assert board("/action add KY AC to review the fees paper by 5 May",
                     as_="RE").title == "Action 2 added"
        assert board("/action assign 2 @LH", as_="RE").tone.value == "success"
        assert board("/action due 2 10 May", as_="RE").tone.value == "success"
        assert board("/action show 1", as_="MH").title.startswith("Action 1")
        assert "Open actions" in board("/action list", as_="MH").title
        assert board("/action close 1 letter sent", as_="MH").title == "Action 1 closed"

    assert begun == []


def test_commands_that_change_a_board_or_member_still_write_through_the_session(
    board: Chat,
) -> None:
    with _sessions_begun() as begun:
        assert board("/board settings timezone Europe/Paris", as_="RE").tone.value == \
            "success"
        assert board("/board member remove KY", as_="RE").tone.value == "success"

    assert len(begun) == 2
    assert "Europe/Paris" in board.text("/board settings", as_="RE")
    assert "KY" not in board.text("/board member list", as_="RE")
