"""Results of per-report queries, kept per report, brought up to date from the sync's change log.

A named query whose header has the line `# sarcokg:per-report` promises that
every solution of its pattern joins the nodes of one report graph only (plus
the ontology). Then its answer over all reports can be built from answers per
report. Each such query is a consumer of the catalogue (store/catalogue.py):
its rows per report are its entries there, its stamp the generation they are
of. A query reads the changes after its stamp, evaluates the changed reports
only, and replaces their entries and its stamp in one transaction; a query
over 100,000 reports reads kept rows instead of joining millions of quads on
disk. Two kinds:

- a query without aggregates projects the report id as ?report and orders by
  ?report first, then totally within a report: its result is the concatenation,
  in report order, of its rows per report; a change patches the kept result
  (the changed reports' rows out and in, renders.py does the same for each
  output format);
- an aggregate query (GROUP BY, COUNT, SUM, AVG, MIN, MAX) is evaluated in two
  stages (aggregate.py): the solutions of its pattern per report, and the
  aggregates as totals (kept in the stamp, so in the same transaction) that a
  changed report's old solutions are taken out of and its new ones put into.

The assembled result and its renderings are files in KG/.sarcokg/rows/, each
stamped in the catalogue with the generation it is of (and its size): read as
they are exactly while the stamp is current.

A first run over many reports (settings.defer_evidence_min files to evaluate)
loads each chunk's facts without their evidence when the query reads none
(evidence_defer.may_read_evidence), and evaluates every other named per-report
query that reads none on the same chunk, keeping their results as well
(named_consumers): loading a chunk costs more than the queries on it, so the
first named query pays for all of them once.

Rows are computed in chunks: a chunk of report files goes into an in-memory
Oxigraph store with the ontology and the query runs once over the chunk. Rows
go to their report by ?report, or, for an aggregate's solutions, by the report
nodes they bind; this is exact because every file must name its own nodes only
(`confined`: subjects in its namespace, no other report's node), which is
checked as the chunk loads. The final result is parsed by Oxigraph itself
(SPARQL TSV results, or the stage-2 query), so every output format is exactly
what a direct evaluation gives; tests compare the two. Queries run with
parameters (but see narrow.py), queries without the mark, results with blank
nodes, aggregates aggregate.py does not plan, graphs where two files carry one
report id (which the validator flags), a file naming another report's nodes,
and files changed since the store loaded them are evaluated on the store.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.common.files import json_bytes
from sarcokg.common.settings import Progress, Settings
from sarcokg.model.namespaces import ONTOLOGY_IRI, PREFIXES, REPORT_BASE
from sarcokg.query.aggregate import Plan, Unsupported, plan
from sarcokg.query.renders import RENDERED, KeptResult, Outputs, as_bytes, keep_rendering, read_kept, rendering
from sarcokg.store.catalogue import Catalogue, Stamp, using
from sarcokg.store.evidence_defer import may_read_evidence
from sarcokg.store.lock import CACHE_DIR, holds_exclusive
from sarcokg.store.reportfiles import sha256
from sarcokg.store.sync import catalogue_path, read_chunk
from sarcokg.store.writerform import trig

if TYPE_CHECKING:   # the pool's module is imported where one starts, not by a query that reads kept rows
    from concurrent.futures import Future, ProcessPoolExecutor

MARK = re.compile(r"^#\s*sarcokg:per-report\s*$", re.M)
FORMAT = 7        # bump when the layout of the row cache changes
_PLAIN = re.compile(r'"([^"\\]*)"')     # a plain literal without escapes, in SPARQL TSV
_LOCAL = "<" + REPORT_BASE              # a report node, in SPARQL TSV


@dataclass(frozen=True)
class Run:
    """How a query's rows are computed: the ontology file, worker processes,
    the settings (what a first run is, chunk size) and a progress callback."""
    ontology: Path
    jobs: int = 2
    settings: Settings = Settings()
    progress: Progress | None = None


class Uncacheable(Exception):
    """The query's rows cannot be kept per report (a blank node, a row without a report id)."""


def per_report(text: str) -> bool:
    return MARK.search(text) is not None


def _solutions(res) -> ox.QuerySolutions:
    if not isinstance(res, ox.QuerySolutions):
        raise Uncacheable("not a SELECT query")
    return res


