"""Results of per-report queries, kept per report and reused while the report is unchanged.

A named query whose header has the line `# sarcokg:per-report` promises that
every solution of its pattern joins the nodes of one report graph only (plus
the ontology). Then its answer over all reports can be built from answers per
report, so those are computed once, by content hash, and kept in
KG/.sarcokg/rows/; after a change only the changed reports are evaluated
again, and a query over 100,000 reports reads cached rows instead of joining
millions of quads on disk. Two kinds:

- a query without aggregates projects the report id as ?report and orders by
  ?report first, then totally within a report: its result is the concatenation,
  in report order, of its rows per report (kept in buckets of reports; a
  change patches the kept result: the changed reports' rows out and in);
- an aggregate query (GROUP BY, COUNT, SUM, AVG, MIN, MAX) is evaluated in two
  stages (aggregate.py): the solutions of its pattern per report, kept in
  buckets of reports, and the aggregates as totals that a changed report's
  old solutions are taken out of and its new ones put into, so a change reads
  one bucket and the totals, not every report's solutions.

A first run over many reports (store.DEFER_EVIDENCE_MIN files to evaluate)
loads each chunk's facts without their evidence when the query reads none
(evidence_defer.may_read_evidence), and evaluates every other named per-report
query that reads none on the same chunk, keeping their results as well
(prefetch_named): loading a chunk costs more than the queries on it, so the
first named query pays for all of them once.

The assembled result is kept too, with a fingerprint of the name and digest of
every report it came from, and read as it is while that fingerprint holds.

Rows are computed in chunks: a chunk of report files goes into an in-memory
Oxigraph store with the ontology and the query runs once over the chunk. Rows
go to their report by ?report, or, for an aggregate's solutions, by the report
nodes they bind; this is exact because every file must name its own nodes only
(`confined`: subjects in its namespace, no other report's node), which is
checked as the chunk loads. The final result is parsed by Oxigraph itself
(SPARQL TSV results, or the stage-2 query), so every output format is exactly
what a direct evaluation gives; tests compare the two. Queries run with
parameters, queries without the mark, results with blank nodes, aggregates
aggregate.py does not plan, graphs where two files carry one report id (which
the validator flags), a file naming another report's nodes, and files changed
since the store loaded them are evaluated directly on the store.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.common.settings import Progress, Settings
from sarcokg.model.namespaces import ONTOLOGY_IRI, PREFIXES, REPORT_BASE, XSD, report_ns
from sarcokg.query.renders import KeptResult, as_bytes
from sarcokg.store import tally
from sarcokg.store.lock import CACHE_DIR
from sarcokg.store.reportfiles import parse_file, sha256
from sarcokg.store.writerform import as_trig_blocks, body_confined, writer_body_start

MARK = re.compile(r"^#\s*sarcokg:per-report\s*$", re.M)
FORMAT = 6        # bump when the layout of the row cache changes
BUCKETS = tally.BUCKETS   # files of a query's rows: a change reads and writes one (1/32 of all)
_INT = re.compile(r"[+-]?\d+")
_DEC = re.compile(r"[+-]?\d*\.\d+")


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


def _cell(term) -> str | None:
    """A term as in the SPARQL TSV results format (Turtle syntax, short forms for common literals)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt, v = term.datatype.value, term.value
        if not term.language:
            if (dt == XSD + "integer" and _INT.fullmatch(v)) or (dt == XSD + "decimal" and _DEC.fullmatch(v)) \
                    or (dt == XSD + "boolean" and v in ("true", "false")):
                return v
        return str(term)
    if isinstance(term, ox.NamedNode):
        return str(term)
    raise Uncacheable("a blank node in the results")


def _solutions(res) -> ox.QuerySolutions:
    if not isinstance(res, ox.QuerySolutions):
        raise Uncacheable("not a SELECT query")
    return res


def _evaluate(store: ox.Store, text: str, default_graph=None, need_report=True) -> tuple[list[str], list[list]]:
    kwargs = {"default_graph": default_graph} if default_graph is not None else {"use_default_graph_as_union": True}
    res = store.query(text, prefixes=dict(PREFIXES), **kwargs)
    if not isinstance(res, ox.QuerySolutions):
        raise Uncacheable("not a SELECT query")
    names = [v.value for v in res.variables]
    if need_report and "report" not in names:
        raise Uncacheable("no ?report column")
    return names, [[sol[n] for n in names] for sol in res]


