"""The send ledger's claim says since when an earlier attempt ran, when there was one that may
already have reached the platform: a claim never confirmed, or a failed attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.boards import create_board
from storage.sends import CLAIM_TIMEOUT, Claim, Unit, claim, mark_failed
from storage.uow import UnitOfWork
from tests.conftest import NOW


@pytest.fixture
def unit(uow: UnitOfWork) -> Unit:
    with uow.transaction() as session:
        board = create_board(session, "Adoption Board", now=NOW, timezone="Europe/London")
        session.flush()
        board_id = board.id
    return Unit(key="reminder:1:2027-01-11:1", kind="reminder", board_id=board_id,
                recipient="KY", slot_at=NOW)


def test_a_fresh_claim_is_not_resumed(uow: UnitOfWork, unit: Unit) -> None:
    assert claim(uow, unit, worker="a", now=NOW) == Claim(unit)


def test_a_live_claim_is_not_taken(uow: UnitOfWork, unit: Unit) -> None:
    claim(uow, unit, worker="a", now=NOW)

    assert claim(uow, unit, worker="b", now=NOW + CLAIM_TIMEOUT - timedelta(seconds=1)) is None


def test_taking_over_an_expired_claim_says_since_when(uow: UnitOfWork, unit: Unit) -> None:
    claim(uow, unit, worker="died", now=NOW)

    taken = claim(uow, unit, worker="b", now=NOW + CLAIM_TIMEOUT)

    assert taken == Claim(unit, resumed_since=NOW)


def test_retrying_a_failed_send_says_since_when_it_was_tried(uow: UnitOfWork,
                                                            unit: Unit) -> None:
    """A timeout can come after Slack accepted the post: the retry must look first."""
    claim(uow, unit, worker="a", now=NOW)
    mark_failed(uow, [unit.key], now=NOW + timedelta(seconds=30), error="timed out")

    assert claim(uow, unit, worker="b", now=NOW + timedelta(hours=1)) == Claim(
        unit, resumed_since=NOW)
