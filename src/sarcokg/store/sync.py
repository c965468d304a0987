"""The on-disk store of a folder (KG/.sarcokg/store) kept in step with its files.

manifest.json: {"versions": ..., "files": {key: [sha256, size, mtime_ns]},
"deferred": [keys whose evidence is not loaded yet], "unconfined": [keys of
files with a triple about a node not their own (reportfiles.subjects_confined)]}.
Every change is recorded in the catalogue of derived state (catalogue.py) as
a new generation, before the manifest. Each command compares the folder
with the manifest (size and mtime first, the hash only when those changed)
and reloads exactly the files added, changed or removed. pending.json,
written before any graph is touched and removed once the manifest records the
new state, lists the graphs being changed: if the process dies in between,
the next command finds it and redoes them. A store written by another
version, or one that does not open (damaged: RocksDB reports "Corruption"),
is rebuilt from the files with a one-line note; a store another program
holds open is an error.

Commands that only read hold the folder's lock shared and open the store
read-only; a change to make upgrades the lock to exclusive (lock.py) and
looks at the state again before making it.

A clean read does not parse the manifest: each sync records in the
catalogue a mark (`_record_mark`) with one digest of every file's (name, size,
mtime_ns) as the manifest has them, the generation and the manifest's own
signature. A command whose files' sizes and mtimes hash to that digest (at
the same generation, with the same manifest and no pending.json) finds
exactly what the full comparison would find, nothing to do, without it; on
any mismatch the full comparison runs. The manifest's digests are read only
when a caller asks for them.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from array import array
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from sarcokg.common.errors import InputError, SarcoKGError
from sarcokg.common.files import atomic_write, json_bytes, json_read
from sarcokg.common.settings import Settings
from sarcokg.store.lock import CACHE_DIR, hold_lock, holds_exclusive
from sarcokg.store.reportfiles import (
    ONTOLOGY_KEY,
    confined,
    entry,
    file_stats,
    graph_of,
    ontology_path,
    parse_file,
    parse_one,
    read_file,
    report_graph,
    sha256,
    subjects_confined,
)
from sarcokg.store.writerform import as_trig_blocks, body_subjects_confined, names_report_iri, writer_body_start

STORE_FORMAT = 3          # bump when the layout of the cache changes (3: "unconfined")
_OPEN: dict[str, tuple[ox.Store, bool]] = {}   # stores this process has open, by folder: (store, writable)


def versions() -> dict:
    return {"format": STORE_FORMAT, "pyoxigraph": ox.__version__}


def is_corruption(e: BaseException) -> bool:
    """RocksDB's word for damaged files (not a lock held elsewhere)."""
    text = str(e)
    return "Corruption" in text or "checksum mismatch" in text


def _is_lock_held(e: BaseException) -> bool:
    text = str(e)
    return "While lock file" in text or "lock hold by" in text or "Resource temporarily unavailable" in text


def write_json(path: Path, data) -> None:
    atomic_write(path, json_bytes(data) + b"\n")


def read_manifest(path: Path) -> dict:
    """The manifest, or {} when missing or not readable as one (a damaged one is rebuilt)."""
    try:
        data = json_read(path)
    except (ValueError, OSError):
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("files", {}), dict):
        return {}
    files = data.get("files", {})
    if not all(isinstance(e, list) and len(e) == 3 for e in files.values()):
        return {}
    return data


def pending_keys(path: Path) -> list[str]:
    """Graphs an interrupted command was changing (see the module docstring)."""
    try:
        data = json_read(path)
        return [str(k) for k in data] if isinstance(data, list) else ["*"]
    except FileNotFoundError:
        return []
    except (ValueError, OSError):
        return ["*"]   # unreadable: redo everything


def loaded_digests(kg: Path) -> dict[str, str]:
    """{file name: SHA-256} of the report files the folder's store has loaded
    (and so parsed) without error, from its manifest; {} when there is none.
    Read without the lock: the manifest is only ever replaced whole."""
    manifest = read_manifest(kg / CACHE_DIR / "manifest.json")
    if manifest.get("versions") != versions():
        return {}
    pending = set(pending_keys(kg / CACHE_DIR / "pending.json"))
    if "*" in pending:
        return {}
    return {key + ".ttl": e[0] for key, e in manifest.get("files", {}).items()
            if key != ONTOLOGY_KEY and key not in pending}