def confined(stem: str, body: bytes | None = None, quads=None) -> bool:
    """Whether a report file describes its own nodes only: every subject is in
    its namespace (or a blank node) and no other report's node is named. Then no
    solution can join two report files through a report node, and per-report
    evaluation gives what the store gives. `body` is the statements of a file in
    the writer's form (subjects at the start of a line, own nodes as ':name');
    `quads` those of any other file."""
    own = report_ns(stem)
    if body is not None:
        return body_confined(body)
    for q in quads:
        s, o = q.subject, q.object
        if not (isinstance(s, ox.BlankNode) or s.value.startswith(own)):
            return False
        if isinstance(o, ox.NamedNode) and o.value.startswith(REPORT_BASE) and not o.value.startswith(own):
            return False
    return True


def _load_chunk(ontology: str, files, facts_only: bool = False) -> tuple[ox.Store, dict, dict]:
    """An in-memory store of the ontology and a chunk of report files; their digests.
    facts_only: leave out the evidence of files that evidence_defer can split
    (for a query that reads none: the same rows, a third of the triples)."""
    store = ox.Store()
    store.load(path=str(ontology), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_IRI))
    digests, blocks, stems = {}, [], {}
    try:
        for name, path in files:
            data = Path(path).read_bytes()
            digests[name] = hashlib.sha256(data).hexdigest()
            stem = name[:-4]
            stems[stem] = name
            blocks_of = as_trig_blocks(data, stem, defer=facts_only)
            block = None if blocks_of is None else blocks_of[0]
            if block is None:
                quads = parse_file(Path(path), ox.NamedNode(REPORT_BASE + stem), data)
                if not confined(stem, quads=quads):
                    raise Uncacheable(f"{name} names nodes of another report")
                store.extend(quads)
            else:
                if not confined(stem, body=data[writer_body_start(data, stem):]):
                    raise Uncacheable(f"{name} names nodes of another report")
                blocks.append(block)
        if blocks:
            store.bulk_load(b"".join(blocks), format=ox.RdfFormat.TRIG)
    except (OSError, SyntaxError, InputError) as e:
        # changed since the store loaded it: the store, in step as of this command, answers
        raise Uncacheable(str(e)) from None
    return store, digests, stems


def _owner(row, stems: dict) -> str | None:
    """The file whose report nodes a solution binds: exactly one, or None."""
    owners = set()
    for term in row:
        if isinstance(term, ox.NamedNode) and term.value.startswith(REPORT_BASE):
            owners.add(term.value[len(REPORT_BASE):].split("/", 1)[0])
    return stems.get(owners.pop()) if len(owners) == 1 else None


def chunk_rows(args) -> tuple[list[str], dict, list]:
    """Worker: (variables, {file name: [sha256, report id, rows as SPARQL TSV results lines]}) for a chunk,
    and the same for each of the `others` (text, keep) on the same chunk, None
    for one that cannot be kept.

    `keep` None: the query's own rows, which go to files by ?report. Otherwise
    the solutions of an aggregate's pattern (aggregate.Plan.rows_query), which
    go to the file whose report nodes they bind, with the `keep` columns only."""
    text, ontology, files, keep, facts_only, others = args
    store, digests, stems = _load_chunk(ontology, files, facts_only)
    names, out = _rows(store, digests, stems, files, text, keep)
    extra: list[tuple[list[str], dict] | None] = []
    for other_text, other_keep in others:
        try:
            extra.append(_rows(store, digests, stems, files, other_text, other_keep))
        except Uncacheable:
            extra.append(None)
    return names, out, extra


