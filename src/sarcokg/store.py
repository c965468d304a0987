"""The knowledge-graph folder (--kg) as an Oxigraph store, kept in step with its files.

The ontology goes into the named graph <ontology IRI>, each report file
<id>.ttl into the named graph <report base><id>; queries see the union.

For a folder we may write to, the store lives on disk in KG/.sarcokg/ with a
manifest of the content hash (SHA-256) of every file it holds. Each command
compares the folder with the manifest (size and mtime first, the hash only
when those changed) and reloads exactly the files that were added, changed or
removed, so a query never sees a stale store. Updates are crash-safe: the
manifest names the graphs being changed before they are touched and is
rewritten atomically after, so a crash leaves a record of what to redo and the
next command redoes it. A store written by another version, or one that does
not open, is rebuilt from the files, with a note on stderr. One command at a
time holds KG/.sarcokg/lock; a second waits, then says who holds it.

A read-only folder is loaded into memory instead.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import pyoxigraph as ox

from .errors import InputError, SarcoKGError
from .namespaces import ONTOLOGY_FILE, ONTOLOGY_IRI, REPORT_BASE, ROOT

CACHE_DIR = ".sarcokg"
_HELD: dict[str, object] = {}    # knowledge-graph locks this process holds
_OPEN: dict[str, ox.Store] = {}   # stores this process has open, by folder (RocksDB allows one handle)
STORE_FORMAT = 1          # bump when the layout of the cache changes
LOCK_WAIT_S = float(os.environ.get("SARCOKG_LOCK_WAIT", "30"))


def ontology_path(ontology_dir: Optional[Path] = None) -> Path:
    return (ontology_dir or ROOT / "ontology") / ONTOLOGY_FILE


def report_files(kg: Path) -> list[Path]:
    if not kg.exists():
        raise InputError(f"{kg}: no such knowledge-graph folder")
    if not kg.is_dir():
        raise InputError(f"{kg}: not a folder")
    # os.scandir and string sort: 100,000 files in a fraction of a second (Path sorting is slow)
    with os.scandir(kg) as it:
        names = sorted(e.name for e in it if e.name.endswith(".ttl") and not e.name.startswith(".")
                       and e.is_file())
    files = [kg / n for n in names]
    if not files:
        raise InputError(f"{kg}: no report graphs (*.ttl) in this folder")
    return files


def report_graph(report_id: str) -> ox.NamedNode:
    return ox.NamedNode(REPORT_BASE + report_id)


def _turtle_error(path: Path, e: SyntaxError) -> InputError:
    line = f":{e.lineno}" if e.lineno else ""
    msg = str(e.msg if hasattr(e, "msg") else e).split(": ", 1)[-1]
    return InputError(f"{path}{line}: malformed Turtle: {msg}")


def parse_file(path: Path, graph) -> list[ox.Quad]:
    """The quads of one Turtle file in a named graph; a bad file raises a one-line InputError."""
    try:
        data = path.read_bytes()
        return [ox.Quad(t.subject, t.predicate, t.object, graph)
                for t in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    except SyntaxError as e:
        raise _turtle_error(path, e) from None
    except FileNotFoundError:
        raise InputError(f"{path}: report file disappeared while the store was being updated; run again") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None


def read_triples(path: Path) -> list[tuple]:
    """The triples of one Turtle file; a bad file raises a one-line InputError naming file and line."""
    return [(q.subject, q.predicate, q.object) for q in parse_file(path, ox.DefaultGraph())]


def parse_into(store: ox.Store, path: Path, graph: ox.NamedNode) -> None:
    """Load one Turtle file into a named graph, all or nothing (parsed before any is added)."""
    store.extend(parse_file(path, graph))


def _graph_of(key: str) -> ox.NamedNode:
    return ox.NamedNode(ONTOLOGY_IRI) if key == "ontology" else report_graph(key)


def _parse_one(key: str, path: Path) -> tuple[dict, list[ox.Quad]]:
    st = path.stat()
    digest = sha256(path)
    quads = parse_file(path, _graph_of(key))
    return {key: {"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "path": str(path)}}, quads


def _parse_batch(items: list[tuple[str, Path]]) -> tuple[dict, bytes]:
    entries: dict = {}
    quads: list[ox.Quad] = []
    for key, path in items:
        e, q = _parse_one(key, path)
        entries.update(e)
        quads.extend(q)
    return entries, ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def _parse_batches(items: list[tuple[str, Path]], fresh: bool, store: ox.Store) -> Iterator[tuple[dict, bytes]]:
    """(manifest entries, N-Quads) per batch of files, parsed in parallel where it pays."""
    if not fresh:
        for key, _ in items:
            if store.contains_named_graph(_graph_of(key)):
                store.remove_graph(_graph_of(key))
    size = 500
    batches = [items[i:i + size] for i in range(0, len(items), size)]
    workers = min(os.cpu_count() or 1, len(batches))
    if workers > 1:
        from .parallel import pool
        with pool(workers) as workers_pool:
            yield from workers_pool.map(_parse_batch, batches)
    else:
        yield from map(_parse_batch, batches)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class KG:
    store: ox.Store
    reports: list[Path]
    changed: int = 0          # files (re)loaded by this command
    rebuilt: bool = False


def load_memory(kg: Path) -> KG:
    files = report_files(kg)
    store = ox.Store()
    parse_into(store, ontology_path(), ox.NamedNode(ONTOLOGY_IRI))
    for f in files:
        parse_into(store, f, report_graph(f.stem))
    return KG(store, files, changed=len(files))


@contextmanager
def kg_lock(kg: Path, wait: float = LOCK_WAIT_S) -> Iterator[None]:
    """One sarcokg command at a time on a knowledge-graph folder."""
    cache = kg / CACHE_DIR
    cache.mkdir(exist_ok=True)
    path = cache / "lock"
    fh = open(path, "a+")
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            if time.monotonic() > deadline:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                fh.close()
                raise SarcoKGError(f"{kg}: another sarcokg command ({holder}) is using this knowledge graph; "
                                   f"waited {wait:.0f} s: try again when it has finished")
            time.sleep(0.1)
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        yield
    finally:
        fh.seek(0)
        fh.truncate()
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def _writable(kg: Path) -> bool:
    return os.access(kg, os.W_OK) and (not (kg / CACHE_DIR).exists() or os.access(kg / CACHE_DIR, os.W_OK))


def _write_json(path: Path, data: dict) -> None:
    from .files import atomic_write
    atomic_write(path, json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n")


def _versions() -> dict:
    return {"format": STORE_FORMAT, "pyoxigraph": ox.__version__}


def load(kg: Path, ontology_dir: Optional[Path] = None, persistent: bool = True) -> KG:
    """The store for a knowledge-graph folder, up to date with its files."""
    files = report_files(kg)
    if not persistent or not _writable(kg):
        return load_memory(kg)
    hold_lock(kg)
    return _sync(kg, files)


def holds(kg: Path) -> bool:
    """True when this process holds the folder's lock (an on-disk store is in use)."""
    return str((kg / CACHE_DIR).resolve()) in _HELD