def forget(kg: Path) -> None:
    """Drop this process's handle on the folder's store."""
    _OPEN.pop(str((kg / CACHE_DIR / "store").resolve()), None)


def _open_store(store_dir: Path, writable: bool, kg: Path) -> ox.Store | str:
    """The store, or why it does not open (a reason to rebuild it)."""
    key = str(store_dir.resolve())
    held = _OPEN.get(key)
    if held is not None and (held[1] or not writable):
        return held[0]
    _OPEN.pop(key, None)
    del held   # a read-only handle goes before a writable one opens
    if not store_dir.is_dir():
        return "missing"
    try:
        store = ox.Store(key) if writable else ox.Store.read_only(key)
    except (OSError, RuntimeError) as e:
        if _is_lock_held(e) and not is_corruption(e):
            raise SarcoKGError(f"{kg}: the query store is open in another program; close it and run again") from None
        return f"damaged: {str(e).splitlines()[0][:80]}" if is_corruption(e) else \
            f"does not open: {str(e).splitlines()[0][:60]}"
    _OPEN[key] = (store, writable)
    return store


def _rebuild(store_dir: Path, manifest_path: Path, kg: Path, reason: str) -> tuple[ox.Store, dict]:
    _OPEN.pop(str(store_dir.resolve()), None)
    if store_dir.is_dir() and not reason.startswith(("damaged", "does not open")):
        _not_open_elsewhere(store_dir, kg)   # never remove a store another program has open
    if reason != "new":
        print(f"sarcokg: {kg}: rebuilding the query store ({reason})", file=sys.stderr)
    # the manifest goes first: a crash from here on finds no manifest and rebuilds
    manifest_path.unlink(missing_ok=True)
    shutil.rmtree(store_dir, ignore_errors=True)
    store = ox.Store(str(store_dir.resolve()))
    _OPEN[str(store_dir.resolve())] = (store, True)
    return store, {"versions": versions(), "files": {}}


def _not_open_elsewhere(store_dir: Path, kg: Path) -> None:
    try:
        probe = ox.Store(str(store_dir.resolve()))
    except (OSError, RuntimeError) as e:
        if _is_lock_held(e) and not is_corruption(e):
            raise SarcoKGError(f"{kg}: the query store is open in another program; close it and run again") from None
        return
    del probe


@dataclass
class Plan:
    """What a sync has to do: files to (re)load, graphs to drop; `known` the
    manifest's entries (with new mtimes of files whose content is the same)."""
    known: dict
    todo: list[str]
    gone: list[str]
    touched: bool = False
    wanted: dict = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.todo and not self.gone


def plan(kg: Path, names: list[str], manifest: dict, pending: set[str], stats: tuple | None = None) -> Plan:
    """What to do; `stats`: the files' (sizes, mtime_ns), when the caller has them."""
    known: dict = dict(manifest.get("files", {}))
    folder = str(kg) + os.sep
    wanted = {ONTOLOGY_KEY: str(ontology_path())}
    for name in names:
        wanted[name[:-4]] = folder + name
    out = Plan(known, [], [k for k in known if k not in wanted], wanted=wanted)
    redo_all = "*" in pending
    given = {} if stats is None else dict(zip([n[:-4] for n in names], zip(*stats, strict=True), strict=True))
    for key, path in wanted.items():
        try:
            st = None if key in given else os.stat(path)
            size, mtime = given[key] if st is None else (st.st_size, st.st_mtime_ns)
        except FileNotFoundError:
            raise InputError(f"{path}: report file disappeared while the store was being updated; "
                             "run again") from None
        e = known.get(key)
        if e is None or redo_all or key in pending:
            out.todo.append(key)
        elif e[1] != size or e[2] != mtime:
            if sha256(Path(path)) != e[0]:
                out.todo.append(key)
            else:
                known[key] = [e[0], size, mtime]
                out.touched = True
    out.gone += [k for k in pending if k not in wanted and k != "*" and k not in out.gone]
    return out


@dataclass
class Synced:
    store: ox.Store
    known: dict | Callable[[], dict]   # the manifest's files (read when asked for, after a clean mark)
    deferred: int               # how many reports' evidence is not loaded yet
    generation: int
    unconfined: frozenset
    changed: int = 0
    rebuilt: bool = False


def _files_as_marked(kg: Path, listing: str) -> dict:
    """The manifest's files, read when first asked for after a clean mark; they
    must be the ones the mark was made of, else the store changed meanwhile."""
    manifest = read_manifest(kg / CACHE_DIR / "manifest.json")
    files = manifest.get("files", {})
    if manifest.get("versions") != versions() or _listing_of(files) != listing:
        raise SarcoKGError(f"{kg}: the query store changed while this command ran; run it again")
    return files