def _rows(store: ox.Store, digests: dict, stems: dict, files, text: str, keep) -> tuple[list[str], dict]:
    onto = ox.NamedNode(ONTOLOGY_IRI)
    by_file: dict[str, list] = {}
    if keep is not None:
        names, rows = _evaluate(store, text, need_report=False)
        at = [names.index(c) if c in names else None for c in keep]
        for row in rows:
            name = _owner(row, stems)
            if name is None:
                raise Uncacheable("a solution that binds no report node, or nodes of two reports")
            by_file.setdefault(name, []).append([row[i] if i is not None else None for i in at])
        out = {}
        for name, _ in files:
            lines = ("".join("\t" + ("" if c is None else c) for c in map(_cell, r)) for r in by_file.get(name, []))
            out[name] = [digests[name], "", "\n".join(lines)]
        return list(keep), out
    names, rows = _evaluate(store, text)
    col = names.index("report")
    # rows go to files by ?report, which is exact when every graph's report id is its file's stem
    q = "SELECT DISTINCT ?g ?id WHERE { GRAPH ?g { ?r <https://w3id.org/sarcokg/ontology#reportId> ?id } }"
    ids: dict[str, set] = {}
    for s in _solutions(store.query(q)):
        ids.setdefault(s["g"].value, set()).add(s["id"].value)
    exact = all(ids.get(REPORT_BASE + stem) == {stem} for stem in stems)
    for row in rows:
        name = stems.get(row[col].value) if exact and isinstance(row[col], ox.Literal) else None
        if name is None:
            exact = False
            break
        by_file.setdefault(name, []).append(row)
    if not exact:   # evaluate file by file: rows belong to the file whatever their ids say
        by_file = {}
        for name, _ in files:
            _, rows = _evaluate(store, text, [onto, ox.NamedNode(REPORT_BASE + name[:-4])])
            by_file[name] = rows
    out = {}
    for name, _ in files:
        rows = by_file.get(name, [])
        keys = {r[col].value for r in rows if isinstance(r[col], ox.Literal)}
        if len(keys) > 1 or any(not isinstance(r[col], ox.Literal) for r in rows):
            raise Uncacheable(f"{name}: rows with more than one report id")
        lines = ("\t".join("" if c is None else c for c in map(_cell, r)) for r in rows)
        out[name] = [digests[name], next(iter(keys), ""), "\n".join(lines)]
    return names, out


def _split(lines: str) -> list[list[str]]:
    """Solutions kept as TSV lines, back as lists of cells ('' unbound). Every
    line starts with a tab, so a solution with no bound value is still a line."""
    return [line.split("\t")[1:] for line in lines.split("\n")] if lines else []


def _compute(todo: list, text: str, run: Run, keep) -> tuple[list | None, dict]:
    """(variables, {file name: entry}) for the files to evaluate, in chunks, on
    `run.jobs` processes; raises Uncacheable.

    Many files to evaluate (a first run) for a query that reads no evidence
    (evidence_defer.may_read_evidence, which costs an rdflib import: not worth
    it for a few) are loaded without their evidence, and the other named
    per-report queries that read none are evaluated on the same chunks: loading
    the chunk is most of the cost. Their entries wait in _PREFETCHED until
    cached_rows() keeps them (prefetch_named())."""
    hit = _PREFETCHED.get((text, _key(keep)))
    if hit is not None and all(n in hit[1] for n, _ in todo):
        return hit[0], {n: hit[1][n] for n, _ in todo}
    first_run = len(todo) >= run.settings.defer_evidence_min
    facts_only, others = _first_run_plan(text, keep) if first_run else (False, [])
    specs = [(t, k) for _, t, k in others]
    size = run.settings.rows_chunk
    chunks = [(text, str(run.ontology), todo[i:i + size], keep, facts_only, specs) for i in range(0, len(todo), size)]
    done = _map_chunks(chunks, run, len(todo) if first_run else 0, 1 + len(specs))
    variables, out = None, {}
    extra: list = [[None, {}] for _ in specs]
    for names, part, parts in done:
        variables = names
        out.update(part)
        for slot, got in zip(extra, parts, strict=True):
            if got is None or slot[1] is None:
                slot[1] = None
            else:
                slot[0] = got[0]
                slot[1].update(got[1])
    for (original, t, k), (v, entries) in zip(others, extra, strict=True):
        if entries is not None:
            _PREFETCHED[(t, _key(k))] = (v, entries)
            _PENDING.append(original)
    return variables, out


def _first_run_plan(text: str, keep) -> tuple[bool, list]:
    """(load facts only, the other named queries to evaluate on the same chunks) of a first run."""
    from sarcokg.store.evidence_defer import may_read_evidence
    _PREFETCHED.clear()   # a new first run: nothing of an earlier one (another folder, say) stays
    _PENDING.clear()
    if may_read_evidence(text):
        return False, []
    return True, [spec for spec in _named_specs() if spec[1:] != (text, _key(keep))
                  and not may_read_evidence(spec[1])]