def _evaluate(store: ox.Store, text: str, default_graph=None) -> tuple[list[str], list[str]]:
    """(variables, solutions as lines of SPARQL TSV results, as Oxigraph writes
    them). A cell never holds a raw tab or newline (the format escapes them), so
    a line splits into cells at its tabs, and a blank node is a cell starting '_:'."""
    kwargs = {"default_graph": default_graph} if default_graph is not None else {"use_default_graph_as_union": True}
    res = _solutions(store.query(text, prefixes=dict(PREFIXES), **kwargs))
    names = [v.value for v in res.variables]
    return names, as_bytes(res.serialize(format=ox.QueryResultsFormat.TSV)).decode("utf-8").split("\n")[1:-1]


def _report_id(cell: str) -> str | None:
    """The value of a SPARQL TSV cell that is a literal; None for an IRI, a blank node or unbound."""
    if not cell or cell[0] in "<_":
        return None
    m = _PLAIN.fullmatch(cell)
    if m:
        return m.group(1)
    term = next(iter(_solutions(ox.parse_query_results(f"?r\n{cell}\n".encode(),
                                                         format=ox.QueryResultsFormat.TSV))))["r"]
    return term.value if isinstance(term, ox.Literal) else None


def _load_chunk(ontology: str, files, facts_only: bool = False) -> tuple[ox.Store, dict, dict]:
    """An in-memory store of the ontology and a chunk of report files, read
    as the store's sync reads them; their digests. facts_only: leave out the
    evidence of files that evidence_defer can split (for a query that reads
    none: the same rows, a third of the triples)."""
    try:
        got = read_chunk([(name[:-4], Path(path)) for name, path in files], facts_only)
    except (OSError, SyntaxError, InputError) as e:
        # changed since the store loaded it: the store, in step as of this command, answers
        raise Uncacheable(str(e)) from None
    if not got.confined:
        raise Uncacheable("a file names nodes of another report")
    store, digests, stems = _loaded_chunk(ontology, {k + ".ttl": e[0] for k, e in got.entries.items()},
                                          trig(got.blocks))
    store.extend(got.quads)
    return store, digests, stems


def _loaded_chunk(ontology: str, digests: dict, trig: bytes) -> tuple[ox.Store, dict, dict]:
    """An in-memory store of the ontology and a chunk of report files as the
    store's sync read them (TriG graph blocks, confinement checked there)."""
    store = ox.Store()
    store.load(path=str(ontology), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_IRI))
    if trig:
        store.bulk_load(trig, format=ox.RdfFormat.TRIG)
    return store, digests, {name[:-4]: name for name in digests}


def _owner(cells: list[str], stems: dict) -> str | None:
    """The file whose report nodes a solution (its SPARQL TSV cells) binds: exactly one, or None."""
    owners = {c[len(_LOCAL):-1].split("/", 1)[0] for c in cells if c.startswith(_LOCAL)}
    return stems.get(owners.pop()) if len(owners) == 1 else None


def chunk_rows(args) -> tuple[list[str], dict, list]:
    """Worker: (variables, {key: (sha256, report id, rows as SPARQL TSV results lines)}) for a chunk,
    and the same for each of the `others` (text, keep) on the same chunk, None
    for one that cannot be kept.

    `keep` None: the query's own rows, which go to files by ?report. Otherwise
    the solutions of an aggregate's pattern (aggregate.Plan.rows_query), which
    go to the file whose report nodes they bind, with the `keep` columns only."""
    text, ontology, files, keep, facts_only, others, loaded = args
    store, digests, stems = _load_chunk(ontology, files, facts_only) if loaded is None else \
        _loaded_chunk(ontology, *loaded)
    names, out = _rows(store, digests, stems, files, text, keep)
    extra: list[tuple[list[str], dict] | None] = []
    for other_text, other_keep in others:
        try:
            extra.append(_rows(store, digests, stems, files, other_text, other_keep))
        except Uncacheable:
            extra.append(None)
    return names, out, extra


