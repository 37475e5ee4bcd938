"""Fixtures for the scheduler tests: the fixture board's clock."""

from __future__ import annotations

import pytest

from tests.bot.scheduler_clock import Clock
from tests.conftest import Chat


@pytest.fixture
def clock(board: Chat) -> Clock:
    return Clock(board.uow)
