"""Settings a command runs with, built once (by the CLI, from the environment)
and passed down; nothing reads the environment at import.

SARCOKG_LOCK_WAIT            seconds to wait for a folder's lock (30)
SARCOKG_DEFER_EVIDENCE_MIN   a store load of this many files or more leaves the
                             reports' evidence for the first query that may
                             read it; so many reports to evaluate is a "first
                             run" of the kept per-report results (1000)
SARCOKG_LOAD_CHUNK           report files per bulk load into the store (2500)
SARCOKG_ROWS_CHUNK           report files per in-memory evaluation of kept rows (2000)
SARCOKG_QUERY_TIMEOUT        seconds a local query may run (300)
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

from sarcokg.common.errors import InputError

# progress of a long step: (message, done, total); done == 0 starts the step
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Settings:
    lock_wait: float = 30.0
    defer_evidence_min: int = 1000
    load_chunk: int = 2500
    rows_chunk: int = 2000
    query_timeout: float = 300.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, float | int] = {}
        for f in fields(cls):
            name = "SARCOKG_" + f.name.upper()
            raw = env.get(name)
            if raw is None or raw == "":
                continue
            kind = float if f.type in ("float", float) else int
            try:
                value = kind(raw)
            except ValueError:
                raise InputError(f"{name}={raw!r}: not a number") from None
            if value < 0 or (kind is int and f.name.endswith("chunk") and value < 1):
                raise InputError(f"{name}={raw!r}: out of range")
            values[f.name] = value
        return cls(**values)  # type: ignore[arg-type]


DEFAULT = Settings()