def _map_chunks(chunks: list, run: Run, reports: int, queries: int) -> list:
    """chunk_rows() of each chunk, on worker processes when there are several.
    A first run over many reports (minutes at 100,000) reports its progress:
    the message first, then the reports done."""
    if run.jobs > 1 and len(chunks) > 1:
        from sarcokg.common.parallel import pool
        with pool(min(run.jobs, len(chunks))) as workers:
            return _progress(workers.map(chunk_rows, chunks), chunks, run.progress if reports else None,
                             reports, queries)
    return _progress(map(chunk_rows, chunks), chunks, run.progress if reports else None, reports, queries)


def _progress(results, chunks: list, progress: Progress | None, reports: int, queries: int) -> list:
    if progress is None:
        return list(results)
    message = (f"computing the results of {queries} named quer{'y' if queries == 1 else 'ies'} "
               f"for {reports} reports once; later runs read them")
    progress(message, 0, reports)
    out, done = [], 0
    for got, chunk in zip(results, chunks, strict=False):
        done += len(chunk[2])
        progress(message, done, reports)
        out.append(got)
    return out


# entries computed for other queries on a first run: (text, keep) -> (variables, {file name: entry})
_PREFETCHED: dict = {}
_PENDING: list[str] = []     # the texts of the queries they belong to, to keep


def _key(keep) -> tuple | None:
    return None if keep is None else tuple(keep)


def _named_specs() -> list[tuple[str, str, tuple | None]]:
    """(query text, text evaluated per report, keep) of every named per-report query."""
    from sarcokg.query.aggregate import plan
    from sarcokg.query.named import named_queries
    out: list[tuple[str, str, tuple | None]] = []
    for path in named_queries().values():
        text = path.read_text(encoding="utf-8")
        if per_report(text):
            agg = plan(text)
            out.append((text, agg.rows_query, tuple(agg.columns)) if agg is not None else (text, text, None))
    return out


def prefetch_named(kg: Path, files, digests: dict, run: Run, tallies: dict | None = None) -> None:
    """Keep the entries a first run computed for the other named queries (see
    _compute), each in its own cache, as if it had been run."""
    try:
        while _PENDING:
            text = _PENDING.pop()
            try:
                cached_rows(kg, files, digests, text, run, tallies)
            except Exception:   # noqa: BLE001 - that query is computed when it is first run instead
                pass
    finally:
        _PREFETCHED.clear()
        _PENDING.clear()


def _paths(files, names: list[str]):
    """file name -> its path as a string, without a Path object per file where
    the files are a folder's ReportFiles (100,000 of them cost seconds)."""
    if hasattr(files, "kg") and hasattr(files, "names"):
        base = os.path.join(str(files.kg), "")
        return lambda name: base + name
    return dict(zip(names, map(str, files), strict=True)).__getitem__


def _read_json(path: Path) -> dict:
    from sarcokg.common.files import json_read
    try:
        data = json_read(path)
    except (ValueError, OSError):
        return {}
    return data if isinstance(data, dict) else {}


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _prints(context: str, tallies: dict) -> dict:
    """Each bucket's print ({bucket: a hash of the context and its tally, which
    changes with any name or digest in the bucket}; see tally.py)."""
    return {b: _digest(context, str(c), s) for b, (c, s) in tallies.items()}


def _members(names: list[str], stale: list[str], caches: dict, tallies: dict) -> dict[str, list[str]]:
    """{bucket: its reports' names} for the stale buckets. A bucket whose kept
    names still here are as many as its tally counts holds just those (a
    name's bucket never changes); any other needs a pass over every name."""
    out, rest, present = {}, [], None
    for b in stale:
        kept = caches[b]["rows"]
        count = tallies.get(b, [0])[0]
        if count == 0:
            continue
        if len(kept) >= count:
            if present is None:
                present = set(names)
            here = [n for n in kept if n in present]
            if len(here) == count:
                out[b] = sorted(here)
                continue
        rest.append(b)
    out.update(tally.members(names, rest))
    return out


def _crc(data: bytes) -> int:
    """The CRC-32 a kept result's index records."""
    return zlib.crc32(data)


