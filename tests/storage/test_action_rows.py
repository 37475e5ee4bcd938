"""Actions read as rows (owners joined in) and changed with one statement each."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from storage.action_rows import MeetingRef
from storage.actions import (
    OwnerSpec,
    actions_numbered,
    change_due,
    change_status,
    create_action,
    page_of_actions,
    replace_owners,
)
from storage.boards import create_board
from storage.meetings import add_meeting
from storage.models import Action, ActionOwner, Status
from storage.uow import UnitOfWork
from tests.conftest import NOW

THREE = [OwnerSpec("KY"), OwnerSpec("All"), OwnerSpec("MH")]


def _log(uow: UnitOfWork, count: int, owners: list[OwnerSpec]) -> int:
    with uow.transaction() as session:
        board_id = create_board(session, "Rows Board", now=NOW, timezone="Europe/London").id
        for number in range(1, count + 1):
            create_action(session, board_id=board_id, number=number, text=f"task {number}",
                          status=Status.OPEN, issued_on=date(2027, 1, 11), due_on=None,
                          owners=owners, now=NOW)
    return board_id


def test_a_page_holds_whole_actions_however_many_owners_each_has(uow: UnitOfWork) -> None:
    board_id = _log(uow, 30, THREE)
    with uow.transaction() as session:
        first, total = page_of_actions(session, board_id, page=1, page_size=25, statuses=None)
        second, _ = page_of_actions(session, board_id, page=2, page_size=25, statuses=None)
    assert total == 30
    assert [a.number for a in first] == list(range(30, 5, -1))
    assert [a.number for a in second] == [5, 4, 3, 2, 1]
    assert all([o.label for o in a.owners] == ["KY", "All", "MH"] for a in first + second)


def test_an_owner_filter_still_returns_every_owner_of_each_action(uow: UnitOfWork) -> None:
    board_id = _log(uow, 3, THREE)
    with uow.transaction() as session:
        rows, total = page_of_actions(session, board_id, page=1, statuses=None,
                                      owner_label="mh")
    assert total == 3
    assert [len(a.owners) for a in rows] == [3, 3, 3]


def test_an_action_without_owners_reads_back_with_none(uow: UnitOfWork) -> None:
    board_id = _log(uow, 1, [])
    with uow.transaction() as session:
        (action,) = actions_numbered(session, board_id, 1, for_update=True)
    assert action.owners == () and action.text == "task 1" and action.copy == 0


def test_a_status_change_keeps_the_last_note_unless_given_a_new_one(uow: UnitOfWork) -> None:
    board_id = _log(uow, 1, THREE)
    later = NOW + timedelta(hours=1)
    with uow.transaction() as session:
        (action,) = actions_numbered(session, board_id, 1)
        noted = change_status(session, action, Status.ONGOING, now=later, note="letter drafted")
        closed = change_status(session, noted, Status.CLOSED, now=later)
    assert (closed.status, closed.status_note) == ("closed", "letter drafted")
    with uow.transaction() as session:
        (stored,) = actions_numbered(session, board_id, 1)
        updated_at = session.scalar(select(Action.updated_at).where(Action.id == stored.id))
    assert stored == closed
    assert updated_at == later


def test_deferring_names_the_meeting_and_any_other_move_clears_it(uow: UnitOfWork) -> None:
    board_id = _log(uow, 1, THREE)
    with uow.transaction() as session:
        meeting = add_meeting(session, board_id, NOW + timedelta(days=20), NOW)
        (action,) = actions_numbered(session, board_id, 1)
        deferred = change_status(session, action, Status.DEFERRED, now=NOW,
                                 meeting=MeetingRef(meeting.id, meeting.starts_at))
    with uow.transaction() as session:
        (stored,) = actions_numbered(session, board_id, 1)
        assert stored == deferred
        assert stored.deferred_meeting == MeetingRef(meeting.id, NOW + timedelta(days=20))
        reopened = change_status(session, stored, Status.OPEN, now=NOW)
    with uow.transaction() as session:
        (stored,) = actions_numbered(session, board_id, 1)
    assert stored == reopened and stored.deferred_meeting is None


def test_new_owners_replace_the_old_in_their_order(uow: UnitOfWork) -> None:
    board_id = _log(uow, 1, THREE)
    with uow.transaction() as session:
        (action,) = actions_numbered(session, board_id, 1)
        changed = replace_owners(session, action, [OwnerSpec("LH"), OwnerSpec("KY")], now=NOW)
        due = change_due(session, changed, date(2027, 3, 1), now=NOW)
    with uow.transaction() as session:
        (stored,) = actions_numbered(session, board_id, 1)
        positions = list(session.scalars(select(ActionOwner.position)
                                         .where(ActionOwner.action_id == stored.id)))
    assert stored == due
    assert [o.label for o in stored.owners] == ["LH", "KY"] and sorted(positions) == [0, 1]


def test_open_actions_come_newest_first_with_repeats_of_a_number_in_reverse(
        uow: UnitOfWork) -> None:
    """Open actions are read through the status index (they are few); the order must be the
    same as the log's: number, then repeat, both newest first."""
    board_id = _log(uow, 3, THREE)
    with uow.transaction() as session:
        for copy in (1, 2):
            create_action(session, board_id=board_id, number=2, copy=copy, text=f"repeat {copy}",
                          status=Status.OPEN, issued_on=date(2027, 1, 11), due_on=None,
                          owners=[OwnerSpec("KY")], now=NOW, imported=True)
        (closed,) = actions_numbered(session, board_id, 3)
        change_status(session, closed, Status.CLOSED, now=NOW)
        rows, total = page_of_actions(session, board_id, page=1, page_size=3,
                                      statuses=["open", "ongoing", "deferred"])
        rest, _ = page_of_actions(session, board_id, page=2, page_size=3,
                                  statuses=["open", "ongoing", "deferred"])
    assert [(a.number, a.copy) for a in rows + rest] == [(2, 2), (2, 1), (2, 0), (1, 0)]
    assert total == 4
