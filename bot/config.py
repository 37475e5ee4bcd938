"""Settings from the environment, read once at start-up and passed down from there."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from storage.db import DEFAULT_URL


@dataclass(frozen=True)
class Config:
    database_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, db: str | None = None) -> Config:
        env = os.environ if env is None else env
        return cls(database_url=db or env.get("DATABASE_URL") or DEFAULT_URL)
