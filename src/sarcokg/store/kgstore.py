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
A bulk load of DEFER_EVIDENCE_MIN files or more leaves the reports' evidence
out until complete() loads it, before the first query that may read it
(evidence_defer); the manifest lists those reports under "deferred".

A read-only folder is loaded into memory instead.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError, SarcoKGError
from sarcokg.common.files import json_bytes, json_read, listed_file, state_folder
from sarcokg.common.resources import ONTOLOGY_FILE, bundled_graph
from sarcokg.common.resources import ontology_dir as package_ontology_dir
from sarcokg.model.namespaces import ONTOLOGY_IRI, PREFIXES, REPORT_BASE, report_id_problem, report_ns
from sarcokg.store import tally
from sarcokg.store.evidence_defer import split_body

CACHE_DIR = ".sarcokg"
_HELD: dict[str, object] = {}    # knowledge-graph locks this process holds
_OPEN: dict[str, ox.Store] = {}   # stores this process has open, by folder (RocksDB allows one handle)
STORE_FORMAT = 2          # bump when the layout of the cache changes
LOCK_WAIT_S = float(os.environ.get("SARCOKG_LOCK_WAIT", "30"))
# a load of this many files or more leaves the reports' evidence for the first
# query that may read it (evidence_defer); a smaller one loads everything
DEFER_EVIDENCE_MIN = int(os.environ.get("SARCOKG_DEFER_EVIDENCE_MIN", "1000"))
_CHUNK = 2500             # files per bulk load


def ontology_path(ontology_dir: Path | None = None) -> Path:
    return (ontology_dir or package_ontology_dir()) / ONTOLOGY_FILE


def report_names(kg: Path) -> list[str]:
    """The report graph file names (*.ttl) of a folder, sorted; a missing or
    empty folder raises a one-line InputError."""
    if not kg.exists():
        raise InputError(f"{kg}: no such knowledge-graph folder")
    if not kg.is_dir():
        raise InputError(f"{kg}: not a folder")
    state_folder(kg / CACHE_DIR)
    # os.scandir and string sort: 100,000 files in a fraction of a second (Path sorting is slow);
    # a FIFO or a symlink loop named *.ttl is an error that says what it is (listed_file)
    with os.scandir(kg) as it:
        entries = {e.name: e for e in it if e.name.endswith(".ttl") and not e.name.startswith(".")}
    names = sorted(entries)
    names = [n for n in names if listed_file(entries[n])]
    for n in names:   # a name that cannot be a report id would make an IRI that breaks the store
        problem = report_id_problem(n[:-len(".ttl")])
        if problem is not None:
            raise InputError(f"{kg / n}: {problem}.ttl")
    if not names:
        raise InputError(f"{kg}: no report graphs (*.ttl) in this folder")
    if "ontology.ttl" in names:
        raise InputError(f"{kg / 'ontology.ttl'}: 'ontology' is reserved for the ontology's graph; "
                         "rename this report file")
    return names


class ReportFiles(Sequence):
    """A folder's report files, as Paths made when asked for: `names` serves
    whoever needs only the names (100,000 Path objects cost 0.3 s)."""

    def __init__(self, kg: Path, names: list[str]):
        self.kg, self.names = kg, names

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.kg / n for n in self.names[i]]
        return self.kg / self.names[i]


def report_files(kg: Path, names: list[str] | None = None) -> ReportFiles:
    return ReportFiles(kg, report_names(kg) if names is None else names)


def report_graph(report_id: str) -> ox.NamedNode:
    return ox.NamedNode(REPORT_BASE + report_id)


def _turtle_error(path: Path, e: SyntaxError) -> InputError:
    line = f":{e.lineno}" if e.lineno else ""
    msg = str(e.msg if hasattr(e, "msg") else e).split(": ", 1)[-1]
    return InputError(f"{path}{line}: malformed Turtle: {msg}")


def parse_file(path: Path, graph, data: bytes | None = None) -> list[ox.Quad]:
    """The quads of one Turtle file (or of its bytes, already read) in a named
    graph; a bad file raises a one-line InputError."""
    try:
        data = path.read_bytes() if data is None else data
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