def _listing(names: list[str], sizes, mtimes, ontology: tuple[str, int, int]) -> str:
    """One digest of the report files' names (in name order), sizes and mtime_ns, and the ontology's."""
    h = hashlib.sha256("\0".join(map(str, ontology)).encode())
    h.update("\n".join(names).encode())
    h.update(array("q", sizes).tobytes())
    h.update(array("q", mtimes).tobytes())
    return h.hexdigest()


def _listing_of(known: dict) -> str:
    """The listing digest of the manifest's files (what they were when loaded)."""
    onto = known.get(ONTOLOGY_KEY) or ["", -1, -1]
    keys = sorted(k + ".ttl" for k in known if k != ONTOLOGY_KEY)
    entries = [known[k[:-4]] for k in keys]
    return _listing(keys, [e[1] for e in entries], [e[2] for e in entries], (str(ontology_path()), onto[1], onto[2]))


def _record_mark(kg: Path, manifest: dict, generation: int) -> None:
    """The mark a clean read compares with (see the module docstring), in the catalogue."""
    from sarcokg.store.catalogue import using
    files = manifest.get("files", {})
    mark = json.dumps({"versions": versions(), "generation": generation, "listing": _listing_of(files),
                       "manifest": _signature(kg / CACHE_DIR / "manifest.json")[0],
                       "deferred": len(manifest.get("deferred", ())),
                       "unconfined": sorted(manifest.get("unconfined", ()))}, sort_keys=True)
    if ONTOLOGY_KEY in files:
        using(catalogue_path(kg), lambda cat: cat.set_note("clean", mark))


def _clean(kg: Path, names: list[str], stats: tuple | None) -> Synced | None:
    """The store as synced, when the clean mark shows that nothing changed; None: compare in full."""
    from sarcokg.store.catalogue import using
    cache = kg / CACHE_DIR
    if (cache / "pending.json").exists() or not catalogue_path(kg).exists():
        return None
    generation, note = using(catalogue_path(kg), lambda cat: (cat.generation(), cat.note("clean")))
    try:
        mark = json.loads(note) if note else None
    except ValueError:
        return None
    if not isinstance(mark, dict) or mark.get("versions") != versions() or mark.get("generation") != generation \
            or mark.get("manifest") != list(_signature(cache / "manifest.json")[0] or ()):
        return None
    stats = stats or file_stats(kg, names)
    try:
        onto = os.stat(ontology_path())
    except OSError:
        return None
    if stats is None or mark.get("listing") != _listing(names, stats[0], stats[1], (str(ontology_path()),
                                                                                     onto.st_size, onto.st_mtime_ns)):
        return None
    opened = _open_store(cache / "store", holds_exclusive(kg), kg)
    if isinstance(opened, str):
        return None
    return Synced(opened, partial(_files_as_marked, kg, mark["listing"]), int(mark["deferred"]), generation,
                  frozenset(mark["unconfined"]))


class Deriver(Protocol):
    """A consumer that derives its state from report files as a bulk load
    reads them (query.rowcache.Deriver); the store knows nothing else of it."""

    def chunk(self, digests: dict[str, str], trig: bytes, total: int) -> None:
        """A chunk of report files ({key: digest}) loaded, their facts as TriG graph blocks."""

    def skip(self) -> None:
        """A chunk that cannot be handed over (a file parsed on its own, or naming another report's nodes)."""

    def finish(self, generation: int | None, digests: Mapping[str, str]) -> None:
        """The sync is over, at this generation (None: it failed)."""


