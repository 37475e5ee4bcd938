"""One command, one transaction: a command that fails part-way leaves no trace at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from handlers.replies import Tone
from handlers.scope import Scope
from storage.actions import OwnerSpec, create_action
from storage.boards import allocate_action_number, create_board
from storage.history import Actor, record
from storage.models import Action, ActionOwner, Board, Event, Status
from storage.uow import UnitOfWork
from tests.conftest import NOW, Chat


@dataclass(frozen=True)
class LogState:
    """Everything a command could have written, read back from the database."""

    last_action_number: int
    actions: list[tuple[Any, ...]]
    owners: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]


def _state(uow: UnitOfWork) -> LogState:
    with uow.transaction() as session:
        return LogState(
            last_action_number=session.scalars(select(Board.last_action_number)).one(),
            actions=[tuple(row) for row in session.execute(
                select(Action.id, Action.number, Action.status, Action.status_note,
                       Action.due_on, Action.updated_at).order_by(Action.id))],
            owners=[tuple(row) for row in session.execute(
                select(ActionOwner.action_id, ActionOwner.position, ActionOwner.label,
                       ActionOwner.member_id).order_by(ActionOwner.id))],
            events=[tuple(row) for row in session.execute(
                select(Event.id, Event.kind, Event.action_id).order_by(Event.id))],
        )


def _fail_after_recording(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every command fail once its change and history event are written (not committed)."""
    original = Scope.record

    def record_then_fail(self: Scope, kind: str, **kwargs: Any) -> None:
        original(self, kind, **kwargs)
        self.session.flush()
        raise RuntimeError(f"forced failure after {kind}")

    monkeypatch.setattr(Scope, "record", record_then_fail)


def test_assigning_to_an_unknown_member_writes_nothing(board: Chat) -> None:
    assert board("/action add MH to write to DfE by 5 May", as_="RE").title == "Action 1 added"
    before = _state(board.uow)

    for line in ("/action assign 1 @ZZ", "/action assign 1 @KY @ZZ"):
        reply = board(line, as_="RE")
        assert reply.tone is Tone.ERROR
        assert "ZZ" in reply.title
        assert _state(board.uow) == before

    assert [o[2] for o in before.owners] == ["MH"]
    assert [e[1] for e in before.events].count("action.assigned") == 0


def test_a_close_that_fails_after_writing_rolls_back_change_and_event(
    board: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert board("/action add MH to write to DfE by 5 May", as_="RE").title == "Action 1 added"
    before = _state(board.uow)

    _fail_after_recording(monkeypatch)
    reply = board("/action close 1 letter sent", as_="MH")

    assert reply.tone is Tone.ERROR
    assert "nothing was changed" in reply.title
    assert _state(board.uow) == before
    monkeypatch.undo()
    assert board("/action close 1 letter sent", as_="MH").title == "Action 1 closed"


def test_an_add_that_fails_after_writing_gives_its_number_back(
    board: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(board.uow)

    _fail_after_recording(monkeypatch)
    reply = board("/action add MH to write to DfE by 5 May", as_="RE")

    assert reply.tone is Tone.ERROR
    assert _state(board.uow) == before
    assert before.last_action_number == 0
    monkeypatch.undo()
    assert board("/action add MH to write to DfE by 5 May", as_="RE").title == "Action 1 added"


def test_a_failure_inside_a_unit_of_work_rolls_back_the_action_and_its_event(
    uow: UnitOfWork,
) -> None:
    with uow.transaction() as session:
        board_id = create_board(session, "Rollback Board", now=NOW, timezone="UTC").id
    before = _state(uow)

    with pytest.raises(RuntimeError, match="forced"), uow.transaction() as session:
        board = session.get_one(Board, board_id)
        number = allocate_action_number(session, board.id)
        action = create_action(
            session, board_id=board_id, number=number, text="never kept",
            status=Status.OPEN,
            issued_on=date(2027, 1, 11), due_on=None, owners=[OwnerSpec(label="KY")], now=NOW,
        )
        record(session, board_id=board_id, kind="action.added", action_id=action.id,
               actor=Actor(label="RE", platform="console"), at=NOW)
        session.flush()
        raise RuntimeError("forced failure before commit")

    assert _state(uow) == before
    assert before.last_action_number == 0
