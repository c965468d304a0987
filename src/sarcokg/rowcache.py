"""Results of per-report queries, kept per report and reused while the report is unchanged.

A named query whose header has the line `# sarcokg:per-report` promises that
its pattern joins the nodes of one report graph only (plus the ontology), that
it projects the report id as ?report, and that it orders by ?report first,
then totally within a report. Its result over all reports is then the
concatenation, in report order, of its results over each report. So the rows
of each report are computed once, by content hash, and kept in
KG/.sarcokg/rows/; after a change only the changed reports are evaluated again,
and a query over 100,000 reports reads cached rows instead of joining millions
of quads on disk. The assembled result is kept too, with a fingerprint of the
name and digest of every report it came from, and read as it is while that
fingerprint holds.

Rows are computed in chunks: a chunk of report files goes into an in-memory
Oxigraph store with the ontology, the query runs once over the chunk, and its
rows are split by ?report (a chunk whose rows cannot be told apart that way,
such as two files with one report id, is evaluated file by file). The final
result is parsed by Oxigraph itself from the rows as SPARQL TSV results, so every
output format is exactly what a direct evaluation gives; tests compare the two.
Queries run with parameters, queries without the mark, results with blank
nodes, graphs where two files carry one report id (which the validator
flags) and files changed since the store loaded them are evaluated directly
on the store.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Optional

import pyoxigraph as ox

from .errors import InputError
from .namespaces import ONTOLOGY_IRI, PREFIXES, REPORT_BASE, XSD

MARK = re.compile(r"^#\s*sarcokg:per-report\s*$", re.M)
FORMAT = 3        # bump when the layout of the row cache changes
CHUNK = 2000      # report files per in-memory evaluation
_INT = re.compile(r"[+-]?\d+")
_DEC = re.compile(r"[+-]?\d*\.\d+")


class Uncacheable(Exception):
    """The query's rows cannot be kept per report (a blank node, a row without a report id)."""


def per_report(text: str) -> bool:
    return MARK.search(text) is not None


def _cell(term) -> Optional[str]:
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


def _evaluate(store: ox.Store, text: str, default_graph=None) -> tuple[list[str], list[list]]:
    kwargs = {"default_graph": default_graph} if default_graph is not None else {"use_default_graph_as_union": True}
    res = store.query(text, prefixes=dict(PREFIXES), **kwargs)
    if not isinstance(res, ox.QuerySolutions):
        raise Uncacheable("not a SELECT query")
    names = [v.value for v in res.variables]
    if "report" not in names:
        raise Uncacheable("no ?report column")
    return names, [[sol[n] for n in names] for sol in res]


def chunk_rows(args) -> tuple[list[str], dict]:
    """Worker: (variables, {file name: [sha256, report id, rows as SPARQL TSV results lines]}) for a chunk."""
    text, ontology, files = args
    from .store import _as_trig_block, parse_file
    store = ox.Store()
    onto = ox.NamedNode(ONTOLOGY_IRI)
    store.extend(parse_file(Path(ontology), onto))
    digests, blocks, stems = {}, [], {}
    try:
        for name, path in files:
            data = Path(path).read_bytes()
            digests[name] = hashlib.sha256(data).hexdigest()
            graph = REPORT_BASE + name[:-4]
            stems[name[:-4]] = name
            block = _as_trig_block(data, name[:-4])
            if block is None:
                store.extend(parse_file(Path(path), ox.NamedNode(graph)))
            else:
                blocks.append(block)
        if blocks:
            store.bulk_load(b"".join(blocks), format=ox.RdfFormat.TRIG)
    except (OSError, SyntaxError, InputError) as e:
        # changed since the store loaded it: the store, in step as of this command, answers
        raise Uncacheable(str(e)) from None
    names, rows = _evaluate(store, text)
    col = names.index("report")
    # rows go to files by ?report, which is exact when every graph's report id is its file's stem
    q = "SELECT DISTINCT ?g ?id WHERE { GRAPH ?g { ?r <https://w3id.org/sarcokg/ontology#reportId> ?id } }"
    ids: dict[str, set] = {}
    for s in store.query(q):
        ids.setdefault(s["g"].value, set()).add(s["id"].value)
    exact = all(ids.get(REPORT_BASE + stem) == {stem} for stem in stems)
    by_file: dict[str, list] = {}
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


