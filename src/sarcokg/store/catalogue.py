"""The catalogue of derived state: one transactional record (sqlite3, from the
standard library) of the report files the store holds, of every change the
sync made to them, and of how far each consumer of the files has caught up.

Tables (KG/.sarcokg/catalogue.sqlite):

- files(key, digest): the report files as the store loaded them;
- changes(generation, key, before, after): written by the sync, one row per
  file it added (before NULL), changed or removed (after NULL); the files and
  the change log of generation g are written in one transaction;
- stamps(name, context, generation, size, state): each consumer (each named
  query's rows, and each output file it keeps) with the generation it has
  caught up to, the context it was computed in (ontology, query text,
  versions), the size of the output file (0 for a consumer, which keeps
  entries instead) and a small state of its own (JSON text);
- entries(consumer, key, digest, label, data): what a consumer keeps per
  report (a query's rows, a report's validation results), opaque here.

A consumer reads the changes after its generation (changed_keys) and brings
itself up to date, its entries and its stamp in one transaction; a kept output
is valid exactly when its stamp is the current generation, in its context.
Nothing works out again what changed. The store knows nothing of what a
consumer keeps: entries are text to it.

Why sqlite3: in the standard library, atomic across processes and crashes (a
kill -9 leaves the last committed transaction), and "what changed after g"
is one indexed query. A catalogue that does not read back is made afresh
(every consumer then starts over; nothing is lost that the files do not hold).
"""
from __future__ import annotations

import atexit
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sarcokg.common.errors import SarcoKGError

SCHEMA = 2
KEEP = 100     # generations of the change log kept at most
_DDL = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS changes (generation INTEGER NOT NULL, key TEXT NOT NULL, before TEXT, after TEXT,
                                    PRIMARY KEY (generation, key));
CREATE TABLE IF NOT EXISTS stamps (name TEXT PRIMARY KEY, context TEXT NOT NULL, generation INTEGER NOT NULL,
                                   size INTEGER NOT NULL, state TEXT);
CREATE TABLE IF NOT EXISTS entries (consumer TEXT NOT NULL, key TEXT NOT NULL, digest TEXT NOT NULL,
                                    label TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (consumer, key));
"""
T = TypeVar("T")


@dataclass(frozen=True)
class Stamp:
    context: str
    generation: int
    size: int = 0
    state: str | None = None


class Catalogue:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def _meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def generation(self) -> int:
        return int(self._meta("generation") or 0)

    def note(self, name: str) -> str | None:
        """A small text the store keeps beside the change log (sync.py's clean mark)."""
        return self._meta("note:" + name)

    def set_note(self, name: str, value: str) -> None:
        if self.note(name) != value:
            with self.db:
                self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", ("note:" + name, value))

    def files(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, digest FROM files"))

    def _digests(self, keys: list[str]) -> dict[str, str]:
        out = {}
        for key in keys:
            row = self.db.execute("SELECT digest FROM files WHERE key = ?", (key,)).fetchone()
            if row:
                out[key] = row[0]
        return out

    def changed_keys(self, generation: int) -> dict[str, tuple[str | None, str | None]] | None:
        """{key: (digest at `generation`, digest now)} of the files changed
        since; None when the log does not reach back so far (start afresh)."""
        if generation < int(self._meta("log_from") or 0) or generation > self.generation():
            return None
        out: dict[str, tuple[str | None, str | None]] = {}
        for key, before, after in self.db.execute(
                "SELECT key, before, after FROM changes WHERE generation > ? ORDER BY generation", (generation,)):
            out[key] = (out[key][0] if key in out else before, after)
        return {k: v for k, v in out.items() if v[0] != v[1]}

    def stamp(self, name: str) -> Stamp | None:
        row = self.db.execute("SELECT context, generation, size, state FROM stamps WHERE name = ?",
                              (name,)).fetchone()
        return Stamp(*row) if row else None

    def entries(self, consumer: str, keys: Iterable[str] | None = None) -> dict[str, tuple[str, str, str]]:
        """{key: (digest, label, data)} a consumer keeps, for some keys or all."""
        sql = "SELECT key, digest, label, data FROM entries WHERE consumer = ?"
        if keys is None:
            return {k: (d, lab, data) for k, d, lab, data in self.db.execute(sql, (consumer,))}
        out = {}
        for key in keys:
            row = self.db.execute(sql + " AND key = ?", (consumer, key)).fetchone()
            if row:
                out[key] = tuple(row[1:])
        return out

    def set_stamp(self, name: str, stamp: Stamp | None) -> None:
        with self.db:
            self._put_stamp(name, stamp)

    def _put_stamp(self, name: str, stamp: Stamp | None) -> None:
        self.db.execute("DELETE FROM stamps WHERE name = ?", (name,))
        if stamp is not None:
            self.db.execute("INSERT INTO stamps VALUES (?, ?, ?, ?, ?)",
                            (name, stamp.context, stamp.generation, stamp.size, stamp.state))

    def restamp(self, consumer: str, context: str, generation: int, now: int) -> None:
        """A consumer and the outputs it keeps ('consumer:...') stamped with
        `generation`, in `context`, moved to generation `now` (the caller has
        seen that no file changed in between)."""
        with self.db:
            self.db.execute("UPDATE stamps SET generation = ? WHERE (name = ? OR name LIKE ?) AND context = ? "
                            "AND generation = ?", (now, consumer, consumer + ":%", context, generation))

    def update(self, consumer: str, stamp: Stamp, put: dict[str, tuple[str, str, str]], drop: Iterable[str],
               afresh: bool = False) -> None:
        """A consumer caught up: its entries (all replaced when afresh) and its stamp, in one transaction."""
        with self.db:
            if afresh:
                self.db.execute("DELETE FROM entries WHERE consumer = ?", (consumer,))
            self.db.executemany("DELETE FROM entries WHERE consumer = ? AND key = ?", [(consumer, k) for k in drop])
            self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)",
                                [(consumer, k, *e) for k, e in put.items()])
            self._put_stamp(consumer, stamp)

    def record(self, entries: dict[str, str], removed: Iterable[str]) -> int:
        """One sync's outcome ({key: digest} loaded, keys removed) in one
        transaction; the generation now current (a new one when a digest
        changed or a file came or went). The log no stamp needs is dropped."""
        removed = list(removed)
        if not entries and not removed:
            return self.generation()
        with self.db:
            held = self.files() if len(entries) + len(removed) > 1000 else self._digests([*entries, *removed])
            log: list[tuple[str, str | None, str | None]] = [
                (k, held.get(k), d) for k, d in entries.items() if held.get(k) != d]
            log += [(k, held[k], None) for k in removed if k in held]
            generation = self.generation()
            if log:
                generation += 1
                self.db.executemany("INSERT INTO changes VALUES (?, ?, ?, ?)", [(generation, *c) for c in log])
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(generation),))
                self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?)",
                                    [(k, a) for k, _, a in log if a is not None])
                self.db.executemany("DELETE FROM files WHERE key = ?", [(k,) for k, _, a in log if a is None])
                # the log no consumer needs (an output's stamp, which has a size, needs none), and
                # at most KEEP generations: a consumer further behind starts afresh
                oldest = self.db.execute("SELECT MIN(generation) FROM stamps WHERE size = 0").fetchone()[0]
                trim = generation - 1 if oldest is None else min(int(oldest), generation - 1)
                trim = max(trim, generation - KEEP)
                if trim > int(self._meta("log_from") or 0):
                    self.db.execute("DELETE FROM changes WHERE generation <= ?", (trim,))
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('log_from', ?)", (str(trim),))
        return generation