def _read(path: Path) -> tuple[os.stat_result, bytes]:
    """A report file's stat and bytes; a file gone or unreadable raises a one-line InputError."""
    try:
        return path.stat(), path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: report file disappeared while the store was being updated; run again") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None


def _parse_one(key: str, path: Path) -> tuple[dict, list[ox.Quad]]:
    """The manifest entry and quads of one file, read once (hash and content agree)."""
    st, data = _read(path)
    quads = parse_file(path, _graph_of(key), data)
    return {key: [hashlib.sha256(data).hexdigest(), st.st_size, st.st_mtime_ns]}, quads


# what may not appear in a body that is wrapped, unparsed, in a TriG graph block:
# braces (a block's end), labelled blank nodes (TriG scopes labels to the whole
# document), directives (TriG allows them only outside blocks; PREFIX and BASE
# in any case), long strings (which could run past the file's end)
_UNSAFE_BODY = re.compile(rb'[{}]|_:|@prefix|@base|(?i:^\s*(?:PREFIX|BASE)\b)|"""|' + rb"'''", re.M)
# the same test, quicker: only the characters the tokens are made of, then the
# directive words where they occur (a body holds few); the regex decides when
# the quick look finds a token character
_NOT_TOKEN_CHARS = bytes(c for c in range(256) if c not in b"{}_:@\"'")
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_")


def _unsafe_body(body: bytes) -> bool:
    """_UNSAFE_BODY.search(body) is not None, in a fraction of the time."""
    kept = body.translate(None, _NOT_TOKEN_CHARS)   # deleting can join tokens, never split one
    if b"{" in kept or b"}" in kept or b"@" in kept or b"_:" in kept or b'"""' in kept or b"''" in kept:
        return _UNSAFE_BODY.search(body) is not None
    low = body.lower()
    for word in (b"prefix", b"base"):
        i = low.find(word)
        while i >= 0:
            j = i + len(word)
            if (j == len(low) or low[j] not in _WORD) and not low[low.rfind(b"\n", 0, i) + 1:i].strip():
                return True   # at the start of a line, after blanks only
            i = low.find(word, j)
    return False


_COMMON_HEADER = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()).encode()


def writer_body_start(data: bytes, report_id: str) -> int | None:
    """Where the statements start in a report file in the writer's form (comment
    lines, then exactly the prefix block of its own id and a blank line); None
    for any other layout."""
    pos = 0
    while data.startswith(b"#", pos):
        end = data.find(b"\n", pos)
        if end < 0 or b"\r" in data[pos:end]:
            return None
        pos = end + 1
    own = f"@prefix : <{report_ns(report_id)}> .\n".encode()
    if not data.startswith(own, pos) or not data.startswith(_COMMON_HEADER + b"\n", pos + len(own)):
        return None
    return pos + len(own) + len(_COMMON_HEADER) + 1


def _as_trig_blocks(data: bytes, report_id: str, defer: bool) -> tuple[bytes, bytes | None] | None:
    """A report file in the writer's form, with statements ending in ' .', as a
    TriG graph block with its directives before it; None for any other file,
    which must be parsed instead. Every wrapped file declares the same
    prefixes, so nothing of one file can change how the next one reads.

    Returns (that block, None); with defer, (the block of the file's facts,
    the block of its evidence), or (the whole file, None) when it cannot be
    split (see evidence_defer.split_body)."""
    start = writer_body_start(data, report_id)
    if start is None:
        return None
    body = data[start:]
    if _unsafe_body(body) or not body.rstrip().endswith(b" ."):
        return None
    later = None
    if defer:
        parts = split_body(body)
        if parts is not None:
            body, evidence = parts
            later = _wrap(data[:start], report_id, evidence)
    return _wrap(data[:start], report_id, body), later


def _wrap(header: bytes, report_id: str, body: bytes) -> bytes:
    return b"".join((header, b"<", report_graph(report_id).value.encode(), b"> {\n", body, b"\n}\n"))