def sync(kg: Path, names: list[str], settings: Settings, deriver: Deriver | None = None,
         stats: tuple | None = None) -> Synced:
    """Bring the store in step with the files (see the module docstring); `stats`:
    their (sizes, mtime_ns) when the caller has them (reportfiles.listed_stats).
    The caller holds the folder's lock, shared or exclusive; a change upgrades it."""
    fast = _clean(kg, names, stats)
    if fast is not None:
        return fast
    cache = kg / CACHE_DIR
    store_dir, manifest_path, pending_path = cache / "store", cache / "manifest.json", cache / "pending.json"
    seen, todo = None, None
    while True:
        state = _signature(manifest_path, pending_path)
        manifest = read_manifest(manifest_path)
        pending = set(pending_keys(pending_path))
        reason = None if manifest.get("versions") == versions() else ("written by another version" if manifest
                                                                        else "new")
        if state != seen or todo is None:   # planned again only when another command changed the state
            todo = plan(kg, names, manifest, pending, stats) if reason is None else None
            stats = None   # planned again (another command changed the state): as the files are then
        seen = state
        exclusive = holds_exclusive(kg)
        if reason is None and todo is not None and todo.clean:
            opened = _open_store(store_dir, exclusive, kg)
            if not isinstance(opened, str):
                if todo.touched:   # new mtimes, same content: spare the hashing next time
                    manifest["files"] = todo.known
                    write_json(manifest_path, manifest)
                return _finish(kg, opened, manifest)
            reason = opened
        if not exclusive:
            hold_lock(kg, settings.lock_wait, exclusive=True)
            continue   # another command may have changed the folder while the lock was free: look again
        return _change(kg, names, settings, manifest, reason, pending, todo, deriver)


def _signature(*paths: Path) -> tuple:
    """What tells whether another command rewrote these files (each is only ever replaced whole)."""
    out: list[tuple[int, int, int] | None] = []
    for p in paths:
        try:
            st = p.stat()
            out.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append(None)
    return tuple(out)


def _change(kg: Path, names: list[str], settings: Settings, manifest: dict, reason: str | None,
            pending: set[str], planned: Plan | None = None, deriver: Deriver | None = None) -> Synced:
    """The sync's changes, under the exclusive lock."""
    cache = kg / CACHE_DIR
    store_dir, manifest_path, pending_path = cache / "store", cache / "manifest.json", cache / "pending.json"
    rebuilt = False
    opened: ox.Store | str = reason or _open_store(store_dir, True, kg)
    if isinstance(opened, str):
        store, manifest = _rebuild(store_dir, manifest_path, kg, opened)
        rebuilt = True
    else:
        store = opened
    todo = planned if planned is not None and not rebuilt else plan(kg, names, manifest, pending)
    known = todo.known
    deferred = set(manifest.get("deferred", ())) - set(todo.todo) - set(todo.gone)
    unconfined = set(manifest.get("unconfined", ())) - set(todo.todo) - set(todo.gone)
    if todo.clean and not rebuilt:
        if todo.touched:
            manifest["files"] = known
            write_json(manifest_path, manifest)
        return _finish(kg, store, manifest)
    write_json(pending_path, sorted(set(todo.todo) | set(todo.gone)))
    for key in todo.gone:
        _drop(store, report_graph(key))
        known.pop(key, None)
    keys = sorted(todo.todo)
    if len(keys) > 20:   # many files: bulk-load them in chunks (no per-file transaction)
        defer = len(keys) >= settings.defer_evidence_min
        entries, later, foreign = bulk_load(store, [(k, Path(todo.wanted[k])) for k in keys], rebuilt,
                                            settings.load_chunk, defer, deriver if defer else None)
        known.update(entries)
        deferred |= later
        unconfined |= foreign
    else:   # a few files: one small transaction each
        for key in keys:
            _drop(store, graph_of(key))
            known[key], quads = parse_one(key, Path(todo.wanted[key]))
            if key != ONTOLOGY_KEY and not subjects_confined(key, quads):
                unconfined.add(key)
            store.extend(quads)
    store.flush()
    # the change log first: a crash after it redoes the pending files, whose digests it then finds unchanged
    record_changes(kg, {k: known[k][0] for k in keys}, todo.gone, known)
    manifest.update(files=known, deferred=sorted(deferred), unconfined=sorted(unconfined))
    write_json(manifest_path, manifest)
    pending_path.unlink()
    return _finish(kg, store, manifest, len(todo.todo) + len(todo.gone), rebuilt)


def record_changes(kg: Path, digests: dict[str, str], removed: list[str], known: dict | None = None) -> int:
    """The sync's changes ({key: digest} loaded, keys removed) in the folder's
    catalogue of derived state (catalogue.py); the generation now. With
    `known` (the manifest's files), a catalogue that holds no file yet (new,
    or made afresh) records them all first."""
    import json

    from sarcokg.store.catalogue import using

    def work(cat) -> int:
        if known and cat.generation() == 0:
            cat.record({k: e[0] for k, e in known.items() if k != ONTOLOGY_KEY}, [])
        return cat.record({k: d for k, d in digests.items() if k != ONTOLOGY_KEY},
                          [k for k in removed if k != ONTOLOGY_KEY])
    return using(catalogue_path(kg), work, json.dumps(versions(), sort_keys=True))