def _whole(context: str, prints: dict) -> str:
    """The fingerprint of every report, from the prints of the buckets."""
    return _digest(context, *(f"{b} {p}" for b, p in sorted(prints.items())))


def _read_buckets(sub: Path, context: str, bs) -> dict:
    """The kept buckets; one that does not read back as a bucket of this
    context is an empty one (its reports are evaluated again)."""
    out = {}
    for b in bs:
        c = _read_json(sub / f"{b}.rows.json")
        out[b] = c if c.get("context") == context and _bucket_ok(c) else {"context": context, "print": None,
                                                                          "rows": {}}
    return out


def _bucket_ok(c: dict) -> bool:
    rows = c.get("rows")
    return isinstance(c.get("print"), (str, type(None))) and isinstance(rows, dict) and all(
        isinstance(e, list) and len(e) == 3 and all(isinstance(x, str) for x in e) for e in rows.values())


def _index_ok(index: dict) -> bool:
    held, variables = index.get("buckets"), index.get("variables")
    return isinstance(held, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in held.items()) \
        and isinstance(variables, list) and "report" in variables and all(isinstance(v, str) for v in variables) \
        and isinstance(index.get("crc32"), int)


def _write_buckets(sub: Path, caches: dict, prints: dict) -> None:
    from sarcokg.common.files import atomic_write, json_bytes
    sub.mkdir(parents=True, exist_ok=True)
    for b, cache in caches.items():
        if b in prints:
            atomic_write(sub / f"{b}.rows.json", json_bytes(cache))
        else:
            (sub / f"{b}.rows.json").unlink(missing_ok=True)


def cached_rows(kg: Path, files, digests: dict[str, str], text: str, run: Run,
                tallies: dict | None = None) -> KeptResult | None:
    """The query's results over all reports from the row cache, brought up to date
    (with its renderings in each output format, renders.py); None when the
    query's rows cannot be cached (evaluate it directly).
    tallies: tally.tallies() of the files' names and digests, if known (the store keeps them)."""
    from sarcokg.common.files import atomic_write
    from sarcokg.query.aggregate import plan
    context = _digest(str(FORMAT), ox.__version__, text, sha256(run.ontology), json.dumps(PREFIXES, sort_keys=True))
    folder = kg / CACHE_DIR / "rows"
    # one cache per query text; an ontology or format change starts it afresh
    stem = hashlib.sha256(text.encode()).hexdigest()[:32]
    agg = plan(text)   # an aggregate: its pattern's solutions are kept per report, aggregated here
    if agg is not None:
        # the two stages are valid SPARQL even where the query is not (a variable
        # projected but not grouped): Oxigraph judges the query itself first
        ox.Store().query(text, prefixes=dict(PREFIXES))
    # the assembled result, kept with the fingerprint of every report's name and
    # digest it was assembled from: while nothing changes it is read as it is
    names = files.names if hasattr(files, "names") else [f.name for f in files]
    if tallies is None:
        tallies = tally.tallies((n, digests.get(n)) for n in names)
    prints = _prints(context, tallies)
    fingerprint = _whole(context, prints)
    state, result = folder / f"{stem}.state", folder / f"{stem}.tsv"
    kept = _read_state(state, result)
    if kept == fingerprint:
        def remake() -> KeptResult | None:   # the kept result does not read back: made again
            state.unlink(missing_ok=True)
            result.unlink(missing_ok=True)
            return cached_rows(kg, files, digests, text, run, tallies)
        return KeptResult(folder, stem, fingerprint, remake=remake)
    args = (folder, stem, context, agg, text, files, names, digests, run, tallies, prints, kept)
    try:
        got = _bring_up_to_date(*args)
    except (TypeError, KeyError, IndexError, AttributeError, ValueError):
        # a kept file that read back as JSON but not as what was written (damaged): drop this query's kept files
        shutil.rmtree(folder / stem, ignore_errors=True)
        state.unlink(missing_ok=True)
        got = _bring_up_to_date(*args[:-1], None)
    if got is None:
        return None
    tsv, index, changes = got
    folder.mkdir(parents=True, exist_ok=True)
    state.unlink(missing_ok=True)     # never a fingerprint beside another result
    atomic_write(result, tsv)
    if index is not None:   # what the result was assembled from, for the next change to patch it
        atomic_write(folder / stem / "index.json", index)
        (folder / f"{stem}.json").unlink(missing_ok=True)   # the rows as an earlier version kept them
    atomic_write(state, f"{fingerprint}\n{len(tsv)}\n")
    return KeptResult(folder, stem, fingerprint, tsv, before=kept, changes=changes)


