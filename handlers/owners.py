"""Who an action belongs to, as boards write it: ``@MH``, ``MH to …``, ``RR/TR``, ``All``."""

from __future__ import annotations

import re
from dataclasses import dataclass

ALL = "All"
# Chat words that look like @initials but are broadcast pings, never owners.
NOT_INITIALS = frozenset({"here", "chan", "team", "to"})

_INITIALS = r"[A-Z]{2,4}"
INITIALS_RE = re.compile(rf"^{_INITIALS}$")
_SEP = r"(?:\s*(?:,|/|&|\+|\band\b)\s*|\s+)"
# "MH to …", "JB and MS to …", "RR/TR to …", "AL KY RE to …", "All to …"
_CONVENTION = re.compile(
    rf"^\s*(?P<owners>(?:{_INITIALS}|All)(?:{_SEP}(?:{_INITIALS}))*)\s+to\s+\S", re.UNICODE
)
_SPLIT = re.compile(r"\s*(?:,|/|&|\+|\band\b)\s*|\s+")
# A platform's account id: Slack's are about 11 characters, Teams' about 100; the bound
# keeps a typed "mention" within the column that links an account to a member.
MENTION_RE = re.compile(r"<@([A-Za-z0-9._:-]{1,200})(?:\|([^>]*))?>")


@dataclass(frozen=True)
class OwnerRef:
    """An owner as typed: initials, a platform mention, or everybody."""

    initials: str | None = None
    user_id: str | None = None
    mention_name: str | None = None
    everyone: bool = False

    @property
    def shown(self) -> str:
        if self.everyone:
            return ALL
        return self.initials or f"<@{self.user_id}>"


def initials_from_name(name: str) -> str:
    """Mac Heath → MH; Dr Mac Heath → MH; Rebecca → R."""
    words = [w for w in re.split(r"[\s-]+", name.strip()) if w]
    titles = {"dr", "mr", "mrs", "ms", "miss", "prof", "cllr", "sir"}
    words = [w for w in words if w.lower().strip(".") not in titles] or words
    return "".join(w[0].upper() for w in words if w[0].isalpha())[:4]


def is_initials(token: str) -> bool:
    return bool(INITIALS_RE.match(token)) and token.upper() != "TO"


def convention_owners(text: str) -> list[OwnerRef]:
    """Owners from the minutes convention at the start of an action's text, if any."""
    m = _CONVENTION.match(text)
    if not m:
        return []
    tokens = [t for t in _SPLIT.split(m.group("owners")) if t]
    if any(t.lower() == "all" for t in tokens):
        return [OwnerRef(everyone=True)]
    return [OwnerRef(initials=t.upper()) for t in tokens if is_initials(t)]


def split_owner_labels(raw: str) -> list[str]:
    """'RR/TR', 'AL KY RE', 'JB and MS' → separate labels, as written in a Responsible column."""
    return [t for t in _SPLIT.split(raw.strip()) if t]


def owner_token(token: str) -> OwnerRef | None:
    """One typed word as an owner reference, or None if it is not one."""
    m = MENTION_RE.fullmatch(token)
    if m:
        return OwnerRef(user_id=m.group(1), mention_name=m.group(2) or None)
    word = token[1:] if token.startswith("@") else token
    if word.lower() in NOT_INITIALS:
        return None
    if word.lower() == "all":
        return OwnerRef(everyone=True)
    if token.startswith("@") and re.fullmatch(r"[A-Za-z]{1,4}", word):
        return OwnerRef(initials=word.upper())
    if is_initials(word):
        return OwnerRef(initials=word.upper())
    return None


def split_tokens(text: str) -> list[str]:
    """Split on spaces, keeping a platform mention with a display name as one token."""
    return re.findall(r"<@[^>]*>|\S+", text)