def _bulk_load(store: ox.Store, items: list[tuple[str, Path]], fresh: bool,
               defer: bool = False) -> tuple[dict, set[str]]:
    """Load many files; returns their manifest entries, and the keys of the
    files whose evidence was left out (with defer; see complete()).

    Files in the writer's plain form are wrapped as TriG graph blocks and
    concatenated, and Oxigraph's bulk loader parses them natively, two chunks
    at a time (it releases the GIL); other files are parsed one by one. A chunk
    that fails to parse is loaded again file by file, which names the bad file
    and line. Each file is read once: its hash, size and content agree."""
    from concurrent.futures import ThreadPoolExecutor
    if not fresh:
        for key, _ in items:
            if store.contains_named_graph(_graph_of(key)):
                store.remove_graph(_graph_of(key))
    entries: dict = {}
    deferred: set[str] = set()
    failed: list[list[tuple[str, Path]]] = []
    running: list = []

    def settle(limit: int) -> None:
        while len(running) > limit:
            chunk, fut = running.pop(0)
            try:
                fut.result()
                deferred.update(key for key, _, later in chunk if later)
            except SyntaxError:
                failed.append([(key, path) for key, path, _ in chunk])

    with ThreadPoolExecutor(max_workers=2) as loaders:
        for start in range(0, len(items), _CHUNK):
            parts, wrapped, quads = [], [], []
            for key, path in items[start:start + _CHUNK]:
                st, data = _read(path)
                entries[key] = [hashlib.sha256(data).hexdigest(), st.st_size, st.st_mtime_ns]
                blocks = None if key == "ontology" else _as_trig_blocks(data, key, defer)
                if blocks is None:
                    quads.extend(parse_file(path, _graph_of(key), data))
                else:
                    parts.append(blocks[0])
                    wrapped.append((key, path, blocks[1] is not None))
            if quads:
                store.extend(quads)
            if parts:
                running.append((wrapped, loaders.submit(store.bulk_load, b"".join(parts),
                                                        format=ox.RdfFormat.TRIG)))
            settle(2)   # at most two chunks in memory besides the one being read
        settle(0)
    for chunk in failed:
        for key, _ in chunk:
            if store.contains_named_graph(_graph_of(key)):
                store.remove_graph(_graph_of(key))
        for key, path in chunk:
            parse_into(store, path, _graph_of(key))   # raises for the bad file, naming it and the line
    return entries, deferred


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
    digests: dict | None = None   # {file name: SHA-256} of the report files as loaded
    deferred: frozenset = frozenset()  # reports whose evidence is not in the store yet (see complete())
    folder: Path | None = None      # the --kg folder of an on-disk store
    tallies: dict | None = None     # tally.tallies() of `digests`, kept in the manifest (rowcache buckets)


def load_memory(kg: Path) -> KG:
    files = report_files(kg)
    store = ox.Store()
    parse_into(store, ontology_path(), ox.NamedNode(ONTOLOGY_IRI))
    digests = {}
    for f in files:
        entry, quads = _parse_one(f.stem, f)
        store.extend(quads)
        digests[f.name] = entry[f.stem][0]
    return KG(store, files, changed=len(files), digests=digests, tallies=tally.tallies(digests.items()))


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


def in_package(kg: Path) -> bool:
    """True for the graph the package ships: it is read, never written (no
    store on disk inside the package or the checkout's graph/)."""
    return kg.resolve() == bundled_graph().resolve()


def _writable(kg: Path) -> bool:
    return os.access(kg, os.W_OK) and (not (kg / CACHE_DIR).exists() or os.access(kg / CACHE_DIR, os.W_OK))


def _write_json(path: Path, data: dict) -> None:
    from sarcokg.common.files import atomic_write
    atomic_write(path, json_bytes(data) + b"\n")


def _versions() -> dict:
    return {"format": STORE_FORMAT, "pyoxigraph": ox.__version__}


def load(kg: Path, ontology_dir: Path | None = None, persistent: bool = True,
         evidence: bool = True) -> KG:
    """The store for a knowledge-graph folder, up to date with its files.

    evidence=False: a bulk load may leave the reports' evidence out
    (DEFER_EVIDENCE_MIN); the caller then calls complete() before it runs
    anything that may read evidence (evidence_defer.may_read_evidence)."""
    names = report_names(kg)
    if not persistent or not _writable(kg) or in_package(kg):
        return load_memory(kg)
    hold_lock(kg)
    kgraph = _sync(kg, names)
    if evidence:
        complete(kgraph)
    return kgraph


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


