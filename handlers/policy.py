"""A board's reminder policy: the defaults every board starts with, changeable per board
with ``/board settings reminders 5,1`` and friends."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from handlers.errors import UserError
from handlers.limits import is_ascii_number


@dataclass(frozen=True)
class Policy:
    reminder_days: tuple[int, ...] = (5, 1)
    digest_days: int | None = 2
    send_time: time = time(9, 0)
    chase_interval_days: int | None = 7
    escalate_from_chase: int | None = 4
    grace: timedelta = timedelta(hours=12)


DEFAULT = Policy()

POLICY_KEYS = {
    "reminders": "working days before each meeting that owners are reminded, e.g. 5,1 or off",
    "digest": "working days before each meeting that the digest is posted, e.g. 2 or off",
    "time": "time of day reminders, chases and the digest go out, e.g. 09:00",
    "chase": "days between chases of an overdue action, e.g. 7 or off",
    "escalate": "from which chase the chair is told as well, e.g. 4 or off",
    "grace": "hours a missed send may still go out late, e.g. 12",
}
# Each number setting runs from 1 to this; these may also be off (stored as null).
HIGHEST = {"reminders": 30, "digest": 30, "chase": 60, "escalate": 60, "grace": 72}
CAN_BE_OFF = frozenset({"digest", "chase", "escalate"})
_STORED_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


def policy_of(settings: dict[str, Any] | None) -> Policy:
    """The policy stored in a board's settings, defaults filling what is not set."""
    s = settings or {}
    send_time = time.fromisoformat(s["time"]) if "time" in s else DEFAULT.send_time
    return Policy(
        reminder_days=tuple(s.get("reminders", DEFAULT.reminder_days)),
        digest_days=s.get("digest", DEFAULT.digest_days),
        send_time=send_time,
        chase_interval_days=s.get("chase", DEFAULT.chase_interval_days),
        escalate_from_chase=s.get("escalate", DEFAULT.escalate_from_chase),
        grace=timedelta(hours=s.get("grace", DEFAULT.grace.total_seconds() // 3600)),
    )


def _whole(value: str, key: str, low: int, high: int, *, allow_off: bool) -> int | None:
    if allow_off and value.lower() in ("off", "none", "no", "0"):
        return None
    if not is_ascii_number(value) or not low <= int(value) <= high:
        off = " or off" if allow_off else ""
        raise UserError(f"{key} takes a whole number from {low} to {high}{off}, written "
                        "with the digits 0 to 9.",
                        example=f"/board settings {key} {low if low > 1 else 2}")
    return int(value)


def apply_setting(settings: dict[str, Any], key: str, value: str) -> tuple[str, str]:
    """Store one policy setting; returns (before, after) as people read them."""
    before = describe(policy_of(settings), key)
    value = value.strip()
    if key == "reminders":
        if value.lower() in ("off", "none", "no"):
            settings[key] = []
        else:
            parts = [p for p in re.split(r"[,\s]+", value) if p]
            if not parts or not all(is_ascii_number(p) and 1 <= int(p) <= HIGHEST[key]
                                    for p in parts):
                raise UserError(f"reminders takes working days from 1 to {HIGHEST[key]}, e.g. "
                                "5,1, or off.",
                                example="/board settings reminders 5,1")
            settings[key] = sorted({int(p) for p in parts}, reverse=True)
    elif key == "time":
        m = re.fullmatch(r"([0-9]{1,2})[:.]([0-9]{2})", value)
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise UserError("time takes a 24-hour time such as 09:00.",
                            example="/board settings time 09:00")
        settings[key] = f"{int(m.group(1)):02d}:{m.group(2)}"
    else:
        settings[key] = _whole(value, key, 1, HIGHEST[key], allow_off=key in CAN_BE_OFF)
    return before, describe(policy_of(settings), key)


def describe(policy: Policy, key: str) -> str:
    """A setting as people read it in ``/board settings``."""
    if key == "reminders":
        days = " and ".join(str(d) for d in policy.reminder_days)
        return f"{days} working days before each meeting" if days else "off"
    if key == "digest":
        n = policy.digest_days
        return f"{n} working days before each meeting" if n else "off"
    if key == "time":
        return policy.send_time.strftime("%H:%M")
    if key == "chase":
        n = policy.chase_interval_days
        return f"every {n} days once overdue" if n else "off"
    if key == "escalate":
        n = policy.escalate_from_chase
        return f"chair told from chase {n}" if n else "off"
    return f"{int(policy.grace.total_seconds() // 3600)} hours"


def stored_setting_problem(key: str, value: Any) -> str | None:
    """Why ``value`` is not something ``apply_setting`` stores under ``key``, or None.

    Backups are checked with it: a setting the scheduler cannot read stops every reminder."""
    if key == "time":
        good = isinstance(value, str) and _STORED_TIME.fullmatch(value) is not None
        return None if good else "is not a 24-hour time such as \"09:00\""
    high = HIGHEST[key]
    if key == "reminders":
        good = isinstance(value, list) and all(_is_whole(v, high) for v in value)
        return None if good else f"is not a list of working days from 1 to {high}"
    if value is None and key in CAN_BE_OFF or _is_whole(value, high):
        return None
    return f"is not a whole number from 1 to {high}" + (" or null" if key in CAN_BE_OFF else "")


def _is_whole(value: Any, high: int) -> bool:
    return type(value) is int and 1 <= value <= high
