"""Importing a log into the database, on SQLite and PostgreSQL: numbers, copies, owners,
deferrals, history, idempotence and all-or-nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handlers.minutes import importer
from handlers.minutes.importer import apply_import, describe_import, preview_import, read_log
from storage.boards import board_by_name
from storage.history import Actor
from storage.models import Action, Board, Event, Status
from storage.uow import UnitOfWork
from tests.conftest import NOW, Chat
from tests.handlers.minutes.files import ADOPTION, FOSTERING, needs_samples, pasted

ACTOR = Actor(label="console operator", platform="console")
ADOPTION_BOARD = "South East Adoption Board"


def do_import(uow: UnitOfWork, board: str, text: str, name: str = "log.txt"
              ) -> importer.ImportOutcome:
    rows = read_log(text.encode(), name)
    return apply_import(uow, board, rows, actor=ACTOR, now=NOW, source=name)


def log_of(uow: UnitOfWork, board: str) -> list[tuple[int, int, str, str, list[str]]]:
    with uow.transaction() as session:
        found = board_by_name(session, board)
        assert found is not None
        actions = session.scalars(select(Action).where(Action.board_id == found.id)
                                  .order_by(Action.number.desc(), Action.copy))
        return [(a.number, a.copy, a.text, a.status, [o.label for o in a.owners])
                for a in actions]


def count(uow: UnitOfWork, model: type) -> int:
    with uow.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@needs_samples
def test_fostering_sample_into_a_new_board(uow: UnitOfWork, chat: Chat) -> None:
    outcome = do_import(uow, "Fostering Leads", FOSTERING.read_text(), FOSTERING.name)
    assert outcome.created_board
    assert outcome.next_number == 11
    log = log_of(uow, "Fostering Leads")
    assert [n for n, *_ in log] == list(range(10, 0, -1))
    assert log[0][3:] == ("open", ["RE"])
    assert log[2][4] == ["JB", "MS"]
    assert log[3][3:] == ("open", ["All"])
    assert log[4][3:] == ("closed", ["LS"])
    assert log[7][4] == ["SJ"]
    with uow.transaction() as session:
        board = board_by_name(session, "Fostering Leads")
        assert board is not None and board.last_action_number == 10
        action = session.scalar(select(Action).where(Action.number == 10))
        assert action is not None
        assert action.imported
        assert (action.issued_on.isoformat(), action.issued_precision) == ("2022-01-01", "month")
        kinds = list(session.scalars(select(Event.kind).order_by(Event.id)))
    assert kinds == ["board.created"] + ["action.imported"] * 10
    chat("/board setup Fostering Leads")
    assert chat("/action add RE to book the room").title == "Action 11 added"


@needs_samples
def test_adoption_sample_into_an_existing_board(board: Chat) -> None:
    outcome = do_import(board.uow, ADOPTION_BOARD, ADOPTION.read_text(), ADOPTION.name)
    assert not outcome.created_board
    assert log_of(board.uow, ADOPTION_BOARD) == [
        (78, 0, "future meeting look at PLO working group report", "open", ["RE"])]
    with board.uow.transaction() as session:
        action = session.scalar(select(Action).where(Action.number == 78))
        assert action is not None and action.owners[0].member_id is not None
    shown = board.text("/action show 78", as_="RE")
    assert "Issued: July 2024" in shown
    assert board("/action add MH to write to DfE", as_="RE").title == "Action 79 added"


def test_repeated_numbers_become_separate_actions(board: Chat) -> None:
    text = pasted([["6", "Six", "KY", "Jan 2022", "Open"],
                   ["5", "Five, the first", "MH", "Jan 2022", "Open"],
                   ["5", "Five, the second", "LH", "Jan 2022", "Closed"]])
    outcome = do_import(board.uow, ADOPTION_BOARD, text)
    assert outcome.plan.repeated == {5: 2}
    assert [(n, c, t) for n, c, t, *_ in log_of(board.uow, ADOPTION_BOARD)] == [
        (6, 0, "Six"), (5, 0, "Five, the first"), (5, 1, "Five, the second")]
    assert "appears 2 times" in board("/action show 5", as_="RE").title
    assert "Five, the second" in board.text("/action show 5b", as_="RE")
    preview = describe_import(outcome, "log.txt")
    assert any("5 appears 2 times: new as 5, 5b" in s.lines for s in preview.sections)


def test_importing_the_same_log_twice_changes_nothing(board: Chat) -> None:
    text = pasted([["3", "Three", "RE", "Jan 2022", "Open"],
                   ["3", "Three again", "RE", "Jan 2022", "Open"],
                   ["2", "Two", "All", "Oct 2021", "Closed"]])
    do_import(board.uow, ADOPTION_BOARD, text)
    before = (log_of(board.uow, ADOPTION_BOARD), count(board.uow, Event))
    again = do_import(board.uow, ADOPTION_BOARD, text)
    assert again.plan.new == []
    assert again.plan.already_imported == 3
    assert (log_of(board.uow, ADOPTION_BOARD), count(board.uow, Event)) == before
    assert describe_import(again, "log.txt").title == f"Nothing to import into {ADOPTION_BOARD}"


def test_a_grown_log_adds_only_its_new_rows(board: Chat) -> None:
    do_import(board.uow, ADOPTION_BOARD, pasted([["1", "One", "RE", "Jan 2022", "Open"]]))
    grown = do_import(board.uow, ADOPTION_BOARD, pasted([
        ["2", "Two", "RE", "Feb 2022", "Open"], ["1", "One", "RE", "Jan 2022", "Closed"]]))
    assert [a.number for a in grown.plan.new] == [2]
    assert grown.plan.notes == ["Action 1 is already on the board as open; the file says "
                                "Closed. Left as it is."]


def test_statuses_owners_and_deferrals(board: Chat) -> None:
    text = pasted([
        ["9", "Agree fees", "", "Jan 2022", "DECISION"],
        ["8", "Visit", "MH and JB", "Jan 2022", "Item in February 2027"],
        ["7", "Report", "KY", "Jan 2022", "Item in April 2021"],
        ["6", "Chase", "RE/AC", "Jan 2022", "Pending"],
        ["5", "Done", "All", "Jan 2022", "complete "],
        ["4", "Going", "LH", "Jan 2022", "Ongoing"],
    ])
    outcome = do_import(board.uow, ADOPTION_BOARD, text)
    assert outcome.plan.unknown_owners == ["JB"]
    assert outcome.plan.unmapped_statuses == ["6: Pending"]
    with board.uow.transaction() as session:
        by_number = {a.number: a for a in session.scalars(select(Action))}
        assert by_number[9].status == Status.DECISION
        assert by_number[8].status == Status.DEFERRED
        assert by_number[8].deferred_label == "February 2027"
        assert by_number[8].deferred_meeting_id is not None
        assert [(o.label, o.member_id is not None) for o in by_number[8].owners] == [
            ("MH", True), ("JB", False)]
        assert (by_number[7].deferred_label, by_number[7].deferred_meeting_id) == (
            "April 2021", None)
        assert by_number[6].status == Status.OPEN
        assert by_number[6].status_note == "Status in the imported log: Pending"
        assert by_number[5].status == Status.CLOSED
        assert by_number[4].status == Status.ONGOING
    assert "Item for the 3 February 2027 meeting" in board.text("/action show 8", as_="RE")
    assert "Item in April 2021" in board.text("/action show 7", as_="RE")


def test_preview_writes_nothing(uow: UnitOfWork) -> None:
    rows = read_log(pasted([["1", "One", "RE", "Jan 2022", "Open"]]).encode(), "log.txt")
    outcome = preview_import(uow, "New Board", rows, now=NOW)
    assert not outcome.board_exists and not outcome.applied
    reply = describe_import(outcome, "log.txt")
    assert reply.title == "Import log.txt into New Board (a new board)?"
    assert count(uow, Board) == 0


def test_an_import_that_fails_half_way_writes_nothing(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    real = importer.create_action

    def failing(*args: object, **kwargs: object) -> Action:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importer, "create_action", failing)
    text = pasted([[str(n), f"Action {n}", "RE", "Jan 2022", "Open"] for n in range(5, 0, -1)])
    with pytest.raises(RuntimeError):
        do_import(uow, "New Board", text)
    assert (count(uow, Board), count(uow, Action), count(uow, Event)) == (0, 0, 0)


def test_an_empty_log_table_creates_no_board(uow: UnitOfWork) -> None:
    outcome = do_import(uow, "New Board", pasted([]))
    assert outcome.plan.new == [] and not outcome.created_board
    assert count(uow, Board) == 0


def test_history_event_of_an_imported_action(board: Chat) -> None:
    do_import(board.uow, ADOPTION_BOARD, pasted([["12", "Twelve", "RE", "Jan 2022", "Open"]]))
    with board.uow.transaction() as session:
        event = session.scalar(select(Event).where(Event.kind == "action.imported"))
        assert event is not None and event.action_id is not None
        assert event.actor_label == "console operator"
        assert event.data["number"] == 12 and event.data["source"] == "log.txt"
        assert event.data["owners"] == ["RE"]