def catalogue_path(kg: Path) -> Path:
    return kg / CACHE_DIR / "catalogue.sqlite"


def _finish(kg: Path, store: ox.Store, manifest: dict, changed: int = 0, rebuilt: bool = False) -> Synced:
    known = manifest.get("files", {})
    generation = record_changes(kg, {}, [], known)
    _record_mark(kg, manifest, generation)
    return Synced(store, known, len(manifest.get("deferred", ())), generation,
                  frozenset(manifest.get("unconfined", ())), changed, rebuilt)


def _drop(store: ox.Store, graph: ox.NamedNode) -> None:
    if store.contains_named_graph(graph):
        store.remove_graph(graph)


class _Loader:
    """Chunks of TriG blocks going to Oxigraph's bulk loader, two at a time on
    threads (it releases the GIL); a chunk that fails to parse is kept to be
    loaded again file by file."""

    def __init__(self, store: ox.Store, pool: ThreadPoolExecutor):
        self.store, self.pool = store, pool
        self.running: list[tuple[list, Future]] = []
        self.deferred: set[str] = set()
        self.unconfined: set[str] = set()
        self.failed: list[list[tuple[str, Path]]] = []

    def submit(self, wrapped: list, parts: list[bytes]) -> None:
        self.running.append((wrapped, self.pool.submit(self.store.bulk_load, b"".join(parts),
                                                       format=ox.RdfFormat.TRIG)))
        self.settle(2)   # at most two chunks in memory besides the one being read

    def settle(self, limit: int) -> None:
        while len(self.running) > limit:
            chunk, fut = self.running.pop(0)
            try:
                fut.result()
                self.deferred.update(key for key, _, later in chunk if later)
            except SyntaxError:
                self.failed.append([(key, path) for key, path, _ in chunk])


@dataclass
class Chunk:
    """Report files read for one bulk load: TriG graph blocks of the files in
    the writer's form, the quads of the others (parsed), their manifest entries."""
    blocks: list[bytes] = field(default_factory=list)
    wrapped: list = field(default_factory=list)    # [(key, path, whether its evidence was left out)]
    quads: list = field(default_factory=list)
    entries: dict = field(default_factory=dict)
    unconfined: set[str] = field(default_factory=set)   # not subjects_confined (the store answers from a merge)
    confined: bool = True        # every report file names its own nodes only (reportfiles.confined)
    parsed: bool = False         # a report file among the parsed ones


def read_chunk(items: list[tuple[str, Path]], defer: bool) -> Chunk:
    """Read a chunk of files once each (hash, size and content agree); with
    defer, the evidence of the files in the writer's form is left out."""
    out = Chunk()
    for key, path in items:
        st, data = read_file(path)
        out.entries[key] = entry(st, data)
        start = None if key == ONTOLOGY_KEY else writer_body_start(data, key)
        blocks = None if start is None else as_trig_blocks(data, key, defer, start)
        if blocks is None:
            parsed = parse_file(path, graph_of(key), data)
            if key != ONTOLOGY_KEY:
                out.parsed = True
                out.confined = out.confined and confined(key, parsed)
                if not subjects_confined(key, parsed):
                    out.unconfined.add(key)
            out.quads.extend(parsed)
        else:
            own = body_subjects_confined(data, start or 0)
            if not own:
                out.unconfined.add(key)
            out.confined = out.confined and own and not names_report_iri(data, start or 0)
            out.blocks.append(blocks[0])
            out.wrapped.append((key, path, blocks[1] is not None))
    return out