def _rows(store: ox.Store, digests: dict, stems: dict, files, text: str, keep) -> tuple[list[str], dict]:
    if keep is not None:
        return list(keep), _solutions_by_file(store, digests, stems, files, text, keep)
    names, rows = _evaluate(store, text)
    if "report" not in names:
        raise Uncacheable("no ?report column")
    if any(line.startswith("_:") or "\t_:" in line for line in rows):
        raise Uncacheable("a blank node in the results")
    col = names.index("report")
    # rows go to files by ?report, which is exact when every graph's report id is its file's stem
    q = "SELECT DISTINCT ?g ?id WHERE { GRAPH ?g { ?r <https://w3id.org/sarcokg/ontology#reportId> ?id } }"
    ids: dict[str, set] = {}
    for s in _solutions(store.query(q)):
        ids.setdefault(s["g"].value, set()).add(s["id"].value)
    exact = all(ids.get(REPORT_BASE + stem) == {stem} for stem in stems)
    by_file: dict[str, list[str]] = {}
    for line in rows if exact else ():
        rid = _report_id(line.split("\t", col + 1)[col])
        name = None if rid is None else stems.get(rid)
        if name is None:
            exact = False
            break
        by_file.setdefault(name, []).append(line)
    if not exact:   # evaluate file by file: rows belong to the file whatever their ids say
        onto = ox.NamedNode(ONTOLOGY_IRI)
        by_file = {name: _evaluate(store, text, [onto, ox.NamedNode(REPORT_BASE + name[:-4])])[1]
                   for name, _ in files}
    out = {}
    for name, _ in files:
        lines = by_file.get(name, [])
        # exact: every line went to the file of its report id, its stem
        keys = ({name[:-4]} if lines else set()) if exact else {_report_id(line.split("\t", col + 1)[col])
                                                                for line in lines}
        if len(keys) > 1 or None in keys:
            raise Uncacheable(f"{name}: rows with more than one report id")
        out[name[:-4]] = (digests[name], next(iter(keys), ""), "\n".join(lines))
    return names, out


def _solutions_by_file(store: ox.Store, digests: dict, stems: dict, files, text: str, keep: tuple) -> dict:
    """The solutions of an aggregate's pattern by the file whose report nodes
    they bind, with the `keep` columns only, each cell after a tab."""
    names, rows = _evaluate(store, text)
    at = [names.index(c) if c in names else None for c in keep]
    by_file: dict[str, list[str]] = {}
    for line in rows:
        cells = line.split("\t")
        name = _owner(cells, stems)
        if name is None:
            raise Uncacheable("a solution that binds no report node, or nodes of two reports")
        kept = "".join("\t" + cells[i] if i is not None else "\t" for i in at)
        if "\t_:" in kept:
            raise Uncacheable("a blank node in the results")
        by_file.setdefault(name, []).append(kept)
    return {name[:-4]: (digests[name], "", "\n".join(by_file.get(name, ()))) for name, _ in files}


def _split(lines: str) -> list[list[str]]:
    """Solutions kept as TSV lines, back as lists of cells ('' unbound). Every
    line starts with a tab, so a solution with no bound value is still a line."""
    return [line.split("\t")[1:] for line in lines.split("\n")] if lines else []


@dataclass(frozen=True)
class Consumer:
    """A per-report query as a consumer of the catalogue: `evaluated` is what
    runs per report (the query, or an aggregate's pattern), `keep` the columns
    an aggregate's solutions keep."""
    text: str
    agg: Plan | None
    name: str
    context: str

    @property
    def evaluated(self) -> str:
        return self.text if self.agg is None else self.agg.rows_query

    @property
    def keep(self) -> tuple | None:
        return None if self.agg is None else tuple(self.agg.columns)


@lru_cache(maxsize=64)
def consumer(text: str, ontology_digest: str) -> Consumer:
    stem = hashlib.sha256(text.encode()).hexdigest()[:32]
    return Consumer(text, plan(text), "rows:" + stem,
                    _digest(str(FORMAT), ox.__version__, text, ontology_digest, json.dumps(PREFIXES, sort_keys=True)))


def named_consumers(run: Run, reads: list[bool] | None = None) -> list[Consumer]:
    """Every named per-report query that reads no evidence (the ones a pass
    over the reports' facts serves); `reads`: may_read_evidence of each of
    _per_report_texts(), when it was worked out elsewhere (_reading_evidence)."""
    onto = sha256(run.ontology)
    texts = _per_report_texts()
    if reads is None or len(reads) != len(texts):
        reads = [may_read_evidence(t) for t in texts]
    return [consumer(t, onto) for t, read in zip(texts, reads, strict=True) if not read]


def _per_report_texts() -> list[str]:
    from sarcokg.query.named import named_queries
    texts = [p.read_text(encoding="utf-8") for p in named_queries().values()]
    return [t for t in texts if per_report(t)]


def _reading_evidence(texts: list[str]) -> list[bool]:
    """A worker's first task in a store build: may_read_evidence of each query
    (rdflib's import and parses, 0.7 s), while the command reads the first chunk."""
    return [may_read_evidence(t) for t in texts]


