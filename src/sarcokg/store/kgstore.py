"""The knowledge-graph folder (--kg) as an Oxigraph store, kept in step with its files.

The ontology goes into the named graph <ontology IRI>, each report file
<id>.ttl into the named graph <report base><id>; queries see the union.
load() gives the store of a folder: on disk in KG/.sarcokg/ for a folder we
may write to (sync.py keeps it in step with the files, lock.py keeps commands
apart), in memory for a read-only folder or the graph the package ships.

The modules: reportfiles (listing and parsing report files), writerform
(the writer's form loaded unparsed), lock, sync (the store kept in step),
evidence_defer (evidence loaded on first use), catalogue (the derived state's
record: the files as the store loaded them, the change log by generation,
consumers' stamps).
"""
from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.common.resources import bundled_graph
from sarcokg.common.settings import Settings
from sarcokg.model.namespaces import ONTOLOGY_IRI
from sarcokg.store import catalogue, sync
from sarcokg.store.lock import CACHE_DIR, drop_lock, hold_lock, holds, kg_lock
from sarcokg.store.reportfiles import (
    ReportFiles,
    listed_stats,
    ontology_path,
    parse_into,
    parse_one,
    read_triples,
    report_files,
    report_graph,
    report_listing,
    report_names,
    sha256,
    subjects_confined,
)
from sarcokg.store.sync import catalogue_path, loaded_digests
from sarcokg.store.writerform import writer_body_start

# the names other packages use, in one place
__all__ = ["CACHE_DIR", "KG", "catalogue_path", "complete", "hold_lock", "holds", "in_package", "kg_lock",
           "listed_stats", "load", "load_memory", "loaded_digests", "on_disk", "ontology_path", "parse_into",
           "read_triples", "release", "report_files", "report_graph", "report_listing", "report_names", "sha256",
           "writer_body_start"]


@dataclass
class KG:
    store: ox.Store
    reports: ReportFiles
    changed: int = 0          # files (re)loaded by this command
    rebuilt: bool = False
    digests: Mapping[str, str] | None = None   # {file name: SHA-256} of the report files as loaded
    deferred: int = 0         # how many reports' evidence is not in the store yet (see complete())
    folder: Path | None = None      # the --kg folder of an on-disk store
    generation: int = 0             # the catalogue's generation of the files as loaded (catalogue.py)
    settings: Settings = field(default_factory=Settings)
    # reports with a triple about a node not their own: the union of the graphs
    # is then not their merge (see reportfiles.subjects_confined; query.run answers from a merge)
    unconfined: frozenset = frozenset()


def load_memory(kg: Path, settings: Settings | None = None) -> KG:
    files = report_files(kg)
    store = ox.Store()
    parse_into(store, ontology_path(), ox.NamedNode(ONTOLOGY_IRI))
    digests, unconfined = {}, set()
    for f in files:
        entry, quads = parse_one(f.stem, f)
        store.extend(quads)
        digests[f.name] = entry[0]
        if not subjects_confined(f.stem, quads):
            unconfined.add(f.stem)
    return KG(store, files, changed=len(files), digests=digests,
              settings=settings or Settings(), unconfined=frozenset(unconfined))


def in_package(kg: Path) -> bool:
    """True for the graph the package ships: it is read, never written (no
    store on disk inside the package or the checkout's graph/)."""
    return kg.resolve() == bundled_graph().resolve()


def _writable(kg: Path) -> bool:
    """Whether the folder can hold its store: a folder we may write to (a
    probe file is made: os.access is not enough for /proc or a read-only mount)."""
    cache = kg / CACHE_DIR
    if cache.exists() and not cache.is_dir():
        raise InputError(f"{cache}: is a file, where sarcokg keeps the query store (a folder); "
                         "move it away and run again")
    if not os.access(kg, os.W_OK) or (cache.exists() and not os.access(cache, os.W_OK)):
        return False
    probe = (cache if cache.is_dir() else kg) / f".sarcokg-probe-{os.getpid()}"
    try:
        probe.touch()
        probe.unlink()
    except OSError:
        return False
    return True


def on_disk(kg: Path) -> bool:
    """Whether the folder keeps its state on disk (KG/.sarcokg: the store, the
    caches, the lock): a folder we may write to, not the graph the package ships."""
    return not in_package(kg) and _writable(kg)


def load(kg: Path, ontology_dir: Path | None = None, persistent: bool = True,
         evidence: bool = True, settings: Settings | None = None, derive: sync.Deriver | None = None) -> KG:
    """The store for a knowledge-graph folder, up to date with its files.

    evidence=False: a bulk load may leave the reports' evidence out
    (settings.defer_evidence_min); the caller then calls complete() before it
    runs anything that may read evidence (evidence_defer.may_read_evidence).
    derive: a consumer handed the files a bulk load reads (sync.Deriver)."""
    settings = settings or Settings()
    names = report_listing(kg)
    if not persistent or in_package(kg) or not _writable(kg):
        return load_memory(kg, settings)
    hold_lock(kg, settings.lock_wait, exclusive=False)
    try:
        names, stats = listed_stats(kg, names)   # as the files are once the lock is held
        s = sync.sync(kg, names, settings, derive, stats)
    except BaseException:
        if derive is not None:
            derive.finish(None, {})
        raise
    digests = Digests(s.digests)
    if derive is not None:
        derive.finish(s.generation, digests)
    kgraph = KG(s.store, report_files(kg, names), changed=s.changed, rebuilt=s.rebuilt,
                digests=digests, deferred=s.deferred, folder=kg, generation=s.generation,
                settings=settings, unconfined=s.unconfined)
    if evidence:
        complete(kgraph)
    return kgraph


class Digests(Mapping):
    """{file name: SHA-256} of the report files as the sync found them, read
    when first asked for (a clean sync did not read them: sync.Synced)."""

    def __init__(self, read: Callable[[], dict[str, str]]):
        self._read = read
        self._map: dict[str, str] | None = None

    def _got(self) -> dict[str, str]:
        if self._map is None:
            self._map = self._read()
        return self._map

    def __getitem__(self, name: str) -> str:
        return self._got()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._got())

    def __len__(self) -> int:
        return len(self._got())


def complete(kgraph: KG) -> None:
    """Load the evidence a bulk load left out (kgraph.deferred), so the store
    holds every triple of every file (sync.complete)."""
    if not kgraph.deferred or kgraph.folder is None:
        return
    kgraph.store, digests, kgraph.generation, kgraph.unconfined = sync.complete(
        kgraph.folder, kgraph.store, kgraph.settings)
    kgraph.deferred = 0
    kgraph.digests = Digests(digests)


def release(kg: Path) -> None:
    """Drop this process's handle on the folder's store and release its lock.
    KG objects from load() must not be used afterwards. A store another object of this process
    still holds (a loader's thread, a reference cycle) keeps RocksDB's lock: the collector drops
    what is unreachable, so the next load in this process opens the store."""
    sync.forget(kg)
    gc.collect()
    catalogue.forget(sync.catalogue_path(kg))
    drop_lock(kg)
