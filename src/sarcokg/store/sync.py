"""The on-disk store of a folder (KG/.sarcokg/store) kept in step with its files.

The store's record is the catalogue's `files` table (catalogue.py). Each
command compares the folder with it (size and mtime first, the hash only
when those changed) and reloads exactly the files added, changed or removed;
a clean read compares one digest of every file's name, size and mtime (the
clean mark) and reads no row. The files being changed are `pending` in the
catalogue (committed durably) before any graph is touched; the changed rows,
the change log and the clean mark are then written in one transaction that
empties `pending`, so a command that dies in between is redone by the next.
A store that does not open, was written by another version, or has no
record is rebuilt from the files; one another program holds open is an
error. docs/store.md has the rules and the lock.
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
from typing import Protocol, TypeVar

import pyoxigraph as ox

from sarcokg.common.errors import InputError, SarcoKGError
from sarcokg.common.settings import Settings
from sarcokg.store import catalogue
from sarcokg.store.catalogue import Catalogue, State
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
from sarcokg.store.writerform import as_trig_blocks, body_subjects_confined, names_report_iri, trig, writer_body_start

STORE_FORMAT = 4          # bump when the layout of the cache changes (4: the manifest folded into the catalogue)
_OPEN: dict[str, tuple[ox.Store, bool]] = {}   # stores this process has open, by folder: (store, writable)
T = TypeVar("T")


_VERSIONS = json.dumps({"format": STORE_FORMAT, "pyoxigraph": ox.__version__}, sort_keys=True)
_MADE_BY = catalogue.made_by(_VERSIONS)   # the catalogue's `versions`, as this code's sync records it


def catalogue_path(kg: Path) -> Path:
    return kg / CACHE_DIR / "catalogue.sqlite"


def _using(kg: Path, work: Callable[[Catalogue], T], write: bool = False) -> T:
    """work(the folder's catalogue); write: the sync's own (durable) writes, in a catalogue of these versions."""
    return catalogue.using(catalogue_path(kg), work, _VERSIONS if write else None)


def is_corruption(e: BaseException) -> bool:
    """RocksDB's word for damaged files (not a lock held elsewhere)."""
    text = str(e)
    return "Corruption" in text or "checksum mismatch" in text


def loaded_digests(kg: Path) -> dict[str, str]:
    """{file name: SHA-256} of the report files the folder's store has loaded
    (and so parsed) without error; {} when there is none. Read without the
    lock, in one read transaction (a file being changed is pending in it)."""
    def work(cat: Catalogue) -> dict[str, str]:
        state = cat.state()
        if state.made_by != _MADE_BY or "*" in state.pending:
            return {}
        return {key + ".ttl": d for key, d in cat.files().items() if key not in state.pending}
    return catalogue.peek(catalogue_path(kg), lambda cat: _read(cat, work)) or {}


def _read(cat: Catalogue, work: Callable[[Catalogue], T]) -> T:
    """work(cat) in one read transaction (one snapshot of the catalogue)."""
    cat.db.execute("BEGIN")
    try:
        return work(cat)
    finally:
        cat.db.execute("COMMIT")


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
        _not_held_elsewhere(e, kg)
        return f"damaged: {str(e).splitlines()[0][:80]}" if is_corruption(e) else \
            f"does not open: {str(e).splitlines()[0][:60]}"
    _OPEN[key] = (store, writable)
    return store


def _no_record(kg: Path, state: State) -> str | None:
    """Why the catalogue holds no record of the store (a reason to rebuild it); None when it does."""
    if state.made_by == _MADE_BY:
        return None
    if state.made_by is not None:
        return "written by another version"
    return "no record of it in the catalogue" if (kg / CACHE_DIR / "store").is_dir() else "new"


def _rebuild(store_dir: Path, kg: Path, reason: str) -> ox.Store:
    _OPEN.pop(str(store_dir.resolve()), None)
    if store_dir.is_dir() and not reason.startswith(("damaged", "does not open")):
        try:   # never remove a store another program has open
            ox.Store(str(store_dir.resolve()))   # opened and closed at once: no reference is kept
        except (OSError, RuntimeError) as e:
            _not_held_elsewhere(e, kg)
    if reason != "new":
        print(f"sarcokg: {kg}: rebuilding the query store ({reason})", file=sys.stderr)
    # every file pending first (a catalogue of another version emptied): a crash from here on redoes them all
    _using(kg, lambda cat: cat.set_pending(["*"]), write=True)
    for old in ("manifest.json", "pending.json"):   # the record of format 3
        (kg / CACHE_DIR / old).unlink(missing_ok=True)
    shutil.rmtree(store_dir, ignore_errors=True)
    store = ox.Store(str(store_dir.resolve()))
    _OPEN[str(store_dir.resolve())] = (store, True)
    return store


def _not_held_elsewhere(e: BaseException, kg: Path) -> None:
    """Raises when the store did not open because another program holds it (not damage)."""
    text = str(e)
    if any(w in text for w in ("While lock file", "lock hold by", "Resource temporarily unavailable")) \
            and not is_corruption(e):
        raise SarcoKGError(f"{kg}: the query store is open in another program; close it and run again") from None


@dataclass
class Plan:
    """What a sync has to do: files to (re)load, graphs to drop; `known` the
    files' (size, mtime_ns) as recorded, with the new ones of the files
    `touched` (the same content)."""
    known: dict
    todo: list[str]
    gone: list[str]
    touched: list[str] = field(default_factory=list)
    wanted: dict = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.todo and not self.gone


def plan(kg: Path, names: list[str], known: dict, pending: set[str], stats: tuple | None,
         digests: Callable[[list[str]], dict[str, str]]) -> Plan:
    """What to do; `known`: the files' recorded (size, mtime_ns); `stats`: the files'
    (sizes, mtime_ns), when the caller has them; `digests`: the recorded digests of some files."""
    known = dict(known)
    folder = str(kg) + os.sep
    wanted = {ONTOLOGY_KEY: str(ontology_path())}
    for name in names:
        wanted[name[:-4]] = folder + name
    out = Plan(known, [], [k for k in known if k not in wanted], wanted=wanted)
    redo_all = "*" in pending
    given = {} if stats is None else dict(zip([n[:-4] for n in names], zip(*stats, strict=True), strict=True))
    moved = {}
    for key, path in wanted.items():
        if redo_all:   # every file is loaded (and stat'ed as it is read): none is looked at first
            out.todo.append(key)
            continue
        try:
            st = None if key in given else os.stat(path)
            now = given[key] if st is None else (st.st_size, st.st_mtime_ns)
        except FileNotFoundError:
            raise InputError(f"{path}: report file disappeared while the store was being updated; "
                             "run again") from None
        e = known.get(key)
        if e is None or key in pending:
            out.todo.append(key)
        elif e != now:   # both (size, mtime_ns)
            moved[key] = now
    held = digests(list(moved)) if moved else {}
    for key, now in moved.items():   # size or mtime changed: the content too?
        if sha256(Path(wanted[key])) != held.get(key):
            out.todo.append(key)
        else:
            known[key] = now
            out.touched.append(key)
    out.gone += [k for k in pending if k not in wanted and k != "*" and k not in out.gone]
    return out


@dataclass
class Synced:
    store: ox.Store
    digests: Callable[[], dict[str, str]]   # {file name: SHA-256}, read when asked for
    deferred: int               # how many reports' evidence is not loaded yet
    generation: int
    unconfined: frozenset
    changed: int = 0
    rebuilt: bool = False


def _listing(names: list[str], sizes, mtimes, ontology: tuple[str, int, int]) -> str:
    """One digest of the report files' names (in name order), sizes and mtime_ns, and the ontology's."""
    h = hashlib.sha256("\0".join(map(str, ontology)).encode())
    h.update("\n".join(names).encode())
    h.update(array("q", sizes).tobytes())
    h.update(array("q", mtimes).tobytes())
    return h.hexdigest()


def _listing_of(known: dict) -> str:
    """The listing digest of the files' recorded {key: (size, mtime_ns)} (what they were when loaded)."""
    onto = known.get(ONTOLOGY_KEY) or (-1, -1)
    keys = sorted(k + ".ttl" for k in known if k != ONTOLOGY_KEY)
    entries = [known[k[:-4]] for k in keys]
    return _listing(keys, [e[0] for e in entries], [e[1] for e in entries], (str(ontology_path()), onto[0], onto[1]))


def _digests_at(kg: Path, generation: int) -> dict[str, str]:
    """The files' digests, read when first asked for; the generation must
    still be the one the command synced to."""
    now, files = _using(kg, lambda cat: _read(cat, lambda c: (c.generation(), c.files())))
    if now != generation:
        raise SarcoKGError(f"{kg}: the query store changed while this command ran; run it again")
    return {key + ".ttl": d for key, d in files.items()}


def _clean(kg: Path, names: list[str], stats: tuple | None) -> Synced | None:
    """The store as synced, when the clean mark shows that nothing changed; None: compare in full."""
    if not catalogue_path(kg).exists():
        return None
    state, unconfined = _using(kg, lambda cat: _read(cat, lambda c: (c.state(), c.unconfined())))
    if state.made_by != _MADE_BY or state.pending or state.listing is None:
        return None
    stats = stats or file_stats(kg, names)
    try:
        onto = os.stat(ontology_path())
    except OSError:
        return None
    if stats is None or state.listing != _listing(names, stats[0], stats[1], (str(ontology_path()),
                                                                             onto.st_size, onto.st_mtime_ns)):
        return None
    opened = _open_store(kg / CACHE_DIR / "store", holds_exclusive(kg), kg)
    if isinstance(opened, str):
        return None
    return Synced(opened, partial(_digests_at, kg, state.generation), state.deferred, state.generation, unconfined)


class Deriver(Protocol):
    """A consumer that derives its state from report files as a bulk load
    reads them (query.rowcache.Deriver); the store knows nothing else of it."""

    def begin(self) -> None:
        """A bulk load starts; chunks follow."""

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
    seen: State | None = None
    todo: Plan | None = None
    while True:
        state, known = _using(kg, partial(_read, work=partial(_state_and_stats, seen=seen)))
        reason = _no_record(kg, state)
        if state != seen:   # planned again only when another command changed the state
            todo = plan(kg, names, known, set(state.pending), stats, partial(_held, kg)) if reason is None else None
            stats = None    # planned again (another command changed the state): as the files are then
        seen = state
        exclusive = holds_exclusive(kg)
        if todo is not None and todo.clean:
            opened = _open_store(kg / CACHE_DIR / "store", exclusive, kg)
            if not isinstance(opened, str):
                return _finish(kg, opened, todo)   # new mtimes, same content: recorded, to spare the hashing
            reason = opened
        if not exclusive:
            hold_lock(kg, settings.lock_wait, exclusive=True)
            continue   # another command may have changed the folder while the lock was free: look again
        return _change(kg, names, settings, reason, todo, deriver)


def _state_and_stats(cat: Catalogue, seen: State | None) -> tuple[State, dict]:
    """The catalogue's state, and the files' recorded (size, mtime_ns) unless the state is the one `seen`."""
    state = cat.state()
    return state, (cat.stats() if state != seen else {})


def _held(kg: Path, keys: list[str]) -> dict[str, str]:
    return _using(kg, lambda cat: cat.digests(keys))


def _change(kg: Path, names: list[str], settings: Settings, reason: str | None, planned: Plan | None,
            deriver: Deriver | None = None) -> Synced:
    """The sync's changes, under the exclusive lock."""
    store_dir = kg / CACHE_DIR / "store"
    store = reason or _open_store(store_dir, True, kg)
    rebuilt = isinstance(store, str)
    if isinstance(store, str):
        store = _rebuild(store_dir, kg, store)
        planned = plan(kg, names, _using(kg, Catalogue.stats), {"*"}, None, partial(_held, kg))
    assert planned is not None
    todo = planned
    if todo.clean:
        return _finish(kg, store, todo)
    if not rebuilt:   # durable before the store is touched
        _using(kg, lambda cat: cat.set_pending(sorted(set(todo.todo) | set(todo.gone))), write=True)
    for key in todo.gone:
        _drop(store, report_graph(key))
        todo.known.pop(key, None)
    keys = sorted(todo.todo)
    rows: dict[str, list] = {}
    if len(keys) > 20:   # many files: bulk-load them in chunks (no per-file transaction)
        defer = len(keys) >= settings.defer_evidence_min
        entries, later, foreign = bulk_load(store, [(k, Path(todo.wanted[k])) for k in keys], rebuilt,
                                            settings.load_chunk, defer, deriver if defer else None)
        rows = {k: [*e, int(k in later), int(k in foreign)] for k, e in entries.items()}
    else:   # a few files: one small transaction each
        for key in keys:
            _drop(store, graph_of(key))
            e, quads = parse_one(key, Path(todo.wanted[key]))
            rows[key] = [*e, 0, int(key != ONTOLOGY_KEY and not subjects_confined(key, quads))]
            store.extend(quads)
    store.flush()
    todo.known.update({k: (r[1], r[2]) for k, r in rows.items()})
    return _finish(kg, store, todo, rows, len(todo.todo) + len(todo.gone), rebuilt)


def _finish(kg: Path, store: ox.Store, todo: Plan, rows: dict | None = None, changed: int = 0,
            rebuilt: bool = False) -> Synced:
    """The sync's outcome recorded (the rows loaded or touched, the files gone, the clean mark) in one
    durable transaction that also ends what was pending."""
    def work(cat: Catalogue) -> tuple[int, int, frozenset]:
        generation = cat.record({k: tuple(r) for k, r in (rows or {}).items()}, todo.gone, _listing_of(todo.known),
                                {k: todo.known[k] for k in todo.touched})
        return generation, cat.state().deferred, cat.unconfined()
    generation, deferred, unconfined = _using(kg, work, write=True)
    return Synced(store, partial(_digests_at, kg, generation), deferred, generation, unconfined, changed, rebuilt)


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
    the writer's form, the quads of the others (parsed), their entries [sha256, size, mtime_ns]."""
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
    """Load many files; returns their entries ([sha256, size, mtime_ns], as the catalogue's rows keep
    them), the keys of the files whose evidence was left out (with defer; see complete()), and the
    keys of those not confined to their own nodes (reportfiles.subjects_confined).

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
    if deriver is not None:
        deriver.begin()
    with ThreadPoolExecutor(max_workers=2) as pool:
        loader = _Loader(store, pool)
        for start in range(0, len(items), chunk):
            got = read_chunk(items[start:start + chunk], defer)
            entries.update(got.entries)
            loader.unconfined |= got.unconfined
            if got.quads:
                store.extend(got.quads)
            blocks = trig(got.blocks)   # once, for the store and the deriver
            if blocks:
                loader.submit(got.wrapped, [blocks])
            if deriver is not None and (got.parsed or not got.confined):
                deriver.skip()
            elif deriver is not None and blocks:
                deriver.chunk({key: entries[key][0] for key, _, _ in got.wrapped}, blocks, total)
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




def complete(kg: Path, store: ox.Store, settings: Settings) -> tuple[ox.Store, Callable[[], dict], int, frozenset]:
    """Load the evidence a bulk load left out (the files' rows marked deferred), so the store
    holds every triple of every file; returns (the store, the files' digests when asked for, the
    generation, the unconfined files). Upgrades the lock to exclusive. Crash-safe like sync:
    the reports are pending in the catalogue first, and a command that finds them
    there reloads them whole. A file that changed since the store was synced
    is reloaded whole too."""
    if not holds_exclusive(kg):
        hold_lock(kg, settings.lock_wait, exclusive=True)
        # another command may have run while the lock was free: the catalogue says what is loaded
    opened = _open_store(kg / CACHE_DIR / "store", True, kg)
    state, known, rows = _using(kg, lambda cat: _read(cat, lambda c: (c.state(), c.stats(), c.rows(deferred=True))))
    if isinstance(opened, str) or _no_record(kg, state) or state.pending:
        raise SarcoKGError(f"{kg}: the query store changed while this command ran; run it again")
    store = opened
    keys = list(rows)
    if keys:
        _using(kg, lambda cat: cat.set_pending(keys), write=True)
        folder = str(kg) + os.sep
        with ThreadPoolExecutor(max_workers=2) as loaders:
            running: list[Future] = []
            for start in range(0, len(keys), settings.load_chunk):
                data = _evidence_chunk(store, keys[start:start + settings.load_chunk], folder, rows)
                running.append(loaders.submit(store.bulk_load, data, format=ox.RdfFormat.TRIG))
                while len(running) > 2:
                    running.pop(0).result()
            for fut in running:
                fut.result()
        store.flush()
        known.update({k: (r[1], r[2]) for k, r in rows.items()})
    generation, unconfined = _using(kg, lambda cat: (
        cat.record({k: tuple(r) for k, r in rows.items()}, [], _listing_of(known)), cat.unconfined()), write=True)
    return store, partial(_digests_at, kg, generation), generation, unconfined


def _evidence_chunk(store: ox.Store, keys: list[str], folder: str, known: dict) -> bytes:
    """The evidence blocks of these reports, for one bulk load; a report whose
    file changed since it was loaded is reloaded whole. Their rows in `known`
    ({key: row}) are updated (evidence loaded; a new digest, size, mtime and confinement)."""
    parts = []
    for key in keys:
        path = Path(folder + key + ".ttl")
        st, data = read_file(path)
        e = entry(st, data)
        blocks = as_trig_blocks(data, key, defer=True) if e[0] == known[key][0] else None
        if blocks is not None and blocks[1] is not None:
            parts.append(blocks[1])
            known[key] = [*known[key][:3], 0, known[key][4]]
        else:   # changed meanwhile: the whole file again
            graph = report_graph(key)
            quads = parse_file(path, graph, data)
            store.remove_graph(graph)
            store.extend(quads)
            known[key] = [*e, 0, int(not subjects_confined(key, quads))]
    return trig(parts)