def _compute(todo: list, c: Consumer, run: Run) -> tuple[list | None, dict]:
    """(variables, {key: entry}) for the files to evaluate, in chunks, on
    `run.jobs` processes; raises Uncacheable."""
    size = run.settings.rows_chunk
    chunks: list[tuple] = [(c.evaluated, str(run.ontology), todo[i:i + size], c.keep, False, [], None)
              for i in range(0, len(todo), size)]
    variables, out = None, {}
    for names, part, _ in _map_chunks(chunks, run):
        variables = names
        out.update(part)
    return variables, out


def _map_chunks(chunks: list, run: Run) -> list:
    """chunk_rows() of each chunk, on worker processes when there are several."""
    if run.jobs > 1 and len(chunks) > 1:
        from sarcokg.common.parallel import pool
        with pool(min(run.jobs, len(chunks))) as workers:
            return list(workers.map(chunk_rows, chunks))
    return list(map(chunk_rows, chunks))


def _message(queries: int, reports: int) -> str:
    return (f"computing the results of {queries} named quer{'y' if queries == 1 else 'ies'} "
            f"for {reports} reports once; later runs read them")


class Deriver:
    """The rows of every named per-report query (and `extra` consumers),
    computed in one pass over the reports' facts: the pass that loads many
    report files into the store (sync.bulk_load hands over each chunk's TriG
    blocks, then kgstore.load calls finish()), so that no query pays a first
    run after a store build; or a first run, which reads the files itself.
    Loading a chunk costs more than the queries on it, so one pass serves them
    all. Chunks are evaluated on `run.jobs` worker processes (in this process
    for one job) while the next ones are read.

    In a store build (the sync holds the folder's lock alone), the rows of a
    consumer that starts afresh (no stamp, another context, a log that does
    not reach back) go into the catalogue as each chunk settles, while the
    next chunks load, under no stamp (its old stamp and entries dropped
    first): a crash leaves it without a stamp, so it starts afresh again.
    finish() then only stamps it, where the whole write used to follow the
    build on one core."""

    def __init__(self, kg: Path, run: Run, extra: tuple[Consumer, ...] = (), inline: bool = False,
                 render: tuple[str, ox.QueryResultsFormat] | None = None):
        self.kg, self.run, self.extra, self.inline = kg, run, extra, inline
        self.render = render   # (query text, format): the query asked, rendered while the others are kept
        self.consumers: list[Consumer] | None = None
        self.running: list = []
        self.done: list = []
        self.workers: ProcessPoolExecutor | None = None
        self.broken = False
        self.reports = self.total = 0
        self.totals: list[dict | None] = []   # an aggregate's totals, chunk by chunk as they settle
        self.streamed: set[str] = set()       # consumers whose entries are written as chunks settle
        self.reads: Future | None = None      # may_read_evidence of the named queries, from a worker

    def begin(self) -> None:
        """A bulk load is about to hand over chunks: the worker processes start
        now (an interpreter each, with its imports), while the first chunk is read."""
        if self.workers is None and self.run.jobs > 1 and not self.inline:
            from sarcokg.common.parallel import pool
            self.workers = pool(self.run.jobs)
            self.reads = self.workers.submit(_reading_evidence, _per_report_texts())
            for _ in range(self.run.jobs - 1):
                self.workers.submit(_started)

    def chunk(self, digests: dict[str, str], trig: bytes | None, total: int) -> None:
        """A chunk of report files ({key: digest}) and their facts as TriG graph
        blocks (None: the files are read where the chunk is evaluated)."""
        if self.broken:
            return
        if self.consumers is None:
            names = {c.name for c in self.extra}
            self.consumers = [*self.extra, *(c for c in named_consumers(self.run, self._reads())
                                             if c.name not in names)]
            self.totals = [{} if c.agg is not None else None for c in self.consumers]
            self.total = total
            if self.workers is None and self.run.jobs > 1 and not self.inline:
                from sarcokg.common.parallel import pool
                self.workers = pool(self.run.jobs)
            if trig is not None and self.consumers and holds_exclusive(self.kg):
                self.streamed = using(catalogue_path(self.kg), lambda cat: _start_streams(cat, self.consumers or []))
            if self.run.progress is not None:
                self.run.progress(_message(len(self.consumers), total), 0, total)
        if not self.consumers:
            return
        first, *rest = self.consumers
        args = (first.evaluated, str(self.run.ontology), [(k + ".ttl", f"{self.kg}{os.sep}{k}.ttl") for k in digests],
                first.keep, True, [(o.evaluated, o.keep) for o in rest],
                None if trig is None else ({k + ".ttl": d for k, d in digests.items()}, trig))
        if self.workers is None:
            self.running.append((len(digests), None, args))
        else:
            self.running.append((len(digests), self.workers.submit(chunk_rows, args), None))
        while len(self.running) > (0 if self.workers is None else self.run.jobs):   # a few chunks in memory
            self._settle(self.running.pop(0))

    def _settle(self, job) -> None:
        n, fut, args = job
        try:
            names, part, extra = chunk_rows(args) if fut is None else fut.result()
        except Exception:   # noqa: BLE001 - the queries compute their rows when first run instead
            self.broken = True
        else:
            self.done.append((names, part, extra))
            for i, (c, p) in enumerate(zip(self.consumers or (), [(names, part), *extra], strict=True)):
                self.totals[i] = _added(c.agg, self.totals[i], p)   # while the next chunks are evaluated
            if self.streamed:
                self._stream([(names, part), *extra])
        self.reports += n
        if self.run.progress is not None and self.consumers:
            self.run.progress(_message(len(self.consumers), self.total), self.reports, self.total)

    def _wanted(self) -> str | None:
        """The consumer name of the query asked (render), when it is a per-report query."""
        if self.render is None or not per_report(self.render[0]):
            return None
        try:
            return consumer(self.render[0], sha256(self.run.ontology)).name
        except Exception:   # noqa: BLE001 - a query plan() cannot read: the query itself says what is wrong
            return None

    def _reads(self) -> list[bool] | None:
        """What the worker found (begin()); None: work it out here."""
        try:
            return None if self.reads is None else self.reads.result()
        except Exception:   # noqa: BLE001 - worked out again in this process
            return None

    def _stream(self, parts: list) -> None:
        """A settled chunk's entries of the streamed consumers into the catalogue,
        in one transaction; a consumer whose part could not be kept stops (it
        keeps no stamp, so it starts afresh when first run)."""
        for c, part in zip(self.consumers or (), parts, strict=True):
            if part is None:
                self.streamed.discard(c.name)
        put = [(c.name, part[1]) for c, part in zip(self.consumers or (), parts, strict=True)
               if c.name in self.streamed]
        using(catalogue_path(self.kg), lambda cat: cat.put_entries(put))

    def _adopt(self, c: Consumer, generation: int, files: Files, entries: dict, variables: list[str],
               totals: dict | None) -> bytes | None:
        """The consumer's entries and result kept; the result (SPARQL TSV), None when not kept."""
        out = Outputs(catalogue_path(self.kg), c.name, c.context, generation)
        written = c.name in self.streamed
        got = using(out.catalogue, lambda cat: _adopt(cat, c, self.kg, generation, files, entries, variables,
                                                      totals, written))
        if got is None:
            return None
        try:
            out.write("result", self.kg / CACHE_DIR / "rows" / f"{c.name[5:]}.tsv", got[0])
        except OSError:
            return None   # assembled from the entries when the query is first run instead
        return got[0]

    def skip(self) -> None:
        """A chunk it cannot see (a file parsed on its own, or naming another report's nodes)."""
        self.broken = True

    def finish(self, generation: int | None, digests: Mapping[str, str]) -> None:
        """Keep what was computed, as of the sync's generation (None: the sync failed)."""
        try:
            for job in self.running:
                self._settle(job)
            if generation is None or self.broken or not self.consumers or not self.done:
                return
            files = Files(digests)   # once for every consumer
            wanted = self._wanted()
            rendered: _Rendering | None = None
            # the query asked first: its rendering is made on a thread (Oxigraph, without the GIL) meanwhile
            consumers = self.consumers
            for i in sorted(range(len(consumers)), key=lambda i: consumers[i].name != wanted):
                c = consumers[i]
                parts = [(names, part) if i == 0 else extra[i - 1] for names, part, extra in self.done]
                if all(p is not None for p in parts):
                    entries = {n: e for p in parts for n, e in p[1].items()}
                    tsv = self._adopt(c, generation, files, entries, parts[0][0], self.totals[i])
                    if c.name == wanted and tsv is not None and self.render is not None:
                        rendered = _Rendering(c, tsv, self.render[1])
            if rendered is not None:
                rendered.keep(self.kg, generation)
        finally:
            if self.workers is not None:
                self.workers.shutdown(cancel_futures=True)
            self.running, self.done = [], []


