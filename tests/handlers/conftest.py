"""Fixtures shared by the handler tests."""

from __future__ import annotations

import pytest

from handlers.replies import Tone
from tests.conftest import Chat


@pytest.fixture
def log(board: Chat) -> Chat:
    """The fixture board with a log to read back (``test_permissions`` keeps its own, smaller
    one): 1 MH due 20 Jan, 2 KY due 5 May, 3 All, 4 LH closed, 5 decision, 6 withdrawn,
    7 nobody's, deferred to the next meeting."""
    for line, who in (
        ("/action add MH to write to DfE by 20 January", "KY"),
        ("/action add KY to chase Bucks by 5 May", "KY"),
        ("/action add All to reflect on the data", "MH"),
        ("/action add LH to draft the terms of reference", "RE"),
        ("/action close 4 draft circulated", "LH"),
        ("/action decision Terms of reference adopted", "MH"),
        ("/action add AC to review fees", "RE"),
        ("/action withdraw 6 overtaken by events", "RE"),
        ("/action add Read the PLO report", "AC"),
        ("/action defer 7 next meeting", "AC"),
    ):
        assert board(line, as_=who).tone is Tone.SUCCESS, line
    return board