def release(kg: Path) -> None:
    """Drop this process's handle on the folder's store and release its lock.
    KG objects from load() must not be used afterwards."""
    cache = (kg / CACHE_DIR).resolve()
    _OPEN.pop(str(cache / "store"), None)
    lock = _HELD.pop(str(cache), None)
    if lock is not None:
        lock.__exit__(None, None, None)


def hold_lock(kg: Path) -> None:
    """Take the folder's lock for the rest of this process (the whole command)."""
    key = str((kg / CACHE_DIR).resolve())
    if key not in _HELD:
        lock = kg_lock(kg)
        lock.__enter__()
        _HELD[key] = lock


def _open(store_dir: Path, manifest_path: Path, kg: Path) -> tuple[Optional[ox.Store], dict, bool]:
    manifest: dict = {}
    if manifest_path.exists():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            manifest = {}
    reason = None
    if manifest.get("versions") != _versions():
        reason = "written by another version" if manifest else "new"
    store = None
    key = str(store_dir.resolve())
    if reason is None:
        store = _OPEN.get(key)
        if store is None:
            try:
                store = ox.Store(key)
            except (OSError, RuntimeError) as e:
                if "lock" in str(e).lower():
                    raise SarcoKGError(f"{kg}: the query store is open in another program; "
                                       "close it and run again") from None
                reason = f"does not open: {str(e).splitlines()[0][:60]}"
    if reason is not None:
        if reason != "new":
            print(f"sarcokg: {kg}: rebuilding the query store ({reason})", file=sys.stderr)
        old = _OPEN.pop(key, None)
        del old
        shutil.rmtree(store_dir, ignore_errors=True)
        store = ox.Store(key)
        manifest = {"versions": _versions(), "files": {}, "pending": []}
        rebuilt = True
    else:
        rebuilt = False
    _OPEN[key] = store
    return store, manifest, rebuilt


def _sync(kg: Path, files: list[Path]) -> KG:
    cache = kg / CACHE_DIR
    store_dir, manifest_path = cache / "store", cache / "manifest.json"
    store, manifest, rebuilt = _open(store_dir, manifest_path, kg)
    assert store is not None
    known: dict = manifest.get("files", {})
    pending: list = list(manifest.get("pending", []))
    wanted = {"ontology": ontology_path(), **{f.stem: f for f in files}}
    todo, gone = [], [k for k in known if k not in wanted]
    for key, path in wanted.items():
        st = path.stat()
        entry = known.get(key)
        if key in pending or entry is None:
            todo.append(key)
        elif entry["size"] != st.st_size or entry["mtime_ns"] != st.st_mtime_ns or entry["path"] != str(path):
            if sha256(path) != entry["sha256"]:
                todo.append(key)
            else:
                known[key] = {**entry, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "path": str(path)}
    if todo or gone or rebuilt:
        manifest.update(files=known, pending=sorted(set(pending) | set(todo) | set(gone)))
        _write_json(manifest_path, manifest)
        # Many files: parse them in batches and bulk-load each batch (no per-file
        # transaction). A few files: one small transaction each.
        for key in gone:
            graph = report_graph(key)
            if store.contains_named_graph(graph):
                store.remove_graph(graph)
            known.pop(key, None)
        keys = sorted(todo)
        if len(keys) > 20:
            # Many files: parse in worker processes to N-Quads, bulk-load each batch
            # as it arrives (no per-file transaction).
            for entries, nquads in _parse_batches([(k, wanted[k]) for k in keys], rebuilt, store):
                store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
                known.update(entries)
        else:
            for key in keys:
                graph = ox.NamedNode(ONTOLOGY_IRI) if key == "ontology" else report_graph(key)
                if store.contains_named_graph(graph):
                    store.remove_graph(graph)
                entries, quads = _parse_one(key, wanted[key])
                store.extend(quads)
                known.update(entries)
        store.flush()
        manifest.update(files=known, pending=[])
        _write_json(manifest_path, manifest)
    return KG(store, files, changed=len(todo) + len(gone), rebuilt=rebuilt)
