"""The real web app on uvicorn in a background thread, on 127.0.0.1.

The listening socket is bound before anything else and handed to uvicorn, so the port is
this test's from the first moment. Asking the kernel for a free port, closing it and letting
uvicorn bind it again leaves a gap in which another test worker (``pytest -n``) may be given
the same port for a connection of its own.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

START_TIMEOUT = 20.0


class LocalServer:
    """Bind first (``url`` is known before the app is built), then ``start(app)``."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self, app: Any, lifespan: str = "off") -> LocalServer:
        """``lifespan="on"`` for an app that sets itself up on uvicorn's start-up event."""
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", log_config=None,
                                                     lifespan=lifespan))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self.sock]},
                                        daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self._server.started, "uvicorn did not start"
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self.sock.close()
