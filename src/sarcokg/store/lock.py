"""A knowledge-graph folder's lock, KG/.sarcokg/lock: shared for commands that
only read, exclusive for those that write (the store, or the report files).

Readers never block each other. A reader that finds the store needing a
change upgrades to exclusive: it gives up its shared lock and waits for the
exclusive one (flock cannot convert atomically), so another process may have
changed the folder in between, and the caller must look at the store's state
again after upgrading (sync.sync does). Once exclusive, a command keeps it to
its end. A lock is held for the rest of the process (the whole command) and
released by release() or when the process ends (the kernel drops flocks with
the process, so a kill -9 leaves no stale lock).
"""
from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sarcokg.common.errors import InputError, SarcoKGError

CACHE_DIR = ".sarcokg"


class FolderLock:
    """The lock file of one folder, held by this process (shared or exclusive)."""

    def __init__(self, kg: Path, wait: float):
        self.kg, self.wait = kg, wait
        self.exclusive: bool | None = None   # None: not held
        self._fh: IO[str] | None = None

    def acquire(self, exclusive: bool) -> None:
        if self.exclusive is not None and (self.exclusive or not exclusive):
            return   # held as strongly as asked
        fh = self._fh or _open_lock_file(self.kg)
        self._fh = fh
        if self.exclusive is not None:   # shared -> exclusive: not atomic (see the module docstring)
            fcntl.flock(fh, fcntl.LOCK_UN)
            self.exclusive = None
        deadline = time.monotonic() + self.wait
        op = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        while True:
            try:
                fcntl.flock(fh, op | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() > deadline:
                    holder = _holder(self.kg)
                    self.release()
                    raise SarcoKGError(f"{self.kg}: another sarcokg command ({holder}) is using this knowledge "
                                       f"graph; waited {self.wait:.0f} s: try again when it has finished") from None
                time.sleep(0.05)
        self.exclusive = exclusive
        if exclusive:
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()}")
            fh.flush()

    def release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is None:
            return
        if self.exclusive:
            fh.seek(0)
            fh.truncate()
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
        self.exclusive = None


def cache_dir(kg: Path) -> Path:
    """KG/.sarcokg, made if missing; a one-line InputError when it cannot be."""
    cache = kg / CACHE_DIR
    if cache.exists() and not cache.is_dir():
        raise InputError(f"{cache}: is a file, where sarcokg keeps the query store (a folder); "
                         "move it away and run again")
    try:
        cache.mkdir(exist_ok=True)
    except OSError as e:
        raise InputError(f"{cache}: cannot make the query store's folder ({e.strerror})") from None
    return cache


def _open_lock_file(kg: Path) -> IO[str]:
    path = cache_dir(kg) / "lock"
    try:
        return open(path, "a+")
    except OSError as e:
        raise InputError(f"{path}: cannot open the folder's lock ({e.strerror})") from None


def _holder(kg: Path) -> str:
    try:
        return (kg / CACHE_DIR / "lock").read_text().strip() or "another process"
    except OSError:
        return "another process"


_HELD: dict[str, FolderLock] = {}    # knowledge-graph locks this process holds, by cache folder


def _key(kg: Path) -> str:
    return str((kg / CACHE_DIR).resolve())


def hold_lock(kg: Path, wait: float = 30.0, exclusive: bool = True) -> bool:
    """Take the folder's lock for the rest of this process (the whole command);
    True when a shared lock had to be given up to take the exclusive one (the
    folder may have changed meanwhile)."""
    lock = _HELD.get(_key(kg))
    if lock is None:
        lock = FolderLock(kg, wait)
        lock.acquire(exclusive)
        _HELD[_key(kg)] = lock
        return False
    upgraded = exclusive and lock.exclusive is False
    lock.acquire(exclusive)
    return upgraded


def holds(kg: Path) -> bool:
    """True when this process holds the folder's lock (an on-disk store is in use)."""
    return _key(kg) in _HELD


def holds_exclusive(kg: Path) -> bool:
    lock = _HELD.get(_key(kg))
    return lock is not None and bool(lock.exclusive)


def drop_lock(kg: Path) -> None:
    lock = _HELD.pop(_key(kg), None)
    if lock is not None:
        lock.release()


@contextmanager
def kg_lock(kg: Path, wait: float = 30.0, exclusive: bool = True) -> Iterator[None]:
    """The folder's lock for the block (not registered as held by the process)."""
    lock = FolderLock(kg, wait)
    lock.acquire(exclusive)
    try:
        yield
    finally:
        lock.release()
