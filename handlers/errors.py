"""Mistakes people make, each carrying the right way to write the command.

Raised anywhere in ``handlers``; turned into a friendly reply in one place,
``handlers.dispatch``. Anything else that escapes is a bug, not a user error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.replies import Button


class UserError(Exception):
    """Something the person typed or asked for cannot be done as given.

    ``buttons`` offer the fix in one click where there is one (add this person, say).
    """

    def __init__(self, message: str, *, example: str | None = None,
                 buttons: tuple[Button, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.example = example
        self.buttons = buttons


class NotFound(UserError):
    """The board, action, member or meeting named does not exist."""


class NotAllowed(UserError):
    """The person is not allowed to do this on this board; nothing was changed."""
