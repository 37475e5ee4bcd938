"""A local stand-in for the Slack Web API: records every call the bot makes, answers like
Slack, and can be told to answer 429 with Retry-After. Started by the tests on 127.0.0.1.

Posted messages are kept with their metadata (``history``), so conversations.open and
conversations.history answer with what the bot really posted."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.bot.slack.fake_history import History


@dataclass
class Call:
    method: str
    args: dict[str, Any]


@dataclass
class FakeSlack:
    users: dict[str, str] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    rate_limit_next: int = 0
    retry_after: int = 1
    socket_url: str = ""
    oauth_access: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    downloads: dict[str, bytes] = field(default_factory=dict)
    history: History = field(default_factory=History)
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    @property
    def response_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/respond"

    def of(self, method: str) -> list[dict[str, Any]]:
        with self.lock:
            return [c.args for c in self.calls if c.method == method]

    def file_url(self, name: str) -> str:
        """A private download URL for a file the test "uploaded" to Slack."""
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/files-pri/{name}"

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, data: bytes, kind: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path.startswith("/api/"):
                    url = urlsplit(self.path)
                    self._api(url.path.rsplit("/", 1)[-1],
                              {k: v[0] for k, v in parse_qs(url.query).items()})
                    return
                name = self.path.rsplit("/", 1)[-1]
                authorised = self.headers.get("Authorization", "").startswith("Bearer xoxb-")
                if not self.path.startswith("/files-pri/") or name not in fake.downloads:
                    self._send(404, b"not found", "text/plain")
                elif not authorised:
                    self._send(403, b"no token", "text/plain")
                else:
                    self._send(200, fake.downloads[name], "application/octet-stream")

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                size = int(self.headers.get("Content-Length") or 0)
                if self.path.startswith("/upload/"):
                    with fake.lock:
                        fake.uploads[self.path.rsplit("/", 1)[-1]] = self.rfile.read(size)
                    self._send(200, b"OK", "text/plain")
                    return
                raw = self.rfile.read(size).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    args = json.loads(raw or "{}")
                else:
                    args = {k: v[0] for k, v in parse_qs(raw).items()}
                    for key in ("blocks", "view"):
                        if isinstance(args.get(key), str):
                            args[key] = json.loads(args[key])
                self._api(self.path.rsplit("/", 1)[-1], args)

            def _api(self, method: str, args: dict[str, Any]) -> None:
                with fake.lock:
                    if fake.rate_limit_next > 0 and method != "respond":
                        fake.rate_limit_next -= 1
                        self.send_response(429)
                        self.send_header("Retry-After", str(fake.retry_after))
                        self.send_header("Content-Type", "application/json")
                        self.end_headers()
                        self.wfile.write(b'{"ok": false, "error": "ratelimited"}')
                        return
                    fake.calls.append(Call(method, args))
                self._send(200, json.dumps(fake.answer(method, args)).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "users.info":
            user = args.get("user", "")
            name = self.users.get(user)
            if name is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": {"id": user, "name": name.lower().replace(" ", "."),
                                         "real_name": name, "profile": {"real_name": name}}}
        if method == "oauth.v2.access":
            return self.oauth_access or {"ok": False, "error": "invalid_code"}
        if method == "auth.test":
            return {"ok": True, "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"}
        if method == "chat.postMessage":
            return self.history.post(args)
        if method == "conversations.open":
            return self.history.open(args)
        if method == "conversations.history":
            return self.history.history(args)
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url}
        if method == "files.getUploadURLExternal":
            assert self.server is not None
            file_id = f"F{len(self.uploads) + 1}"
            port = self.server.server_address[1]
            return {"ok": True, "file_id": file_id,
                    "upload_url": f"http://127.0.0.1:{port}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = args.get("files")
            files = json.loads(files) if isinstance(files, str) else files
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")}
                                          for f in files or []]}
        if method == "files.info":
            return {"ok": True, "file": {"id": args.get("file")}}
        return {"ok": True}
