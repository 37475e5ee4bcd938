"""A local stand-in for the Bot Framework connector (Teams' REST API) on 127.0.0.1.

Records every call the bot makes (with its Authorization header), answers like the
connector, can be told to answer 429 or 503 first, and also serves a JSON Web Key Set so
that tests can sign Bot Framework tokens with a key of their own, and files at
``/files/<name>`` as OneDrive serves the ``downloadUrl`` of a file sent in personal chat
(``/moved/<name>`` redirects there; ``/moved-to/<url>`` redirects anywhere).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

ACTIVITIES = re.compile(r"^/v3/conversations/([^/]+)/activities(?:/([^/?]+))?$")
MEMBER = re.compile(r"^/v3/conversations/([^/]+)/members/([^/?]+)$")


@dataclass
class Call:
    method: str
    path: str
    conversation: str | None
    activity_id: str | None
    body: dict[str, Any]
    authorization: str | None

    @property
    def card(self) -> dict[str, Any]:
        """The Adaptive Card the activity carries."""
        (attachment,) = self.body["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        return attachment["content"]


@dataclass
class FakeConnector:
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    refuse_conversations_for: set[str] = field(default_factory=set)
    jwks: dict[str, Any] = field(default_factory=lambda: {"keys": []})
    calls: list[Call] = field(default_factory=list)
    fail_next: list[tuple[int, str | None]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: int = 0

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def file_url(self, name: str) -> str:
        return f"{self.url}/files/{name}"

    def posts(self, conversation: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == "POST" and c.activity_id is None
                    and c.path.endswith("/activities")
                    and (conversation is None or c.conversation == conversation)]

    def updates(self) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == "PUT"]

    def created(self) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == "POST" and c.path == "/v3/conversations"]

    def _next_id(self, prefix: str) -> str:
        with self.lock:
            self._ids += 1
            return f"{prefix}{self._ids}"

    def answer(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        if method == "GET" and path.endswith("/keys"):
            return 200, self.jwks
        member = MEMBER.match(path)
        if method == "GET" and member:
            found = self.members.get(unquote(member.group(2)))
            return (200, found) if found else (404, {"error": {"code": "MemberNotFound"}})
        if method == "POST" and path == "/v3/conversations":
            user = body["members"][0]["id"]
            if user in self.refuse_conversations_for:
                return 403, {"error": {"code": "BotNotInConversationRoster"}}
            return 201, {"id": f"a:1-personal-{user}"}
        if ACTIVITIES.match(path):
            return (200 if method == "PUT" else 201), {"id": self._next_id("act-")}
        return 404, {"error": {"code": "NotFound"}}

    def start(self) -> FakeConnector:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _file(self) -> bool:
                """Serve ``/files/…`` and the redirects to it; False for anything else."""
                path = unquote(self.path.split("?", 1)[0])
                if path.startswith(("/moved/", "/moved-to/")):
                    target = (path[len("/moved-to/"):] if path.startswith("/moved-to/")
                              else "/files/" + path[len("/moved/"):])
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return True
                if not path.startswith("/files/"):
                    return False
                with fake.lock:
                    fake.fetched.append(path)
                data = fake.files.get(path[len("/files/"):])
                self.send_response(200 if data is not None else 404)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                self.wfile.write(data or b"")
                return True

            def _serve(self) -> None:
                if self.command == "GET" and self._file():
                    return
                size = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(size).decode() if size else ""
                body = json.loads(raw) if raw else {}
                path = self.path.split("?", 1)[0]
                found = ACTIVITIES.match(path)
                with fake.lock:
                    failure = fake.fail_next.pop(0) if (fake.fail_next and found) else None
                    if failure is None:
                        fake.calls.append(Call(
                            self.command, path, unquote(found.group(1)) if found else None,
                            unquote(found.group(2)) if found and found.group(2) else None,
                            body, self.headers.get("Authorization")))
                if failure is not None:
                    status, retry_after = failure
                    self._reply(status, {"error": {"code": "Throttled"}}, retry_after)
                    return
                self._reply(*fake.answer(self.command, path, body))

            def _reply(self, status: int, body: Any, retry_after: str | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if retry_after is not None:
                    self.send_header("Retry-After", retry_after)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = _serve  # noqa: N815 - http.server's names

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