def _read_state(state: Path, result: Path) -> str | None:
    """The fingerprint a kept result's state names, when the result is there
    with the size the state records; None for anything else."""
    try:
        fingerprint, size = state.read_text(encoding="utf-8").split("\n")[:2]
        if size.isdigit() and result.stat().st_size == int(size):
            return fingerprint
    except (OSError, ValueError):
        pass
    return None


def _bring_up_to_date(folder: Path, stem: str, context: str, agg, text: str, files, names: list[str],
                      digests: dict, run: Run, tallies: dict, prints: dict,
                      kept: str | None) -> tuple[bytes, bytes | None, list | None] | None:
    """(the result as SPARQL TSV, the index to keep beside it, the changes it
    was patched with); None: the store answers."""
    try:
        if agg is not None:
            tsv = _aggregated(folder / stem, context, agg, files, names, digests, run, tallies, prints)
            return None if tsv is None else (tsv, None, None)
        return _listed(folder / stem, context, text, files, names, digests, run, tallies, prints,
                       folder / f"{stem}.tsv", kept)
    except Uncacheable:
        return None


def _listed(sub, context, text, files, names, digests, run, tallies, prints,
            result: Path, kept: str | None) -> tuple[bytes, bytes, list | None] | None:
    """The result of a row query as SPARQL TSV, the index to keep beside it,
    and the changes it was patched with (None: assembled afresh); None: ask the store.

    Each report's rows are kept in its bucket (<bucket>.rows.json: {name:
    [digest, report id, rows as TSV lines]}), and the assembled result with an
    index of the bucket prints it came from. A change reads the changed
    reports' buckets and patches the kept result: their old rows out, their
    new rows in at their report id's place, found by binary search (the result
    is ordered by report id first). Whenever the kept result, its index and the
    buckets do not agree (a crash between their writes, a lost or damaged
    file: the index has the result's CRC-32), the result is assembled again
    from every bucket."""
    from sarcokg.common.files import json_bytes
    index = _read_json(sub / "index.json")
    held = index["buckets"] if index.get("context") == context and _index_ok(index) else {}
    variables = index.get("variables") if held else None
    stale = sorted(b for b in set(prints) | set(held) if prints.get(b) != held.get(b))
    caches = _read_buckets(sub, context, stale)
    lines = None
    if held and kept == _whole(context, held) \
            and all(b not in held or caches[b]["print"] == held[b] for b in stale):
        try:
            data = result.read_bytes()
        except OSError:
            data = None
        if data is not None and index.get("crc32") == _crc(data):   # the result as it was written
            lines = data.split(b"\n")
    if lines is None:   # assemble from every bucket
        stale = sorted(set(prints) | set(held))
        caches = _read_buckets(sub, context, stale)
    path_of = _paths(files, names)
    buckets = _members(names, stale, caches, tallies)
    todo = [(n, path_of(n)) for b in stale for n in buckets.get(b, [])
            if (e := caches[b]["rows"].get(n)) is None or e[0] != digests.get(n)]
    done: dict = {}
    if todo:
        variables, done = _compute(todo, text, run, None)
        if any(done[n][0] != digests.get(n) for n, _ in todo):
            return None   # a file changed since the store loaded it: the store answers, nothing is kept
    if variables is None:   # nothing evaluated yet (no reports): the variables from an empty run
        variables = _evaluate(ox.Store(), text)[0]
    head = "\t".join("?" + v for v in variables)
    changes = []
    for b in stale:
        old = caches[b]["rows"]
        new = {n: done.get(n) or old[n] for n in buckets.get(b, [])}
        changes += [(old.get(n), new.get(n)) for n in sorted(set(old) | set(new))
                    if (old.get(n) or [None])[0] != (new.get(n) or [None])[0]]
        caches[b] = {"context": context, "print": prints.get(b), "rows": new}
    if stale:
        _write_buckets(sub, caches, prints)
    if lines is not None:
        lines = _patch(lines, head, variables.index("report"), changes)
    patched_with = changes if lines is not None else None
    if lines is None:
        if len(caches) < len(prints):   # a patch that did not match: every bucket
            caches.update(_read_buckets(sub, context, [b for b in prints if b not in caches]))
        ordered = sorted((e for b in sorted(prints) for e in caches[b]["rows"].values() if e[2]),
                         key=lambda e: e[1])
        if any(a[1] == b[1] for a, b in zip(ordered, ordered[1:], strict=False)):
            return None   # one report id in two files: only the store can interleave their rows as ORDER BY says
        tsv = ("\n".join([head, *(e[2] for e in ordered)]) + "\n").encode("utf-8")
    else:
        tsv = b"\n".join(lines)
    return tsv, json_bytes({"context": context, "variables": variables, "buckets": prints, "crc32": _crc(tsv)}), \
        patched_with


