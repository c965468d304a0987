"""Per-report validation started before the store is loaded (a cold `validate`).

When the validation cache knows none of many reports (a new folder, new
shapes or a new ontology), each of them is validated whatever the store's
sync finds, so that work need not wait for the store: it starts on jobs - 1
worker processes before `kgstore.load` and runs beside the store build (the
build leaves the cores idle at times: reading files, waiting on its
loader), and this process joins in once the store is loaded, taking the
chunks no worker has started, as `common/parallel.map_chunks` does.

Each result carries the SHA-256 of the bytes that were validated, and
`shacl.validate_kg` takes it only where that is the digest the store loaded;
a file changed in between, one that did not read, or a chunk that failed is
validated again after the load, as without this. So the results are exactly
those of validating after the load.
"""
from __future__ import annotations

import hashlib
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sarcokg.common.errors import SarcoKGError
from sarcokg.validate.shacl import PARALLEL_MIN, Result, cache_context, chunk_size, read_cache

# (SHA-256 of the bytes validated, their results) of each file validated ahead, by file name
Done = dict[str, tuple[str, list[Result]]]


def validate_chunk(args: tuple) -> list[tuple[str, list[Result]] | None]:
    """(SHA-256, results) of each file of a chunk; None for a file that did not
    read or parse (validated again after the load, which names the problem)."""
    from sarcokg.store.reportfiles import read_file
    from sarcokg.validate.shacl import engine_for, validate_bytes
    files, shapes, ontology = args
    validator = engine_for(shapes, ontology)   # built once per process (lru_cache)
    out: list[tuple[str, list[Result]] | None] = []
    for f in files:
        try:
            data = read_file(f)[1]
            out.append((hashlib.sha256(data).hexdigest(), validate_bytes(f, data, validator)))
        except SarcoKGError:
            out.append(None)
    return out


@dataclass
class Ahead:
    """Chunks of files being validated by worker processes."""
    chunks: list[tuple]
    futures: list[Future]
    workers: ProcessPoolExecutor
    names: list[list[str]] = field(default_factory=list)

    def finish(self) -> Done:
        """Every chunk's results: this process validates, from the end, the
        chunks no worker has started, and waits for the others."""
        own: dict[int, list] = {}
        try:
            for i in range(len(self.chunks) - 1, -1, -1):
                if not self.futures[i].cancel():
                    break     # a worker has it, and every chunk before it
                own[i] = validate_chunk(self.chunks[i])
            done: Done = {}
            for i, names in enumerate(self.names):
                part = own.get(i)
                if part is None:
                    try:
                        part = self.futures[i].result()
                    except Exception:   # noqa: BLE001 - its files are validated again after the load
                        continue
                done.update((name, r) for name, r in zip(names, part, strict=True) if r is not None)
            return done
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Drop what has not started (the load failed, or the results are in)."""
        for f in self.futures:
            f.cancel()
        self.workers.shutdown(wait=False, cancel_futures=True)


def start(kg: Path, engine: str, jobs: int, cache_file: Path | None) -> Ahead | None:
    """Start validating the folder's report files that cache_file (None: no
    cache) does not know, when there are many of them (PARALLEL_MIN) and more
    than one job; None when there is nothing to start."""
    if jobs <= 1 or engine != "fast":
        return None
    from sarcokg.common.parallel import pool
    from sarcokg.store.kgstore import ontology_path
    from sarcokg.store.reportfiles import report_names
    from sarcokg.validate.shacl import shapes_path
    try:
        names = report_names(kg)
    except (SarcoKGError, OSError):
        return None   # the load says what is wrong with the folder
    known = read_cache(cache_file, cache_context(engine))["reports"]
    todo = [n for n in names if n not in known]
    if len(todo) < PARALLEL_MIN:
        return None
    size = chunk_size(len(todo), jobs)
    parts = [todo[i:i + size] for i in range(0, len(todo), size)]
    shapes, ontology = str(shapes_path()), str(ontology_path())
    chunks = [([kg / n for n in part], shapes, ontology) for part in parts]
    workers = pool(jobs - 1)
    return Ahead(chunks, [workers.submit(validate_chunk, c) for c in chunks], workers, parts)