class _Rendering:
    """A kept result rendered in an output format on a thread of its own, then
    kept as KeptResult.serialize keeps it (so the query reads it)."""

    def __init__(self, c: Consumer, tsv: bytes, format: ox.QueryResultsFormat):
        import threading
        self.c, self.format = c, format
        self.data: bytes | None = None
        self.thread = threading.Thread(target=self._make, args=(tsv,), daemon=True)
        self.thread.start()

    def _make(self, tsv: bytes) -> None:
        try:
            self.data = rendering(tsv, self.format)
        except (SyntaxError, ValueError, OSError):
            self.data = None   # made by the query as it is asked, as without this

    def keep(self, kg: Path, generation: int) -> None:
        self.thread.join()
        if self.data is not None and self.format in RENDERED:
            try:
                keep_rendering(Outputs(catalogue_path(kg), self.c.name, self.c.context, generation),
                               kg / CACHE_DIR / "rows", self.c.name[5:], self.format, self.data)
            except OSError:
                pass


def _started() -> None:
    """A worker's first task: nothing (its interpreter has started and imported this module)."""


def _start_streams(cat: Catalogue, consumers: list[Consumer]) -> set[str]:
    """The consumers that start afresh (_behind), their stamps and entries dropped, in one transaction."""
    afresh = [c.name for c in consumers if _behind(cat, c, {}, [])[2] is None]
    cat.drop_entries(afresh)
    return set(afresh)


