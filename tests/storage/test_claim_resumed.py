"""The send ledger's claim says when it took over a claim that was never confirmed, and only
then: that is the one case in which the message may already have reached the platform."""

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


def test_retrying_a_failed_send_is_not_resumed(uow: UnitOfWork, unit: Unit) -> None:
    claim(uow, unit, worker="a", now=NOW)
    mark_failed(uow, [unit.key], now=NOW, error="Slack refused: channel_not_found")

    assert claim(uow, unit, worker="b", now=NOW + timedelta(hours=1)) == Claim(unit)
