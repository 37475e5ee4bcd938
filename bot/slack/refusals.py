"""The one place that answers a signed Slack payload we cannot use, instead of a 500.

Listeners read payloads as Slack documents them and raise ``MalformedPayload`` (or let a
lookup fail) when one is shaped otherwise: a press with no actions, a button value we never
made, a modal without its state or with private metadata we did not write. Bolt hands every
such error here (``app.error``). A shape error gets one warning line, naming the payload and
where reading it stopped, and a refusal Slack can show: a slash command a private note, a
modal a page saying to open it again, anything else a 400. Anything else raised is a bug:
logged with its traceback under an incident reference, and answered 500 as Bolt would.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from pathlib import Path
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError

from bot.slack.views import message_modal

log = logging.getLogger(__name__)
SHAPE_ERRORS = (LookupError, TypeError, AttributeError, ValueError)
COULD_NOT_READ = "Slack sent this in a shape I could not read, so nothing was changed."


class MalformedPayload(ValueError):
    """A signed payload not shaped as Slack documents, or carrying a value we never sent."""


# Where Bolt itself indexes a payload before any listener runs (slack_bolt.request.
# payload_utils, also while building an error handler's arguments): these must be there and
# of these types, or Bolt raises where no handler of ours can answer.
_BOLT_READS: dict[str, tuple[str, type]] = {
    "event_callback": ("event", dict), "block_actions": ("actions", list),
    "interactive_message": ("actions", list), "view_submission": ("view", dict),
    "view_closed": ("view", dict), "workflow_step_edit": ("workflow_step", dict),
}


def bolt_cannot_read(body: dict[str, Any]) -> str | None:
    """What in a parsed body would trip Bolt up before our listeners, or None."""
    if "command" in body and not isinstance(body["command"], str):
        return "its command is not text"
    kind = body.get("type")
    if not isinstance(kind, str | None):
        return "its type is not text"
    key, wanted = _BOLT_READS.get(kind or "", ("", object))
    if not key:
        return None
    part = body.get(key)
    if not isinstance(part, wanted) or not part:
        return f"its {key} is not a non-empty {wanted.__name__}"
    if key == "actions" and not isinstance(part[0], dict):
        return "its first action is not an object"
    if key == "event" and not isinstance(part.get("type"), str):
        return "its event has no type"
    if key == "view" and not isinstance(part.get("callback_id", ""), str):
        return "its view's callback_id is not text"
    return None


def payload_kind(body: dict[str, Any]) -> str:
    """``command /action``, ``block_actions``, ``event app_home_opened``…, for the log."""
    if "command" in body:
        return f"command {str(body['command'])[:20]!r}"
    kind = str(body.get("type", "payload"))[:40]
    event = body.get("event")
    if isinstance(event, dict):
        return f"{kind} {str(event.get('type'))[:40]!r}"
    return repr(kind)


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{Path(last.filename).name}:{last.lineno}"


def refuse(error: Exception, request: BoltRequest) -> BoltResponse:
    """Bolt's error handler: the answer to a payload a listener could not use."""
    body = request.body if isinstance(request.body, dict) else {}
    kind = payload_kind(body)
    if isinstance(error, BoltUnhandledRequestError):
        # Slack counts a failed event against the app and retries it: an event nobody
        # listens for is acknowledged and dropped.
        status = 200 if body.get("type") == "event_callback" else 400
        log.warning("no listener takes a Slack %s; answered %d", kind, status)
        return BoltResponse(status=status, body="" if status == 200 else COULD_NOT_READ)
    if not isinstance(error, SHAPE_ERRORS):
        incident = uuid.uuid4().hex[:8]
        log.error("unexpected error %s handling a Slack %s", incident, kind, exc_info=error)
        return BoltResponse(status=500, body=f"Something went wrong (reference {incident}).")
    log.warning("refused a malformed Slack %s: %s: %s (at %s)", kind, type(error).__name__,
                str(error)[:200].replace("\n", " "), _where(error))
    if "command" in body:
        return BoltResponse(status=200, body={"response_type": "ephemeral",
                                              "text": COULD_NOT_READ})
    if body.get("type") == "view_submission":
        return BoltResponse(status=200, body={"response_action": "update", "view": message_modal(
            "Could not read this", f"{COULD_NOT_READ} Close this and open the form again.")})
    return BoltResponse(status=400, body=COULD_NOT_READ)