def first_run(kg: Path, digests: Mapping[str, str], generation: int, run: Run,
              extra: tuple[Consumer, ...] = ()) -> None:
    """Every report's rows of every named per-report query (and `extra`), in
    one pass, chunk by chunk (Deriver)."""
    names = sorted(digests)
    deriver = Deriver(kg, run, extra, inline=len(names) <= run.settings.rows_chunk)   # one chunk: no workers
    try:
        for i in range(0, len(names), run.settings.rows_chunk):
            deriver.chunk({n[:-4]: digests[n] for n in names[i:i + run.settings.rows_chunk]}, None, len(names))
    except BaseException:
        deriver.finish(None, {})
        raise
    deriver.finish(generation, digests)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cached_rows(kg: Path, digests: Mapping[str, str], generation: int, text: str, run: Run) -> KeptResult | None:
    """The query's results over all reports (`digests`: {file name: SHA-256}
    as the store loaded them, at the catalogue's `generation`), brought up to
    date from the change log; None when the query's rows cannot be kept (the
    store answers)."""
    c = consumer(text, sha256(run.ontology))
    if c.agg is not None:
        # the two stages are valid SPARQL even where the query is not (a variable
        # projected but not grouped): Oxigraph judges the query itself first
        ox.Store().query(text, prefixes=dict(PREFIXES))
    stem = c.name[5:]
    out = Outputs(catalogue_path(kg), c.name, c.context, generation)
    folder = kg / CACHE_DIR / "rows"
    size = out.held("result")
    if size is None:
        stamp, keys, changed = using(out.catalogue, lambda cat: _behind(cat, c, digests))
        if stamp is not None and changed == {} and stamp.generation != generation:
            # behind by changes that net out (a file changed and changed back): it and its outputs restamped
            using(out.catalogue, lambda cat: cat.restamp(c.name, c.context, stamp.generation, generation))
            size = out.held("result")
        elif len(keys) >= run.settings.defer_evidence_min and not may_read_evidence(c.text):
            # many reports, no evidence read (its test costs an rdflib import): every named query's first run
            first_run(kg, digests, generation, run, (c,))
            size = out.held("result")
            if size is None and using(out.catalogue, lambda cat: _behind(cat, c, digests)[1]):
                return None   # not kept (a file changed since the store loaded it, a blank node...): the store answers
    if size is not None:
        return KeptResult(folder, stem, out, size=size, remake=lambda: _remade(kg, digests, text, run, out))
    got = using(out.catalogue, lambda cat: _catch_up(cat, c, generation, kg, digests, run))
    if got is None:
        return None
    tsv, before, changes = got
    out.write("result", folder / f"{stem}.tsv", tsv)
    return KeptResult(folder, stem, out, tsv, before=before, changes=changes)


def _remade(kg: Path, digests: Mapping, text: str, run: Run, out: Outputs) -> KeptResult | None:
    """The result again, when the kept file does not read back."""
    using(out.catalogue, lambda cat: cat.set_stamp(f"{out.consumer}:result", None))
    return cached_rows(kg, digests, out.generation, text, run)


