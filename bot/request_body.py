"""Reading a request body with a ceiling, before anything parses it.

Starlette's ``request.body()`` reads whatever a stranger sends: one unsigned 300 MB POST
raised the server's memory by 600 MB. Every route that takes a body reads it here instead:
a ``Content-Length`` over the limit is refused before a byte is read, and a chunked or lying
body is cut off as soon as it passes the limit.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response


class BodyTooLarge(Exception):
    """The request's body is over its route's limit; answer 413 and read no further."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is over {limit:,} bytes.")
        self.limit = limit


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, or :class:`BodyTooLarge` as soon as it is known to exceed ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise BodyTooLarge(limit)
        except ValueError:
            pass  # a malformed length is the server's to reject; the stream is still capped
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(err: BodyTooLarge) -> Response:
    """413, and ``Connection: close`` so the rest of the body is never read."""
    return PlainTextResponse(str(err), status_code=413, headers={"Connection": "close"})
