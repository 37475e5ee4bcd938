"""Watching SQLAlchemy events for the length of a ``with`` block."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event


@contextmanager
def listening(target: Any, identifier: str, fn: Callable[..., Any]) -> Iterator[None]:
    """``fn`` hears ``identifier`` on ``target`` inside the block only, even if it fails."""
    event.listen(target, identifier, fn)
    try:
        yield
    finally:
        event.remove(target, identifier, fn)