def bulk_load(store: ox.Store, items: list[tuple[str, Path]], fresh: bool, chunk: int = 2500, defer: bool = False,
              deriver: Deriver | None = None) -> tuple[dict, set[str], set[str]]:
    """Load many files; returns their manifest entries, the keys of the files
    whose evidence was left out (with defer; see complete()), and the keys of
    those not confined to their own nodes (reportfiles.subjects_confined).

    Files in the writer's plain form are wrapped as TriG graph blocks and
    concatenated (writerform), and Oxigraph's bulk loader parses them natively;
    other files are parsed one by one. A chunk that fails to parse is loaded
    again file by file, which names the bad file and line. Each file is read
    once: its hash, size and content agree. A deriver is handed each chunk's
    TriG blocks as they go to the store."""
    if not fresh:
        for key, _ in items:
            _drop(store, graph_of(key))
    entries: dict = {}
    total = sum(key != ONTOLOGY_KEY for key, _ in items)
    with ThreadPoolExecutor(max_workers=2) as pool:
        loader = _Loader(store, pool)
        for start in range(0, len(items), chunk):
            got = read_chunk(items[start:start + chunk], defer)
            entries.update(got.entries)
            loader.unconfined |= got.unconfined
            if got.quads:
                store.extend(got.quads)
            trig = b"".join(got.blocks)   # once: joining a list of one gives the bytes back
            if trig:
                loader.submit(got.wrapped, [trig])
            if deriver is not None and (got.parsed or not got.confined):
                deriver.skip()
            elif deriver is not None and trig:
                deriver.chunk({key: entries[key][0] for key, _, _ in got.wrapped}, trig, total)
        loader.settle(0)
    for failed in loader.failed:
        for key, _ in failed:
            _drop(store, graph_of(key))
        for key, path in failed:
            parsed = parse_file(path, graph_of(key))   # raises for the bad file, naming it and the line
            store.extend(parsed)
            if not subjects_confined(key, parsed):
                loader.unconfined.add(key)
    return entries, loader.deferred, loader.unconfined


def complete(kg: Path, store: ox.Store, settings: Settings) -> tuple[ox.Store, dict, int, frozenset]:
    """Load the evidence a bulk load left out (the manifest's `deferred`), so the store holds
    every triple of every file; returns (the store, the manifest's files, the
    generation, the unconfined files). Upgrades the lock to exclusive. Crash-safe like sync: the
    reports are listed in pending.json first, and a command that finds them
    there reloads them whole. A file that changed since the store was synced
    is reloaded whole too."""
    cache = kg / CACHE_DIR
    manifest_path, pending_path = cache / "manifest.json", cache / "pending.json"
    if not holds_exclusive(kg):
        hold_lock(kg, settings.lock_wait, exclusive=True)
        # another command may have run while the lock was free: its manifest says what is loaded
    opened = _open_store(cache / "store", True, kg)
    manifest = read_manifest(manifest_path)
    if isinstance(opened, str) or manifest.get("versions") != versions() or pending_keys(pending_path):
        raise SarcoKGError(f"{kg}: the query store changed while this command ran; run it again")
    store = opened
    known: dict = manifest["files"]
    keys = sorted(set(manifest.get("deferred", ())) & set(known))
    unconfined = set(manifest.get("unconfined", ()))
    if keys:
        before = {k: known[k][0] for k in keys}
        write_json(pending_path, keys)
        folder = str(kg) + os.sep
        with ThreadPoolExecutor(max_workers=2) as loaders:
            running: list[Future] = []
            for start in range(0, len(keys), settings.load_chunk):
                data = _evidence_chunk(store, keys[start:start + settings.load_chunk], folder, known, unconfined)
                running.append(loaders.submit(store.bulk_load, data, format=ox.RdfFormat.TRIG))
                while len(running) > 2:
                    running.pop(0).result()
            for fut in running:
                fut.result()
        store.flush()
        record_changes(kg, {k: known[k][0] for k in keys if known[k][0] != before[k]}, [])
        manifest.update(files=known, deferred=[], unconfined=sorted(unconfined))
        write_json(manifest_path, manifest)
        pending_path.unlink()
    generation = record_changes(kg, {}, [])
    _record_mark(kg, manifest, generation)
    return store, known, generation, frozenset(unconfined)


def _evidence_chunk(store: ox.Store, keys: list[str], folder: str, known: dict, unconfined: set[str]) -> bytes:
    """The evidence blocks of these reports, for one bulk load; a report whose
    file changed since it was loaded is reloaded whole (and its entry updated)."""
    parts = []
    for key in keys:
        path = Path(folder + key + ".ttl")
        st, data = read_file(path)
        e = entry(st, data)
        blocks = as_trig_blocks(data, key, defer=True) if e[0] == known[key][0] else None
        if blocks is not None and blocks[1] is not None:
            parts.append(blocks[1])
        else:   # changed meanwhile: the whole file again
            graph = report_graph(key)
            quads = parse_file(path, graph, data)
            store.remove_graph(graph)
            store.extend(quads)
            known[key] = e
            if subjects_confined(key, quads):
                unconfined.discard(key)
            else:
                unconfined.add(key)
    return b"".join(parts)
