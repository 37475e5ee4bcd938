"""Parsing ``/action`` and ``/board`` text on a fixed day, for the command-language tests."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.commands import Command, parse
from handlers.errors import UserError
from handlers.owners import OwnerRef

TODAY = date(2027, 1, 11)  # a Monday in January

MH = OwnerRef(initials="MH")
RE = OwnerRef(initials="RE")
EVERYONE = OwnerRef(everyone=True)


def action(text: str, today: date = TODAY) -> Command:
    return parse("action", text, today=today)


def mistake(root: str, text: str) -> UserError:
    with pytest.raises(UserError) as caught:
        parse(root, text, today=TODAY)
    return caught.value
