"""Slack's escaped text in, plain text out, and back: the only place that knows its syntax.

With escaping on, Slack sends ``<@U123|mac>`` for mentions, ``<!channel>`` for @channel and
``&lt;`` for ``<`` (https://api.slack.com/reference/surfaces/formatting#escaping). Only a real
``<@…>`` stays a mention token for ``handlers`` to resolve; a typed ``&lt;@U1&gt;`` is plain text
and its ``<@`` is disarmed, and a display name may hold no ``<``, ``>`` or ``|`` that would end the
token early. Going out, ``escape`` makes any stored text inert again.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"<([^<>]*)>")
_USER_ID = re.compile(r"[A-Za-z0-9]{1,40}")
_NOT_IN_LABEL = re.compile(r"[<>|]")
_SLOT = "\x00"
"""Where a real mention goes back once typed text is disarmed (removed from input first)."""
_SPECIAL = {"channel": "@channel", "here": "@here", "everyone": "@everyone"}


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mention_token(user_id: str, name: str | None) -> str:
    """``<@U1|Name>`` for ``handlers``, whatever characters the display name holds."""
    label = " ".join(_NOT_IN_LABEL.sub(" ", name or "").split())[:100]
    return f"<@{user_id}|{label}>" if label else f"<@{user_id}>"


def _mention(inner: str) -> str | None:
    """The token of a real mention ``<@U1|name>`` (its inside unescaped), else None."""
    user_id, _, label = inner[1:].partition("|")
    return mention_token(user_id, label) if _USER_ID.fullmatch(user_id) else None


def _shown(inner: str) -> str:
    """What a ``<…>`` that is not a mention shows (its inside unescaped)."""
    if inner.startswith("@"):
        return inner.partition("|")[2] or inner
    label = inner.split("|", 1)[1] if "|" in inner else ""
    if inner.startswith("!"):
        name = inner[1:].split("|", 1)[0].split("^", 1)[0]
        return _SPECIAL.get(name, label or f"@{name}")
    if inner.startswith("#"):
        return f"#{label}" if label else f"#{inner[1:]}"
    url = inner.split("|", 1)[0]
    return f"{label} ({url})" if label and label != url else url


def from_slack(text: str) -> str:
    """Plain text, mention tokens kept: ``<!here> a &amp; <@U1|mh>`` → ``@here a & <@U1|mh>``."""
    text = text.replace(_SLOT, "")
    out, mentions, last = [], [], 0
    for m in _TOKEN.finditer(text):
        out.append(_unescape(text[last:m.start()]))
        inner = _unescape(m.group(1))
        token = _mention(inner) if inner.startswith("@") else None
        if token is None:
            out.append(_shown(inner))
        else:
            mentions.append(token)
            out.append(_SLOT)
        last = m.end()
    out.append(_unescape(text[last:]))
    # Disarm a "<@" that typed text or a link's label made (even across pieces), then put
    # the real mentions back.
    plain = iter(mentions)
    return re.sub(_SLOT, lambda _m: next(plain), "".join(out).replace("<@", "@"))


def escape(text: str) -> str:
    """Make text inert in mrkdwn: no mention, channel ping or link can be faked through it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
