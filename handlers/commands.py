"""The command language, shared by every platform: text in, a plain command object out.

``parse("action", "close 58 all done", today=…)`` → ``Close(ref=ActionRef(58), note="all done")``.
Mistakes raise ``UserError`` with an example of the right form; nothing else escapes.
"""

from __future__ import annotations

import re
from datetime import date

from handlers.board_grammar import parse_board
from handlers.command_types import (
    ActionRef,
    AddAction,
    Assign,
    BoardSetup,
    Close,
    Command,
    Decision,
    Defer,
    Digest,
    ExportLog,
    Help,
    ImportLog,
    ListActions,
    MeetingAdd,
    MeetingCancel,
    MeetingList,
    MeetingMove,
    MemberAdd,
    MemberList,
    MemberRemove,
    Reopen,
    SetDue,
    Settings,
    Show,
    Update,
    Withdraw,
)
from handlers.dates import NextMeeting, PastDate, format_date, parse_due
from handlers.errors import UserError
from handlers.limits import has_other_digits
from handlers.owners import MENTION_RE, OwnerRef, convention_owners, owner_token, split_tokens

# The command objects live in handlers.command_types; they are importable from here too.
__all__ = [
    "ActionRef",
    "BoardSetup",
    "MemberAdd",
    "MemberRemove",
    "MemberList",
    "MeetingAdd",
    "MeetingList",
    "MeetingMove",
    "MeetingCancel",
    "Settings",
    "AddAction",
    "Decision",
    "Assign",
    "Close",
    "Reopen",
    "Update",
    "SetDue",
    "Defer",
    "Withdraw",
    "ListActions",
    "Show",
    "Digest",
    "ExportLog",
    "ImportLog",
    "Help",
    "Command",
    "parse",
]

EXPORT_FORMATS = ("docx", "md", "csv")
_REF = re.compile(r"^#?([0-9]{1,7})([a-z])?$", re.I | re.A)
_DUE_KEYWORD = re.compile(r"\s(by|due)\s+", re.I)


def parse(root: str, text: str, *, today: date) -> Command:
    """Parse the words after ``/action`` or ``/board``."""
    text = text.strip()
    verb, _, rest = text.partition(" ")
    verb, rest = verb.lower(), rest.strip()
    if root == "board":
        return parse_board(verb, rest)
    return _parse_action(verb, rest, today)


# ---- /action ----------------------------------------------------------------------------
def _parse_action(verb: str, rest: str, today: date) -> Command:
    if verb in ("", "help"):
        return Help(topic=rest.lower() or None, root="action")
    if verb == "add":
        return _parse_add(rest, today)
    if verb == "decision":
        if not rest:
            raise UserError("What was decided?",
                            example="/action decision Adopt the new terms of reference")
        return Decision(text=rest)
    if verb == "assign":
        ref, tail = _take_ref(rest, "assign", "/action assign 58 @MH")
        owners = _owner_list(tail, "/action assign 58 @MH @RE")
        return Assign(ref=ref, owners=owners)
    if verb in ("close", "done", "complete"):
        ref, tail = _take_ref(rest, verb, f"/action {verb} 58 letter sent")
        return Close(ref=ref, note=tail or None)
    if verb == "reopen":
        ref, tail = _take_ref(rest, verb, "/action reopen 58")
        return Reopen(ref=ref, note=tail or None)
    if verb == "update":
        ref, tail = _take_ref(rest, verb, "/action update 58 draft shared with LH")
        if not tail:
            raise UserError(f"Add a note saying where action {ref} has got to.",
                            example=f"/action update {ref} draft shared with LH")
        return Update(ref=ref, note=tail)
    if verb == "due":
        ref, tail = _take_ref(rest, verb, "/action due 58 5 May")
        tail = re.sub(r"^(?:by|on)\s+", "", tail, flags=re.I)
        due = _due(tail, today, f"/action due {ref}") if tail else None
        if due is None:
            raise UserError(
                f"I can't read “{tail[:60]}” as a date." if tail else "Give the new due date.",
                example=f"/action due {ref} end of March",
            )
        return SetDue(ref=ref, due=due)
    if verb == "defer":
        ref, tail = _take_ref(rest, verb, "/action defer 58 next meeting")
        tail = re.sub(r"^(?:to|until)\b\s*", "", tail, flags=re.I)
        if not tail:
            raise UserError("Say which meeting to defer it to.",
                            example=f"/action defer {ref} next meeting")
        return Defer(ref=ref, to=tail)
    if verb == "withdraw":
        ref, tail = _take_ref(rest, verb, "/action withdraw 58 no longer needed")
        return Withdraw(ref=ref, reason=tail or None)
    if verb == "list":
        return _parse_list(rest)
    if verb == "show":
        ref, _ = _take_ref(rest, verb, "/action show 58")
        return Show(ref=ref)
    if verb == "digest":
        return Digest()
    if verb == "export":
        fmt = (rest.split() or ["docx"])[0].lower().lstrip(".")
        fmt = {"word": "docx", "markdown": "md"}.get(fmt, fmt)
        if fmt not in EXPORT_FORMATS:
            raise UserError(f"I can export the log as docx (Word), md or csv, not “{fmt[:20]}”.",
                            example="/action export docx")
        return ExportLog(fmt=fmt)
    if verb == "import":
        return ImportLog()
    if _REF.match(verb):
        raise UserError(f"Say what to do with action {verb}.", example=f"/action close {verb}")
    raise UserError(
        f"I don't know “/action {verb[:30]}”. I know: add, assign, close, reopen, update, due, "
        "defer, withdraw, decision, list, show, digest, export, import, help.",
        example="/action add MH to write to DfE by end of March",
    )