def _behind(cat: Catalogue, c: Consumer, digests: Mapping,
            stems: list[str] | None = None) -> tuple[Stamp | None, list[str], dict | None]:
    """(the consumer's stamp, the keys to bring up to date, the changes since it or None: afresh);
    `stems`: sorted(n[:-4] for n in digests), when the caller has it."""
    stamp = cat.stamp(c.name)
    changed = cat.changed_keys(stamp.generation) if stamp is not None and stamp.context == c.context else None
    if changed is None:
        return stamp, sorted(n[:-4] for n in digests) if stems is None else stems, None
    return stamp, sorted(changed), changed


class Files:
    """The files' digests as the sync found them, by stem and in stem order, made once for
    every consumer a pass keeps (Deriver.finish)."""

    def __init__(self, digests: Mapping[str, str]):
        self.digests = dict(digests)
        self.by_stem = {n[:-4]: d for n, d in self.digests.items()}
        self.stems = sorted(self.by_stem)


def _adopt(cat: Catalogue, c: Consumer, kg: Path, generation: int, files: Files, entries: dict,
           variables: list[str], totals: dict | None = None,
           written: bool = False) -> tuple[bytes, int | None, list | None] | None:
    """Entries computed by a pass over the reports ({key: entry}) kept
    for this consumer when they are what it lacks, as _caught_up; None when
    it is current already or they are not what it lacks. `totals`: an
    aggregate's totals of all the entries (_added). `written`: the entries
    were put in the catalogue as they came (Deriver._stream), with no stamp;
    they are taken as they are when they are exactly what it keeps afresh."""
    digests = files.digests
    stamp, keys, changed = _behind(cat, c, digests, files.stems)
    if stamp is not None and stamp.context == c.context and stamp.generation == generation:
        return None
    if changed is None and len(entries) == len(keys) and {k: e[0] for k, e in entries.items()} == files.by_stem:
        new = entries   # afresh, an entry of every file's digest: the test below, at once
    else:
        new = {k: entries[k] for k in keys if k in entries}
        if any(k + ".ttl" in digests and (k not in new or new[k][0] != digests[k + ".ttl"]) for k in keys):
            return None
    written = written and stamp is None and changed is None and len(new) == len(entries) \
        and cat.count_entries(c.name) == len(entries)
    added = totals if changed is None and len(new) == len(entries) else None
    return _caught_up(cat, c, kg, generation, (stamp, keys, changed), new, variables, added, written)


def _catch_up(cat: Catalogue, c: Consumer, generation: int, kg: Path, digests: Mapping,
              run: Run) -> tuple[bytes, int | None, list | None] | None:
    """The consumer brought up to the current generation: the changed reports
    evaluated, then _caught_up; None: the store answers."""
    behind = _behind(cat, c, digests)
    todo = [(k + ".ttl", f"{kg}{os.sep}{k}.ttl") for k in behind[1] if k + ".ttl" in digests]
    try:
        variables, done = _compute(todo, c, run) if todo else (None, {})
    except Uncacheable:
        return None
    if any(done[n[:-4]][0] != digests[n] for n, _ in todo):
        return None   # a file changed since the store loaded it: the store answers, nothing is kept
    return _caught_up(cat, c, kg, generation, behind, done, variables)