_PLAIN_ID = re.compile(rb'"([^"\\]*)"')


def _line_id(line: bytes, col: int) -> str:
    """The report id in a result line: the value of its ?report literal."""
    cell = line.split(b"\t")[col]
    m = _PLAIN_ID.fullmatch(cell)
    if m:
        return m.group(1).decode("utf-8")
    sol = next(iter(_solutions(ox.parse_query_results(b"?report\n" + cell + b"\n",
                                                      format=ox.QueryResultsFormat.TSV))))
    return sol["report"].value


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


def _aggregated(sub, context, agg, files, names, digests, run, tallies, prints) -> bytes | None:
    """An aggregate query from totals kept up to date report by report.

    Reports fall into BUCKETS buckets by name (tally.py); each bucket keeps its reports'
    solutions (<bucket>.rows.json, with a print of its reports' names and
    digests). totals.json keeps the aggregates' states over every report and
    the print of each bucket they hold. A change evaluates the changed reports,
    takes their old solutions out of the totals and puts the new ones in: one
    bucket read, not all. Should the totals and a bucket disagree (a crash
    between their writes), the totals are added up again from every bucket.
    Returns the result as SPARQL TSV; None: ask the store."""
    from sarcokg.common.files import atomic_write, json_bytes
    from sarcokg.query.aggregate import Unsupported
    kept = _read_json(sub / "totals.json")
    if kept.get("context") != context or not isinstance(kept.get("groups"), dict) \
            or not isinstance(kept.get("buckets"), dict):
        kept = {}
    totals, held = kept.get("groups", {}), kept.get("buckets", {})   # held: bucket -> print in the totals

    stale = sorted(b for b in set(prints) | set(held) if prints.get(b) != held.get(b))
    caches = _read_buckets(sub, context, stale)
    if any(b in held and caches[b]["print"] != held[b] for b in stale):
        totals, held, stale = {}, {}, sorted(prints)   # the totals and a bucket disagree: add up again
        caches = _read_buckets(sub, context, stale)
    path_of = _paths(files, names)
    buckets = _members(names, stale, caches, tallies)
    todo = [(n, path_of(n)) for b in stale for n in buckets.get(b, [])
            if (e := caches[b]["rows"].get(n)) is None or e[0] != digests.get(n)]
    done = _compute(todo, agg.rows_query, run, agg.columns)[1] if todo else {}
    if any(done[n][0] != digests.get(n) for n, _ in todo):
        return None   # a file changed since the store loaded it: the store answers, nothing is kept
    try:
        for b in stale:
            old = caches[b]["rows"] if b in held else {}
            new = {n: done.get(n) or caches[b]["rows"][n] for n in buckets.get(b, [])}
            for n, e in old.items():       # whole reports in and out, one at a time
                if n not in new or new[n][0] != e[0]:
                    agg.add(totals, _split(e[2]), -1)
            for n, e in new.items():
                if n not in old or old[n][0] != e[0]:
                    agg.add(totals, _split(e[2]), 1)
            caches[b] = {"context": context, "print": prints.get(b), "rows": new}
        res = _solutions(ox.Store().query(agg.finish(totals), prefixes=dict(PREFIXES)))
    except Unsupported:
        return None
    if stale:
        _write_buckets(sub, {b: caches[b] for b in stale}, prints)
        atomic_write(sub / "totals.json", json_bytes({"context": context, "buckets": prints, "groups": totals}))
    return as_bytes(res.serialize(format=ox.QueryResultsFormat.TSV))