def cached_rows(kg: Path, files: list[Path], digests: dict[str, str], text: str, ontology: Path,
                jobs: int = 2) -> Optional[ox.QuerySolutions]:
    """The query's results over all reports from the row cache, brought up to date;
    None when the query's rows cannot be cached (evaluate it directly)."""
    from .files import atomic_write
    from .store import CACHE_DIR, sha256
    context = hashlib.sha256("\n".join([str(FORMAT), ox.__version__, text, sha256(ontology),
                                        json.dumps(PREFIXES, sort_keys=True)]).encode()).hexdigest()
    folder = kg / CACHE_DIR / "rows"
    # one file per query text; an ontology or format change starts it afresh
    stem = hashlib.sha256(text.encode()).hexdigest()[:32]
    path = folder / f"{stem}.json"
    # the assembled result, kept with the fingerprint of every report's name and
    # digest it was assembled from: while nothing changes it is read as it is
    assembled, fingerprint_path = folder / f"{stem}.tsv", folder / f"{stem}.state"
    fingerprint = hashlib.sha256("\n".join([context, *(f"{f.name} {digests.get(f.name)}" for f in files)])
                                 .encode()).hexdigest()
    try:
        if fingerprint_path.read_text(encoding="utf-8") == fingerprint:
            return ox.parse_query_results(assembled.read_bytes(), format=ox.QueryResultsFormat.TSV)
    except OSError:
        pass
    cache: dict = {}
    if path.exists():
        try:
            cache = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            cache = {}
    if cache.get("context") != context:
        cache = {"context": context, "variables": None, "rows": {}}
    rows: dict = cache["rows"]
    names = [f.name for f in files]
    todo = [(n, str(f)) for n, f in zip(names, files)
            if (e := rows.get(n)) is None or e[0] != digests.get(n)]
    present = set(names)
    gone = [n for n in rows if n not in present]
    for n in gone:
        del rows[n]
    try:
        if todo:
            chunks = [(text, str(ontology), todo[i:i + CHUNK]) for i in range(0, len(todo), CHUNK)]
            if jobs > 1 and len(chunks) > 1:
                from .parallel import pool
                with pool(min(jobs, len(chunks))) as workers:
                    done = list(workers.map(chunk_rows, chunks))
            else:
                done = [chunk_rows(c) for c in chunks]
            for variables, out in done:
                cache["variables"] = variables
                rows.update(out)
    except Uncacheable:
        return None
    if any(rows[n][0] != digests.get(n) for n, _ in todo):
        return None   # a file changed since the store loaded it: the store answers, nothing is kept
    if cache["variables"] is None:   # nothing evaluated yet (no reports): the variables from an empty run
        cache["variables"], _ = _evaluate(ox.Store(), text)
    if todo or gone:
        folder.mkdir(exist_ok=True)
        atomic_write(path, json.dumps(cache, separators=(",", ":"), sort_keys=True))
    ordered = sorted((rows[n] for n in names if rows[n][2]), key=lambda e: e[1])
    if any(a[1] == b[1] for a, b in zip(ordered, ordered[1:])):
        return None   # one report id in two files: only the store can interleave their rows as ORDER BY says
    head = "\t".join("?" + v for v in cache["variables"])
    tsv = ("\n".join([head, *(e[2] for e in ordered)]) + "\n").encode("utf-8")
    folder.mkdir(exist_ok=True)
    fingerprint_path.unlink(missing_ok=True)     # never a fingerprint beside another result
    atomic_write(assembled, tsv)
    atomic_write(fingerprint_path, fingerprint)
    return ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