def _take_ref(rest: str, verb: str, example: str) -> tuple[ActionRef, str]:
    first, _, tail = rest.partition(" ")
    m = _REF.match(first)
    if not first:
        raise UserError(f"Which action? Give its number after {verb}.", example=example)
    if not m:
        digits = " Write it with the digits 0 to 9." if has_other_digits(first) else ""
        raise UserError(f"“{first[:30]}” is not an action number.{digits}", example=example)
    copy = ord(m.group(2).lower()) - ord("a") if m.group(2) else None
    return ActionRef(int(m.group(1)), copy), tail.strip()


def _owner_list(text: str, example: str) -> tuple[OwnerRef, ...]:
    tokens = split_tokens(text)
    if not tokens:
        raise UserError("Name at least one owner.", example=example)
    owners = []
    for token in tokens:
        if token.lower() == "and" or token == ",":
            continue
        ref = owner_token(token.strip(","))
        if ref is None:
            raise UserError(f"“{token[:30]}” is not an owner: use initials or a mention.",
                            example=example)
        owners.append(ref)
    if not owners:
        raise UserError("Name at least one owner.", example=example)
    return tuple(dict.fromkeys(owners))


_TRAILING_OWNER = re.compile(r"\s+(@[A-Za-z]{1,4}|@all|<@[A-Za-z0-9._:-]+(?:\|[^>]*)?>)\s*$", re.I)


def _parse_add(rest: str, today: date) -> AddAction:
    example = "/action add MH to write to DfE @MH by end of March"
    if not rest:
        raise UserError("What is the action?", example=example)
    text = " " + rest
    owners: list[OwnerRef] = []

    def strip_trailing_owners(s: str) -> str:
        while m := _TRAILING_OWNER.search(s):
            ref = owner_token(m.group(1))
            if ref is None:
                break
            owners.insert(0, ref)
            s = s[: m.start()]
        return s

    text = strip_trailing_owners(text)
    due: date | NextMeeting | None = None
    keywords = list(_DUE_KEYWORD.finditer(text))
    if keywords:
        last = keywords[-1]
        prefix = f"/action add {text[: last.start()].strip()[:40]} by"
        due = _due(text[last.end():], today, prefix)
        if due is not None:
            text = strip_trailing_owners(text[: last.start()])
    text = text.strip()
    if not text:
        raise UserError("What is the action? Only owners or a date were given.", example=example)
    for m in MENTION_RE.finditer(text):
        owners.append(OwnerRef(user_id=m.group(1), mention_name=m.group(2) or None))
    for m in re.finditer(r"(?<![\w@<])@([A-Za-z]{1,4})\b(?![\w.@-])", text):
        ref = owner_token("@" + m.group(1))
        if ref is not None:
            owners.append(ref)
    explicit = bool(owners)
    if not owners:
        owners = convention_owners(text)
    return AddAction(text=text, owners=tuple(dict.fromkeys(owners)), explicit_owners=explicit,
                     due=due)


def _due(text: str, today: date, example_prefix: str) -> date | NextMeeting | None:
    """parse_due, with a past date's example written as the whole command."""
    try:
        return parse_due(text, today)
    except PastDate as err:
        example = f"{example_prefix} {format_date(err.suggestion)}"
        raise UserError(err.message, example=example) from None


def _parse_list(rest: str) -> ListActions:
    scope, owner, page = "open", None, 1
    tokens = split_tokens(rest)
    i = 0
    while i < len(tokens):
        word = tokens[i].lower()
        if word in ("open", "all", "mine", "overdue", "closed", "decisions"):
            scope = word
        elif word == "page":
            if i + 1 == len(tokens) or not re.fullmatch(r"[0-9]{1,6}", tokens[i + 1]):
                raise UserError("Give the page as a number written with the digits 0 to 9.",
                                example="/action list all page 2")
            page = max(1, int(tokens[i + 1]))
            i += 1
        elif (ref := owner_token(tokens[i])) is not None and (
            tokens[i].startswith(("@", "<@")) or ref.initials
        ):
            owner, scope = ref, "owner"
        else:
            raise UserError(
                f"I can't list “{tokens[i][:30]}”. Try open, all, mine, overdue, closed, "
                "decisions or an owner's @initials.",
                example="/action list overdue",
            )
        i += 1
    return ListActions(scope=scope, owner=owner, page=page)