def _caught_up(cat: Catalogue, c: Consumer, kg: Path, generation: int, behind: tuple, new: dict,
               variables: list[str] | None, added: dict | None = None,
               written: bool = False) -> tuple[bytes, int | None, list | None] | None:
    """The consumer's entries for the keys it is `behind` by (_behind) replaced
    by `new`, its totals (an aggregate's; `added`: those of `new`, afresh) and stamp, in one transaction.
    Returns (the result as SPARQL TSV, the generation it was patched from, the
    changes it was patched with) or None (the store answers)."""
    stamp, keys, changed = behind
    try:
        old = {} if changed is None else cat.entries(c.name, keys)
        put, drop = ({}, []) if written else (new, [k for k in keys if k not in new])
        if c.agg is not None:
            state, tsv = _aggregated(c.agg, None if changed is None else stamp, old, new, added)
            cat.update(c.name, Stamp(c.context, generation, state=state), put, drop, changed is None and not written)
            return tsv, None, None
        cat.update(c.name, Stamp(c.context, generation), put, drop, changed is None and not written)
        head = "\t".join("?" + v for v in (variables or _evaluate(ox.Store(), text=c.text)[0]))
        if stamp is not None and changed is not None:
            changes = [(old.get(k), new.get(k)) for k in keys
                       if (old.get(k) or [None])[0] != (new.get(k) or [None])[0]]
            data = read_kept(kg / CACHE_DIR / "rows" / f"{c.name[5:]}.tsv", Outputs(
                catalogue_path(kg), c.name, c.context, generation).held("result", stamp.generation))
            lines = None if data is None else _patch(data.split(b"\n"), head, head.split("\t").index("?report"),
                                                     changes)
            if lines is not None:
                return b"\n".join(lines), stamp.generation, changes
        kept = new if changed is None else cat.entries(c.name)    # afresh: the entries are `new`
        ordered = sorted((e for e in kept.values() if e[2]), key=lambda e: e[1])
        if any(a[1] == b[1] for a, b in zip(ordered, ordered[1:], strict=False)):
            return None   # one report id in two files: only the store can interleave their rows as ORDER BY says
        return ("\n".join([head, *(e[2] for e in ordered)]) + "\n").encode("utf-8"), None, None
    except Uncacheable:
        return None


def _line_id(line: bytes, col: int) -> str:
    """The report id in a result line: the value of its ?report literal."""
    return _report_id(line.split(b"\t")[col].decode("utf-8")) or ""


def _patch(lines: list[bytes], head: str, col: int, changes: list) -> list[bytes] | None:
    """The kept result's lines (header, rows, '' after the last newline) with
    each changed report's old rows taken out and its new rows put in; None
    where they do not match (assemble the result afresh)."""
    import bisect
    if len(lines) < 2 or lines[0] != head.encode("utf-8") or lines[-1] != b"":
        return None
    body = lines[1:-1]

    def span(report_id: str) -> tuple[int, int]:
        lo = bisect.bisect_left(body, report_id, key=lambda line: _line_id(line, col))
        return lo, bisect.bisect_right(body, report_id, lo=lo, key=lambda line: _line_id(line, col))

    for old, _ in changes:      # every old row out first: a report id may move between files
        if old is not None and old[2]:
            lo, hi = span(old[1])
            if b"\n".join(body[lo:hi]) != old[2].encode("utf-8"):
                return None
            del body[lo:hi]
    for _, new in changes:
        if new is not None and new[2]:
            lo, hi = span(new[1])
            if hi != lo:
                return None   # one report id in two files: assembled afresh, where the store is asked
            body[lo:lo] = new[2].encode("utf-8").split(b"\n")
    return [lines[0], *body, b""]


def _added(agg: Plan | None, totals: dict | None, part: tuple | None) -> dict | None:
    """An aggregate's totals with the solutions of a chunk's reports (a
    chunk_rows part) added; None for another query, a part or totals not
    kept, or solutions that cannot be added."""
    if agg is None or totals is None or part is None:
        return None
    try:
        agg.add(totals, [row for e in part[1].values() for row in _split(e[2])], 1)
    except _UNSUPPORTED:
        return None
    return totals


_UNSUPPORTED = (Unsupported, TypeError, KeyError, IndexError, AttributeError, ValueError)


def _aggregated(agg, stamp: Stamp | None, old: dict, new: dict, added: dict | None = None) -> tuple[str, bytes]:
    """(the totals as kept, the result as SPARQL TSV) of an aggregate query:
    the totals of the stamp (none: afresh) with the changed reports' old
    solutions taken out and their new ones put in (aggregate.py); `added`:
    the totals of `new` afresh, added already. Raises Uncacheable where the
    totals cannot be taken (the store answers)."""
    try:
        totals = added if added is not None else orjson.loads(stamp.state or "{}") if stamp is not None else {}
        if not old and added is None:   # whole reports in, all at once
            agg.add(totals, [row for key in sorted(new) for row in _split(new[key][2])], 1)
        for key in sorted(set(old) | set(new)) if old else ():     # whole reports out and in, one at a time
            if key in old:
                agg.add(totals, _split(old[key][2]), -1)
            if key in new:
                agg.add(totals, _split(new[key][2]), 1)
        res = _solutions(ox.Store().query(agg.finish(totals), prefixes=dict(PREFIXES)))
    except _UNSUPPORTED as e:
        raise Uncacheable(str(e)) from None
    return json_bytes(totals).decode("utf-8"), as_bytes(res.serialize(format=ox.QueryResultsFormat.TSV))
