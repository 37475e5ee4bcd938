"""``actionbot teams-package``: the app package an admin uploads to Teams.

A zip of ``manifest.json`` and the two icons. The manifest names the Azure Bot (bot id =
``TEAMS_CLIENT_ID``), where it may be used (personal chat, teams, group chats) and the
commands Teams suggests as people type, one list for channels and one for personal chat.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from bot.teams.icons import ACCENT, color_icon, outline_icon

MANIFEST_VERSION = "1.17"
SCHEMA = ("https://developer.microsoft.com/json-schemas/teams/v1.17/"
          "MicrosoftTeams.schema.json")
DEFAULT_WEBSITE = "https://example.org/actionbot"
DEFAULT_OUTPUT = "actionbot-teams.zip"
CHANNEL_COMMANDS = (
    ("action add", "Add an action: action add MH to write to DfE by end of March"),
    ("action close", "Mark an action done: action close 58"),
    ("action update", "Record progress: action update 58 draft shared with LH"),
    ("action list", "The log: action list [open|all|mine|overdue|closed|decisions]"),
    ("action show", "One action and its history: action show 58"),
    ("action digest", "Open actions by owner, and what changed since the last meeting"),
    ("board setup", "Keep a board's action log in this channel: board setup Adoption Board"),
    ("board member add", "Add a member: board member add @Mac Heath MH chair"),
    ("board meeting add", "Add a meeting: board meeting add 5 May 2027 10:30"),
    ("action help", "Every command, with an example"),
)
PERSONAL_COMMANDS = (
    ("action list mine", "Your open actions on every board"),
    ("action close", "Mark one of your actions done: action close 58"),
    ("action update", "Record progress: action update 58 draft shared with LH"),
    ("action export", "Your board's log as a Word file (or: action export csv)"),
    ("action import", "Attach Word minutes or a CSV to preview, then import, your board's log"),
    ("action help", "Every command, with an example"),
)


def _commands(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"title": title[:32], "description": text[:128]} for title, text in pairs]


def _app_version() -> str:
    try:
        return version("actionbot")
    except PackageNotFoundError:
        return "1.0.0"


def manifest(bot_id: str, *, website: str = DEFAULT_WEBSITE) -> dict[str, Any]:
    """The app manifest (schema 1.17) for the Azure Bot whose app id is ``bot_id``."""
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": _app_version(),
        "id": bot_id,
        "developer": {"name": "actionbot", "websiteUrl": website, "privacyUrl": website,
                      "termsOfUseUrl": website},
        "name": {"short": "actionbot", "full": "actionbot: the board's numbered action log"},
        "description": {
            "short": "Your board's numbered action log, kept in Teams.",
            "full": "actionbot keeps the numbered action log of a board in the channel the "
                    "board already uses: add, assign, update and close actions, list what is "
                    "overdue, post the digest before each meeting, and remind owners in "
                    "personal chat. Every change is kept with who made it and when.",
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [{
            "botId": bot_id,
            "scopes": ["personal", "team", "groupChat"],
            "isNotificationOnly": False,
            "supportsFiles": True,  # people send logs to import in personal chat
            "commandLists": [
                {"scopes": ["team", "groupChat"], "commands": _commands(CHANNEL_COMMANDS)},
                {"scopes": ["personal"], "commands": _commands(PERSONAL_COMMANDS)},
            ],
        }],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


def build_package(bot_id: str, *, website: str = DEFAULT_WEBSITE) -> bytes:
    """The zip Teams accepts: the manifest and both icons at its top level."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest(bot_id, website=website),
                                                     indent=2))
        archive.writestr("color.png", color_icon())
        archive.writestr("outline.png", outline_icon())
    return buffer.getvalue()


def run(args: argparse.Namespace, bot_id: str | None) -> int:
    """Write the package; ``bot_id`` is ``--bot-id`` or ``TEAMS_CLIENT_ID``."""
    if not bot_id:
        print("actionbot: the Teams package needs the Azure Bot's app id: set TEAMS_CLIENT_ID "
              "or pass --bot-id.", file=sys.stderr)
        return 2
    if not args.website.startswith("https://"):
        print("actionbot: --website must be an https:// address.", file=sys.stderr)
        return 2
    output = Path(args.output or DEFAULT_OUTPUT)
    try:
        output.write_bytes(build_package(bot_id, website=args.website))
    except OSError as err:
        print(f"actionbot: cannot write {output}: {err.strerror or err}", file=sys.stderr)
        return 2
    print(f"Wrote {output}: upload it in Teams (Apps → Manage your apps → Upload an app).")
    if args.website == DEFAULT_WEBSITE:
        print(f"The manifest's developer pages point at {DEFAULT_WEBSITE}; pass --website with "
              "your council's page before publishing it to your organisation.", file=sys.stderr)
    return 0