_OPEN: dict[str, tuple[sqlite3.Connection, tuple | None]] = {}   # connections this process holds, by path


def _signature(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def _connect(path: Path) -> sqlite3.Connection:
    """The process's connection to the catalogue at path, opened again when
    the file was replaced, removed or rewritten by another hand."""
    held = _OPEN.get(str(path))
    if held is not None and held[1] == _signature(path):
        return held[0]
    forget(path)
    db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA busy_timeout = 60000")
    db.executescript(_DDL)
    db.isolation_level = "DEFERRED"   # transactions through `with db`
    _OPEN[str(path)] = (db, _signature(path))
    return db


def forget(path: Path) -> None:
    """Close this process's connection to the catalogue at path, if any."""
    held = _OPEN.pop(str(path), None)
    if held is not None:
        held[0].close()


@atexit.register
def _close_all() -> None:
    """Connections closed at exit: the last one folds the WAL journal into the
    file and removes it, so the catalogue is one file between commands."""
    for path in list(_OPEN):
        forget(Path(path))


def using(path: Path, work: Callable[[Catalogue], T], versions: str | None = None) -> T:
    """work(the catalogue at path). With `versions` (the sync's), one made by
    other versions is emptied, and the transactions are durable (fsync) before
    the sync writes its manifest; a consumer's need not be (a lost stamp only
    makes it catch up again). A catalogue that does not read back (damaged) is
    removed and made afresh, once."""
    for attempt in (1, 2):
        try:
            db = _connect(path)
            db.execute(f"PRAGMA synchronous = {'FULL' if versions is not None else 'NORMAL'}")
            cat = Catalogue(db)
            if versions is not None and cat._meta("versions") != f"{SCHEMA} {versions}":
                with db:
                    for table in ("files", "changes", "stamps", "entries", "meta"):
                        db.execute(f"DELETE FROM {table}")
                    db.execute("INSERT INTO meta VALUES ('versions', ?)", (f"{SCHEMA} {versions}",))
            got = work(cat)
            _OPEN[str(path)] = (db, _signature(path))
            return got
        except sqlite3.OperationalError as e:   # locked, no space, unreadable: not damage
            forget(path)
            raise SarcoKGError(f"{path}: {e}") from None
        except sqlite3.DatabaseError:
            forget(path)
            if attempt == 2:
                raise
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
    raise AssertionError("unreachable")
