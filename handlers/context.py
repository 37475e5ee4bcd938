"""Who typed a command, and where: the only facts handlers need from a chat platform."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Invocation:
    """The neutral form of "someone typed this in that channel".

    ``workspace`` is the Slack team or Teams tenant; ``channel`` the channel (or Teams
    team/channel id). ``user_id`` is the platform's account id. The console sets
    ``as_initials`` instead (its ``--as`` option) and has no account. ``board_id`` is set
    only for a button pressed outside the board's channel (a DM reminder, App Home): the
    button names its board, and the person must be a member of it. ``base_url`` is where
    the bot is reachable over HTTP, if anywhere, for links such as the meetings calendar.
    ``private_place`` is set by the adapter for a direct message or group DM (Slack ``D…``
    or ``mpdm-`` conversations, Teams personal chat): a board's digests cannot be posted
    there, so no board may be set up in one. (A Teams group chat the bot is installed in can
    be posted to, so it may keep a board.)
    """

    platform: str
    workspace: str
    channel: str
    user_id: str | None = None
    user_name: str | None = None
    as_initials: str | None = None
    board_id: int | None = None
    base_url: str | None = None
    private_place: bool = False

    @property
    def is_console_operator(self) -> bool:
        """The person at the local console with no ``--as``: they own the database file."""
        return self.platform == "console" and self.as_initials is None


CONSOLE_WORKSPACE = "local"
CONSOLE_CHANNEL = "console"