def _open(store_dir: Path, manifest_path: Path, kg: Path) -> tuple[ox.Store | None, dict, bool]:
    manifest: dict = {}
    if manifest_path.exists():
        try:
            manifest = json_read(manifest_path)
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
        # the manifest goes first: a crash from here on finds no manifest and rebuilds
        manifest_path.unlink(missing_ok=True)
        shutil.rmtree(store_dir, ignore_errors=True)
        store = ox.Store(key)
        manifest = {"versions": _versions(), "files": {}}
        rebuilt = True
    else:
        rebuilt = False
    _OPEN[key] = store
    return store, manifest, rebuilt


def loaded_digests(kg: Path) -> dict[str, str]:
    """{file name: SHA-256} of the report files the folder's store has loaded
    (and so parsed) without error, from its manifest; {} when there is none.
    Read without the lock: the manifest is only ever replaced whole."""
    try:
        manifest = json_read(kg / CACHE_DIR / "manifest.json")
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("versions") != _versions():
        return {}
    pending = set(_pending(kg / CACHE_DIR / "pending.json"))
    return {key + ".ttl": entry[0] for key, entry in manifest.get("files", {}).items()
            if key != "ontology" and key not in pending and isinstance(entry, list)}


def _pending(path: Path) -> list[str]:
    """Graphs an interrupted command was changing (see _sync)."""
    try:
        data = json_read(path)
        return [str(k) for k in data] if isinstance(data, list) else []
    except FileNotFoundError:
        return []
    except (ValueError, OSError):
        return ["*"]   # unreadable: redo everything


def _sync(kg: Path, names: list[str]) -> KG:
    """Bring the store in step with the files.

    manifest.json: {"versions": ..., "files": {key: [sha256, size, mtime_ns]},
    "tallies": tally.tallies() of the report files, adjusted file by file}.
    pending.json, written before any graph is touched and removed once the
    manifest records the new state, lists the graphs being changed: if the
    process dies in between, the next command finds it and redoes them.
    """
    cache = kg / CACHE_DIR
    store_dir, manifest_path, pending_path = cache / "store", cache / "manifest.json", cache / "pending.json"
    store, manifest, rebuilt = _open(store_dir, manifest_path, kg)
    assert store is not None
    known: dict = manifest.get("files", {})
    pending = set(_pending(pending_path))
    folder = str(kg) + os.sep
    wanted = {"ontology": str(ontology_path())}
    for name in names:
        wanted[name[:-4]] = folder + name
    todo, gone = [], [k for k in known if k not in wanted]
    stat = os.stat
    redo_all = "*" in pending
    touched = False   # a file with a new (size, mtime) and the same content
    for key, path in wanted.items():
        try:
            st = stat(path)
        except FileNotFoundError:
            raise InputError(f"{path}: report file disappeared while the store was being updated; "
                             "run again") from None
        entry = known.get(key)
        if entry is None or redo_all or key in pending:
            todo.append(key)
        elif entry[1] != st.st_size or entry[2] != st.st_mtime_ns:
            if sha256(Path(path)) != entry[0]:
                todo.append(key)
            else:
                known[key] = [entry[0], st.st_size, st.st_mtime_ns]
                touched = True
    gone += [k for k in pending if k not in wanted and k != "*" and k not in gone]
    deferred = set(manifest.get("deferred", ())) - set(todo) - set(gone)
    before = {k: (known[k][0] if k in known else None) for k in (*todo, *gone)}
    if todo or gone or rebuilt:
        _write_json(pending_path, sorted(set(todo) | set(gone)))
        # Many files: parse them in batches and bulk-load each batch (no per-file
        # transaction). A few files: one small transaction each.
        for key in gone:
            graph = report_graph(key)
            if store.contains_named_graph(graph):
                store.remove_graph(graph)
            known.pop(key, None)
        keys = sorted(todo)
        if len(keys) > 20:
            entries, later = _bulk_load(store, [(k, Path(wanted[k])) for k in keys], rebuilt,
                                        defer=len(keys) >= DEFER_EVIDENCE_MIN)
            known.update(entries)
            deferred |= later
        else:
            for key in keys:
                graph = _graph_of(key)
                if store.contains_named_graph(graph):
                    store.remove_graph(graph)
                entries, quads = _parse_one(key, Path(wanted[key]))
                store.extend(quads)
                known.update(entries)
        store.flush()
        manifest.update(files=known, deferred=sorted(deferred),
                        tallies=_tallies(manifest.get("tallies"), known, before))
        _write_json(manifest_path, manifest)
        pending_path.unlink()
    elif touched:
        _write_json(manifest_path, manifest)   # new mtimes, same content: spare the hashing next time
    digests = {key + ".ttl": entry[0] for key, entry in known.items() if key != "ontology"}
    tallies = manifest.get("tallies")
    if not tally.well_formed(tallies, len(digests)):   # a manifest of an earlier version, or damaged
        tallies = manifest["tallies"] = tally.tallies(digests.items())
        _write_json(manifest_path, manifest)
    return KG(store, report_files(kg, names), changed=len(todo) + len(gone), rebuilt=rebuilt, digests=digests,
              deferred=frozenset(deferred), folder=kg, tallies=tallies)


