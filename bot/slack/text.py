"""Slack's escaped text in, plain text out, and back: the only place that knows its syntax.

With escaping on, Slack sends ``<@U123|mac>`` for mentions, ``<!channel>`` for @channel and
``&lt;`` for ``<``. Mentions stay as tokens for ``handlers`` to resolve; everything else becomes
the plain text people typed. Going out, ``escape`` makes any stored text inert again.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"<([^<>]*)>")
_SPECIAL = {"channel": "@channel", "here": "@here", "everyone": "@everyone"}


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _token(inner: str) -> str:
    if inner.startswith("@"):
        return f"<{inner}>"
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
    out, last = [], 0
    for m in _TOKEN.finditer(text):
        out.append(_unescape(text[last:m.start()]))
        out.append(_token(_unescape(m.group(1))))
        last = m.end()
    out.append(_unescape(text[last:]))
    return "".join(out)


def escape(text: str) -> str:
    """Make text inert in mrkdwn: no mention, channel ping or link can be faked through it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
