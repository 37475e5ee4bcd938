"""Where replies and proactive messages may go: Microsoft's Teams service hosts only.

An activity's ``serviceUrl`` says where to answer it, and the answer carries the bot's token.
Trusting whatever an activity claims would hand that token to anyone able to post to
/api/messages, so outside local testing every outgoing call is checked against this list
(the hosts Microsoft's Teams SDK documents for each cloud), extended by
``TEAMS_SERVICE_URL_ALLOWLIST``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

MICROSOFT_HOSTS = frozenset({
    "smba.trafficmanager.net",  # commercial cloud, every region: /amer/, /emea/, /teams/ …
    "smba.onyx.prod.teams.trafficmanager.net",
    "smba.infra.gcc.teams.microsoft.com",  # GCC
    "smba.infra.gov.teams.microsoft.us",  # GCC High
    "smba.infra.dod.teams.microsoft.us",  # DoD
    "frontend.botapi.msg.infra.teams.microsoftonline.cn",  # China (21Vianet)
})

SHAREPOINT_SUFFIX = ".sharepoint.com"


class ServiceUrlRefused(Exception):
    """An activity or a stored reference names a service URL outside the allow-list."""


@dataclass(frozen=True)
class _Entry:
    scheme: str
    host: str
    port: int
    path: str


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _entry(raw: str) -> _Entry:
    """``host`` means HTTPS on that host; a URL also pins scheme, port and a path prefix."""
    parts = urlsplit(raw if "://" in raw else f"https://{raw}")
    scheme = parts.scheme.lower()
    return _Entry(scheme, (parts.hostname or "").lower(), parts.port or _default_port(scheme),
                  parts.path.rstrip("/"))


@dataclass(frozen=True)
class ServiceUrlPolicy:
    """``open`` (local testing with auth off) lets anything through; else hosts are checked."""

    extra: tuple[str, ...] = ()
    open: bool = False

    def allows(self, url: str) -> bool:
        if self.open:
            return True
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        if parts.username is not None or parts.password is not None or not host:
            return False
        port = port or _default_port(scheme)
        if scheme == "https" and port == 443 and host in MICROSOFT_HOSTS:
            return True
        path = parts.path.rstrip("/")
        return any(e.scheme == scheme and e.host == host and e.port == port
                   and (not e.path or path == e.path or path.startswith(e.path + "/"))
                   for e in map(_entry, self.extra))

    def allows_file(self, url: str) -> bool:
        """Where a file sent to the bot may be fetched from: SharePoint over HTTPS (where
        OneDrive keeps what people send in personal chat), or what ``allows`` accepts. The
        download URL comes inside an activity, so it is checked like a service URL: the bot
        must not be made to fetch from inside the council's network."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        host = (parts.hostname or "").lower()
        if (parts.scheme.lower() == "https" and (port or 443) == 443
                and parts.username is None and parts.password is None
                and host.endswith(SHAREPOINT_SUFFIX) and len(host) > len(SHAREPOINT_SUFFIX)):
            return True
        return self.allows(url)

    def check(self, url: str) -> str:
        """The URL, if allowed; else ``ServiceUrlRefused``."""
        if not self.allows(url):
            raise ServiceUrlRefused(f"{url[:200]!r} is not a Microsoft Teams service URL "
                                    "(extend TEAMS_SERVICE_URL_ALLOWLIST if it should be)")
        return url