def _tallies(held, known: dict, before: dict) -> dict:
    """The tallies of the report files in `known`, from those held before the
    files in `before` ({key: its digest then}) changed; computed afresh when
    none are held or they do not add up."""
    n = sum(1 for k in known if k != "ontology")
    if isinstance(held, dict):
        t = {b: list(v) for b, v in held.items()}
        try:
            for key, old in before.items():
                if key != "ontology":
                    tally.adjust(t, key + ".ttl", old, (known.get(key) or [None])[0])
        except (TypeError, ValueError, AttributeError):
            t = None
        if t is not None and tally.well_formed(t, n):
            return t
    return tally.tallies((k + ".ttl", e[0]) for k, e in known.items() if k != "ontology")


def complete(kgraph: KG) -> None:
    """Load the evidence a bulk load left out (kgraph.deferred), so the store
    holds every triple of every file. Crash-safe like _sync: the reports are
    listed in pending.json first, and a command that finds them there reloads
    them whole. A file that changed since the store was synced is reloaded
    whole too."""
    if not kgraph.deferred or kgraph.folder is None:
        return
    kg, store = kgraph.folder, kgraph.store
    cache = kg / CACHE_DIR
    manifest_path, pending_path = cache / "manifest.json", cache / "pending.json"
    manifest = json_read(manifest_path)
    known: dict = manifest["files"]
    keys = sorted(kgraph.deferred)
    before = {k: (known[k][0] if k in known else None) for k in keys}
    _write_json(pending_path, keys)
    folder = str(kg) + os.sep
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=2) as loaders:
        running: list = []
        for start in range(0, len(keys), _CHUNK):
            running.append(loaders.submit(store.bulk_load, _evidence_chunk(store, keys[start:start + _CHUNK], folder,
                                                                          known), format=ox.RdfFormat.TRIG))
            while len(running) > 2:
                running.pop(0).result()
        for fut in running:
            fut.result()
    store.flush()
    manifest.update(files=known, deferred=[], tallies=_tallies(manifest.get("tallies"), known, before))
    _write_json(manifest_path, manifest)
    pending_path.unlink()
    kgraph.deferred = frozenset()
    if kgraph.digests is not None:
        kgraph.digests.update((key + ".ttl", entry[0]) for key, entry in known.items() if key != "ontology")
        kgraph.tallies = manifest["tallies"]


def _evidence_chunk(store: ox.Store, keys: list[str], folder: str, known: dict) -> bytes:
    """The evidence blocks of these reports, for one bulk load; a report whose
    file changed since it was loaded is reloaded whole (and its entry updated)."""
    parts = []
    for key in keys:
        path = Path(folder + key + ".ttl")
        st, data = _read(path)
        digest = hashlib.sha256(data).hexdigest()
        blocks = _as_trig_blocks(data, key, defer=True) if digest == known[key][0] else None
        if blocks is not None and blocks[1] is not None:
            parts.append(blocks[1])
        else:   # changed meanwhile: the whole file again
            graph = report_graph(key)
            quads = parse_file(path, graph, data)
            store.remove_graph(graph)
            store.extend(quads)
            known[key] = [digest, st.st_size, st.st_mtime_ns]
    return b"".join(parts)
