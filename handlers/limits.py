"""How long each typed field may be, in characters.

One table for every surface (chat, console, imports, backups), so a value that one path
accepts is never refused by another. Sized from the real logs: the longest action in the
sample minutes, bullets and all, is under 1,200 characters; the columns allow more.
"""

from __future__ import annotations

BOARD_NAME_MAX = 120
MEMBER_NAME_MAX = 100
INITIALS_MAX = 10
ACTION_TEXT_MAX = 4000
NOTE_MAX = 2000
MEETING_LABEL_MAX = 100
