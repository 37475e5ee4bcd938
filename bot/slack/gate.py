"""What every request to ``/slack/events`` passes before Bolt reads it.

Bolt builds its request, parsing the body as JSON or a form, before its own signature check:
a stranger's ``payload=null``, a JSON ``[]``, raw ``\\xff`` bytes or a timestamp of ``abc``
ended in a 500 and a traceback. Here, each check cheaper than the next: the timestamp's shape
and age, the signature's shape, the body's encoding, the signature itself (slack_sdk's
``SignatureVerifier``), and last, the one that writes, whether the same signed request was
already let in (``storage.replays``). Bolt's own check stays on behind this one: it costs a
few microseconds and keeps a mistake here from opening anything.

Replays: Slack never resends a slash command or an interaction, so the same signature again
is someone else's copy and is refused (409). Slack does resend an event it thinks we missed,
marked ``X-Slack-Retry-Num``; that is acknowledged (200) and not handled again, because the
one event we take (``app_home_opened``) only redraws a view the next visit redraws anyway.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk.signature import SignatureVerifier
from sqlalchemy.exc import DBAPIError

from storage.replays import WINDOW, SeenRequests

# The largest bodies Slack sends us are presses on App Home, which carry the whole view back:
# 100 blocks of up to 3,000 characters each, form-encoded, come to about 420 KB of English
# text (tests/bot/slack/test_gate.py builds one), more where text is not ASCII. A paste into
# the import modal, at most 2,500 characters, is a few kilobytes; 64 KiB would have refused
# a Home tab of 15 long actions.
MAX_BODY_BYTES = 1024 * 1024
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass(frozen=True)
class Refusal:
    """Why a request is not let in: ``reason`` for the log, ``answer`` for the sender."""

    status: int
    reason: str
    answer: str


@dataclass(frozen=True)
class Admitted:
    """A request Slack signed: its body as text, and whether it is Slack's own retry."""

    body: str
    retry: bool


UNSIGNED = "This request is not signed by Slack."


class SlackGate:
    def __init__(self, signing_secret: str, seen: SeenRequests,
                 clock: Callable[[], float] = time.time) -> None:
        self.verifier = SignatureVerifier(signing_secret)
        self.seen = seen
        self.clock = clock

    def admit(self, headers: Mapping[str, str], body: bytes) -> Admitted | Refusal:
        """Let a request in, or say why not; nothing here raises for anything a sender chose."""
        stamp = headers.get("x-slack-request-timestamp") or ""
        signature = headers.get("x-slack-signature") or ""
        if not _TIMESTAMP.fullmatch(stamp):
            return Refusal(401, f"timestamp {stamp[:20]!r} is not a Unix time", UNSIGNED)
        now = self.clock()
        if abs(now - int(stamp)) > WINDOW.total_seconds():
            return Refusal(401, f"timestamp {stamp} is more than five minutes away", UNSIGNED)
        if not _SIGNATURE.fullmatch(signature):
            return Refusal(401, "no well-formed X-Slack-Signature", UNSIGNED)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return Refusal(400, "the body is not UTF-8", "The body must be UTF-8.")
        if not self.verifier.is_valid(text, stamp, signature):
            return Refusal(401, "the signature does not match the body", UNSIGNED)
        if headers.get("x-slack-retry-num"):
            return Admitted(text, retry=True)
        try:
            first = self.seen.first_sighting(signature, datetime.fromtimestamp(int(stamp), UTC),
                                             now=datetime.fromtimestamp(now, UTC))
        except DBAPIError as err:
            # 200, so that Slack shows a slash command's sender this text, as it shows a reply.
            return Refusal(200, f"could not record the signature: {type(err.orig).__name__}",
                           "The action log's database is not answering; nothing was done. "
                           "Please try again in a minute.")
        if not first:
            return Refusal(409, "the same signed request was already received",
                           "This request was already received.")
        return Admitted(text, retry=False)
