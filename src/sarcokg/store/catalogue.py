"""The catalogue of derived state (KG/.sarcokg/catalogue.sqlite): the report
files as the store loaded them (`files`), the files a sync is changing
(`pending`), the change log the sync writes (`changes`), each consumer's
stamp (`stamps`) and what it keeps per report (`entries`, opaque here);
docs/architecture.md describes the tables. A consumer reads the changes
after its stamp and replaces its entries and stamp in one transaction; a
kept output is valid exactly when its stamp is current, in its context.

Why sqlite3: in the standard library, atomic across processes and crashes (a
kill -9 leaves the last committed transaction), and "what changed after g"
is one indexed query. A catalogue that does not read back is made afresh.
"""
from __future__ import annotations

import atexit
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sarcokg.common.errors import SarcoKGError
from sarcokg.store.reportfiles import ONTOLOGY_KEY

SCHEMA = 3     # 3: the store's record (size, mtime, deferred, unconfined; pending) moved here from manifest.json
KEEP = 100     # generations of the change log kept at most
_DDL = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, digest TEXT NOT NULL, size INTEGER NOT NULL,
                                  mtime INTEGER NOT NULL, deferred INTEGER NOT NULL, unconfined INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS files_deferred ON files (key) WHERE deferred = 1;
CREATE INDEX IF NOT EXISTS files_unconfined ON files (key) WHERE unconfined = 1;
CREATE TABLE IF NOT EXISTS pending (key TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS changes (generation INTEGER NOT NULL, key TEXT NOT NULL, before TEXT, after TEXT,
                                    PRIMARY KEY (generation, key));
CREATE TABLE IF NOT EXISTS stamps (name TEXT PRIMARY KEY, context TEXT NOT NULL, generation INTEGER NOT NULL,
                                   size INTEGER NOT NULL, state TEXT);
CREATE TABLE IF NOT EXISTS entries (consumer TEXT NOT NULL, key TEXT NOT NULL, digest TEXT NOT NULL,
                                    label TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (consumer, key));
"""
_TABLES = ("files", "pending", "changes", "stamps", "entries", "meta")
T = TypeVar("T")
Row = tuple   # a file's row: (digest, size, mtime_ns, deferred, unconfined)


@dataclass(frozen=True)
class Stamp:
    context: str
    generation: int
    size: int = 0
    state: str | None = None


@dataclass(frozen=True)
class State:
    """What tells the store's record apart from another: who made the
    catalogue, the generation, the clean mark, the pending files, and how many
    reports' evidence is not loaded (each changes with every write to `files`)."""
    made_by: str | None
    generation: int
    listing: str | None
    pending: tuple[str, ...]
    deferred: int


def made_by(versions: str) -> str:
    """The catalogue's `versions` as the sync of these versions records it."""
    return f"{SCHEMA} {versions}"


class Catalogue:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def _meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def generation(self) -> int:
        return int(self._meta("generation") or 0)

    def state(self) -> State:
        return State(self._meta("versions"), self.generation(), self._meta("listing"),
                     tuple(k for (k,) in self.db.execute("SELECT key FROM pending ORDER BY key")),
                     self.db.execute("SELECT COUNT(*) FROM files WHERE deferred = 1").fetchone()[0])

    def files(self) -> dict[str, str]:
        """{key: digest} of the report files (not the ontology)."""
        return dict(self.db.execute("SELECT key, digest FROM files WHERE key != ?", (ONTOLOGY_KEY,)))

    def rows(self, deferred: bool = False) -> dict[str, list]:
        """{key: [digest, size, mtime_ns, deferred, unconfined]} of every file (the ontology's too),
        in key order; deferred: of the reports whose evidence is not loaded only."""
        where = " WHERE deferred = 1" if deferred else ""
        return {k: list(r) for k, *r in self.db.execute(f"SELECT * FROM files{where} ORDER BY key")}

    def stats(self) -> dict[str, tuple[int, int]]:
        """{key: (size, mtime_ns)} of every file, the ontology's too (what a sync compares first)."""
        return {k: (s, m) for k, s, m in self.db.execute("SELECT key, size, mtime FROM files")}

    def unconfined(self) -> frozenset[str]:
        return frozenset(k for (k,) in self.db.execute("SELECT key FROM files WHERE unconfined = 1"))

    def set_pending(self, keys: Iterable[str]) -> None:
        with self.db:
            self.db.execute("DELETE FROM pending")
            self.db.executemany("INSERT INTO pending VALUES (?)", [(k,) for k in keys])

    def digests(self, keys: list[str]) -> dict[str, str]:
        """{key: digest} of these files (those of them that have a row)."""
        if len(keys) > 1000:
            wanted = set(keys)
            return {k: d for k, d in self.db.execute("SELECT key, digest FROM files") if k in wanted}
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
        rows = self.db.execute(sql, (consumer,)) if keys is None else self.db.execute(
            sql + " AND key IN (SELECT value FROM json_each(?))", (consumer, json.dumps(list(keys))))
        return {k: (d, lab, data) for k, d, lab, data in rows}

    def count_entries(self, consumer: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM entries WHERE consumer = ?", (consumer,)).fetchone()[0]

    def drop_entries(self, consumers: list[str]) -> None:
        """These consumers' stamps and entries dropped, in one transaction (they start afresh)."""
        with self.db:
            for name in consumers:
                self._put_stamp(name, None)
                self.db.execute("DELETE FROM entries WHERE consumer = ?", (name,))

    def put_entries(self, put: list[tuple[str, dict[str, tuple[str, str, str]]]]) -> None:
        """Entries of some consumers ([(consumer, {key: (digest, label, data)})]), in one transaction;
        their stamps untouched (Deriver._stream: entries of consumers with no stamp)."""
        with self.db:
            for consumer, entries in put:
                self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)",
                                    [(consumer, k, *e) for k, e in entries.items()])

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

    def record(self, rows: dict[str, Row], removed: Iterable[str], listing: str,
               moved: dict[str, tuple[int, int]] | None = None) -> int:
        """One sync's outcome in one transaction: `rows` written, the files
        `removed`, the (size, mtime_ns) of files `moved` (touched: the same
        content), the clean mark `listing`, nothing pending. The generation
        now current: a new one when a report's digest changed or a report came
        or went, each such change in the log (the ontology's is not: consumers
        see it in their context). The log no stamp needs is dropped."""
        removed, moved = list(removed), moved or {}
        if not rows and not removed and not moved and listing == self._meta("listing") \
                and self.db.execute("SELECT 1 FROM pending").fetchone() is None:
            return self.generation()
        with self.db:
            held = self.digests([*rows, *removed])
            log: list[tuple[str, str | None, str | None]] = [
                (k, held.get(k), r[0]) for k, r in rows.items() if held.get(k) != r[0] and k != ONTOLOGY_KEY]
            log += [(k, held[k], None) for k in removed if k in held]
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                                [(k, *r) for k, r in rows.items()])
            self.db.executemany("DELETE FROM files WHERE key = ?", [(k,) for k in removed])
            self.db.executemany("UPDATE files SET size = ?, mtime = ? WHERE key = ?",
                                [(size, mtime, k) for k, (size, mtime) in moved.items()])
            self.db.execute("DELETE FROM pending")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('listing', ?)", (listing,))
            generation = self.generation()
            if log:
                generation += 1
                self._log(generation, log)
        return generation

    def _log(self, generation: int, log: list[tuple[str, str | None, str | None]]) -> None:
        self.db.executemany("INSERT INTO changes VALUES (?, ?, ?, ?)", [(generation, *c) for c in log])
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(generation),))
        # the log no consumer needs (an output's stamp, which has a size, needs none), and
        # at most KEEP generations: a consumer further behind starts afresh
        oldest = self.db.execute("SELECT MIN(generation) FROM stamps WHERE size = 0").fetchone()[0]
        trim = generation - 1 if oldest is None else min(int(oldest), generation - 1)
        trim = max(trim, generation - KEEP)
        if trim > int(self._meta("log_from") or 0):
            self.db.execute("DELETE FROM changes WHERE generation <= ?", (trim,))
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('log_from', ?)", (str(trim),))


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
    the sync goes on (to change the store, or to end); a consumer's need not be (a lost stamp only
    makes it catch up again). A catalogue that does not read back (damaged) is
    removed and made afresh, once."""
    for attempt in (1, 2):
        try:
            db = _connect(path)
            db.execute(f"PRAGMA synchronous = {'FULL' if versions is not None else 'NORMAL'}")
            cat = Catalogue(db)
            if versions is not None and cat._meta("versions") != made_by(versions):
                with db:
                    for table in _TABLES:
                        db.execute(f"DELETE FROM {table}")
                    db.execute("INSERT INTO meta VALUES ('versions', ?)", (made_by(versions),))
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


def peek(path: Path, work: Callable[[Catalogue], T]) -> T | None:
    """work(the catalogue at path) on a read-only connection of its own (for a
    reader without the folder's lock); None when there is none or it does not
    read. Never makes, changes or removes it."""
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=60)
        try:
            return work(Catalogue(db))
        finally:
            db.close()
    except sqlite3.Error:
        return None
