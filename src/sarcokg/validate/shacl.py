"""SHACL validation of report graphs: pySHACL (reference) or the fast engine.

Each report is validated on its own against ontology/shapes.ttl, with only the
ontology's class hierarchy (rdfs:subClassOf triples) added to its data: no
inference, so validation is linear in the number of reports. Both engines
give the same results (tests/test_shacl_engines.py); the fast one is the
default, pySHACL is there to check it (`--engine pyshacl`).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from sarcokg.common.resources import SHAPES_FILE
from sarcokg.common.resources import ontology_dir as package_ontology_dir
from sarcokg.common.text import plural
from sarcokg.model.namespaces import PREFIXES, SH
from sarcokg.model.turtle import Writer
from sarcokg.store.kgstore import ontology_path, read_triples

if TYPE_CHECKING:
    import rdflib

ENGINES = ("fast", "pyshacl")


@dataclass(frozen=True, order=True)
class Result:
    report: str
    focus: str
    path: str        # a property IRI, or IRI+ / IRI* for a one/zero-or-more path; "" for none
    component: str   # the constraint component without its namespace and suffix: MinCount, Datatype, ...
    value: str
    message: str


BLANK = "_:"   # a blank node in a result: parsers name them at random, so the name is left out


def shapes_path(ontology_dir: Path | None = None) -> Path:
    return (ontology_dir or package_ontology_dir()) / SHAPES_FILE


def short(iri: str) -> str:
    if iri == BLANK:
        return "a blank node"
    for p, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and p:
            return f"{p}:{iri[len(ns):]}"
    return iri


# -- pySHACL ---------------------------------------------------------------

@lru_cache(maxsize=2)
def _shapes(path: str) -> rdflib.Graph:
    import rdflib  # rdflib and pySHACL load only for the reference engine
    return rdflib.Graph().parse(path, format="turtle")


@lru_cache(maxsize=2)
def _hierarchy(path: str) -> tuple:
    import rdflib
    from rdflib.namespace import RDFS
    g = rdflib.Graph().parse(path, format="turtle")
    return tuple((s, p, o) for s, p, o in g.triples((None, RDFS.subClassOf, None))
                 if isinstance(o, rdflib.URIRef) and isinstance(s, rdflib.URIRef))


def pyshacl_results(data: rdflib.Graph, report: str) -> list[Result]:
    import rdflib
    from pyshacl import validate as shacl_validate
    from rdflib.namespace import SH as RSH
    for t in _hierarchy(str(ontology_path())):
        data.add(t)
    _, rg, _ = shacl_validate(data, shacl_graph=_shapes(str(shapes_path())), inference="none",
                              advanced=False, allow_warnings=True)
    out = []
    for r in rg.objects(None, RSH.result):
        path = rg.value(r, RSH.resultPath)
        if isinstance(path, rdflib.BNode):
            inner = rg.value(path, RSH.oneOrMorePath)
            path_text = f"{inner}+" if inner is not None else f"{rg.value(path, RSH.zeroOrMorePath)}*"
        else:
            path_text = "" if path is None else str(path)
        value = rg.value(r, RSH.value)
        comp = str(rg.value(r, RSH.sourceConstraintComponent)).rsplit("#", 1)[-1].replace("ConstraintComponent", "")
        focus = rg.value(r, RSH.focusNode)
        out.append(Result(report, BLANK if isinstance(focus, rdflib.BNode) else str(focus), path_text, comp,
                          "" if value is None else BLANK if isinstance(value, rdflib.BNode) else str(value),
                          str(rg.value(r, RSH.resultMessage) or "")))
    return sorted(set(out))


# -- both engines ------------------------------------------------------------

def _stable(text: str) -> str:
    return BLANK if text.startswith("_:") else text


def validate_triples(triples: list[tuple], report: str, engine: str = "fast",
                     grouped: dict | None = None) -> list[Result]:
    if engine == "fast":
        from sarcokg.validate.shacl_fast import fast_validator
        v = fast_validator(str(shapes_path()), str(ontology_path()))
        return sorted({Result(report, _stable(r.focus), r.path, r.component, _stable(r.value), r.message)
                       for r in v.validate(triples, grouped)})
    import rdflib
    g = rdflib.Graph()
    nt = "".join(f"{s} {p} {o} .\n" for s, p, o in triples)
    g.parse(data=nt, format="nt")
    return pyshacl_results(g, report)


def validate_text(turtle: str, report: str, engine: str = "fast") -> list[Result]:
    triples = [(t.subject, t.predicate, t.object)
               for t in ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
    return validate_triples(triples, report, engine)


def validate_file(path: Path, engine: str = "fast") -> list[Result]:
    """The shapes' results, and the one-report-graph rule's (validate/reportgraph.py)."""
    if engine == "fast":
        return _fast_file(path, engine_for(str(shapes_path()), str(ontology_path())))
    from sarcokg.validate.reportgraph import COMPONENT, report_graph_problems
    triples = read_triples(path)
    rule = [Result(path.name, focus, "", COMPONENT, value, message)
            for focus, value, message in report_graph_problems(path.name[:-len(".ttl")], triples)]
    return sorted(set(validate_triples(triples, path.name, engine) + rule))


def engine_for(shapes: str, ontology: str):
    """The fast engine for these shapes and ontology (paths), built once a process."""
    from sarcokg.validate.shacl_fast import fast_validator
    return fast_validator(shapes, ontology)


def _fast_file(path: Path, validator) -> list[Result]:
    """validate_file() with the fast engine: the file is parsed once, straight
    into the plain-term index that both the shapes and the one-report-graph
    rule read (no pyoxigraph triples kept: they were most of the cost)."""
    from sarcokg.store.reportfiles import read_file
    return validate_bytes(path, read_file(path)[1], validator)


def validate_bytes(path: Path, data: bytes, validator) -> list[Result]:
    """The fast engine's results (shapes and the one-report-graph rule) for
    the bytes of report file path, already read; malformed Turtle raises a
    one-line InputError naming the file and line."""
    from sarcokg.store.reportfiles import turtle_error
    from sarcokg.validate.reportgraph import COMPONENT, index_problems
    from sarcokg.validate.shacl_fast import parse_index
    try:
        index = parse_index(data)
    except SyntaxError as e:
        raise turtle_error(path, e) from None
    name = path.name
    out = {Result(name, _stable(r.focus), r.path, r.component, _stable(r.value), r.message)
           for r in validator.validate_index(index)}
    out.update(Result(name, focus, "", COMPONENT, value, message)
               for focus, value, message in index_problems(name[:-len(".ttl")], index))
    return sorted(out)


def validate_files(files: Iterable[Path], engine: str = "fast") -> list[Result]:
    results: list[Result] = []
    for f in files:
        results.extend(validate_file(f, engine))
    return sorted(results)


# -- reports -----------------------------------------------------------------

def format_text(results: list[Result], n_reports: int) -> str:
    if not results:
        return f"conforms: {plural(n_reports, 'report graph')}, 0 violations\n"
    lines = []
    for r in results:
        value = f" (value: {short(r.value)})" if r.value and r.component != "Or" else ""
        path = f" {short(r.path)}" if r.path else ""
        focus = f"{short(r.focus)}{path}: " if r.focus or path else ""   # a curation record: no node
        lines.append(f"{r.report}: {focus}{r.message}{value}")
    reports = len({r.report for r in results if r.report.endswith(".ttl")})
    records = len({r.report for r in results if not r.report.endswith(".ttl")})   # curation/<id>.json
    lines.append(f"does not conform: {plural(len(results), 'violation')} "
                 f"in {reports} of {plural(n_reports, 'report graph')}"
                 + (f" and {plural(records, 'curation record')}" if records else ""))
    return "\n".join(lines) + "\n"


def _term(text: str, label: str = "b"):
    if text.startswith("_:"):
        return ox.BlankNode(label)
    if "://" in text or text.startswith("urn:"):
        return ox.NamedNode(text)
    return ox.Literal(text)


def format_turtle(results: list[Result]) -> str:
    """The standard SHACL validation report (sh:ValidationReport), deterministic."""
    n = ox.NamedNode
    report = n("urn:sarcokg:validation-report")
    triples: list[tuple] = [(report, n(PREFIXES["rdf"] + "type"), n(SH + "ValidationReport")),
               (report, n(SH + "conforms"), ox.Literal("false" if results else "true",
                                                        datatype=n(PREFIXES["xsd"] + "boolean")))]
    for i, r in enumerate(results, 1):
        res = n(f"urn:sarcokg:validation-report:result-{i}")
        triples += [(report, n(SH + "result"), res),
                    (res, n(PREFIXES["rdf"] + "type"), n(SH + "ValidationResult")),
                    (res, n(SH + "resultSeverity"), n(SH + "Violation")),
                    (res, n(SH + "sourceConstraintComponent"), n(SH + r.component + "ConstraintComponent")),
                    (res, n(SH + "resultMessage"), ox.Literal(r.message)),
                    (res, n(PREFIXES["rdfs"] + "comment"), ox.Literal(f"in report graph {r.report}"))]
        if r.focus:   # a curation record that does not read has no node
            triples.append((res, n(SH + "focusNode"), _term(r.focus, f"focus{i}")))
        if r.path.endswith(("+", "*")):
            b = ox.BlankNode(f"path{i}")
            triples += [(res, n(SH + "resultPath"), b),
                        (b, n(SH + ("oneOrMorePath" if r.path.endswith("+") else "zeroOrMorePath")), n(r.path[:-1]))]
        elif r.path:
            triples.append((res, n(SH + "resultPath"), n(r.path)))
        if r.value:
            triples.append((res, n(SH + "value"), _term(r.value, f"value{i}")))
    writer = Writer({"sh": SH, **PREFIXES})
    return writer.document(triples, "SHACL validation report of the SarcoKG report graphs.")


# -- scale: cache, workers, cross-report checks --------------------------------

CROSS_CHECKS = {
    "duplicate PMID": ("sko:pmid", "The same PMID is in two report graphs: one case published twice, "
                                   "or a wrong PMID. Keep one report or fix the PMID."),
    "duplicate DOI": ("sko:doi", "The same DOI is in two report graphs: one case published twice, "
                                 "or a wrong DOI. Keep one report or fix the DOI."),
}


def _cross_query(prop: str, values: str = "") -> str:
    """Reports sharing a value of prop; values: an optional VALUES block that
    limits the check to those values (the incremental run)."""
    from sarcokg.model.namespaces import sparql_prefixes
    return sparql_prefixes() + f"""
        SELECT ?g ?r ?v WHERE {{
          {{ SELECT ?v WHERE {{ {values} GRAPH ?x {{ ?s {prop} ?v }} }} GROUP BY ?v HAVING (COUNT(DISTINCT ?x) > 1) }}
          GRAPH ?g {{ ?r {prop} ?v }}
        }}"""


def _id_query(graphs: str = "") -> str:
    """Report nodes whose id is not their graph's (file's) name. The filter runs
    on the reportId triples alone, before the join with the report nodes: the
    same rows, but Oxigraph otherwise joins first and filters 100,000 rows
    (7 s at 100,000 reports against 2.3 s, this session)."""
    from sarcokg.model.namespaces import REPORT_BASE, sparql_prefixes
    return sparql_prefixes() + f"""
    SELECT ?g ?r ?id WHERE {{
      {{ SELECT ?g ?r ?id WHERE {{
          {graphs}
          GRAPH ?g {{ ?r sko:reportId ?id }}
          FILTER(STR(?g) != CONCAT("{REPORT_BASE}", STR(?id)))
      }} }}
      GRAPH ?g {{ ?r a sko:CaseReport }}
    }}"""


def cross_report_results(store, previous: list[Result] | None = None,
                         changed: set[str] | None = None) -> list[Result]:
    """Rules that span reports, as SPARQL over the store: duplicate PMID or DOI,
    and a report id that differs from its file name (two files, one id).

    Cold (no previous results): one scan with grouping per rule, not a join of
    every report with every other. Incremental (the previous results and the
    report files changed or removed since): the previous results of unchanged
    reports stand, except where they share a value with a changed report; the
    rules run again, by index lookups, for the values those reports hold now
    and the values they were flagged for before."""
    from sarcokg.model.namespaces import REPORT_BASE, SKO
    out: list[Result] = []
    graph_of: dict[str, ox.NamedNode] = {}
    present: list[ox.NamedNode] = []

    def rid(g) -> str:
        return g.value[len(REPORT_BASE):]

    incremental = previous is not None and changed is not None
    previous, changed = previous or [], changed or set()
    if incremental:
        graph_of = {name: ox.NamedNode(REPORT_BASE + name[:-len(".ttl")]) for name in changed}
        present = [g for g in graph_of.values() if store.contains_named_graph(g)]
    for _, (prop, message) in CROSS_CHECKS.items():
        path = SKO + prop.split(":")[1]
        values = ""
        if incremental:
            old = [r for r in previous if r.path == path and r.component == "SPARQL"]
            stale = {r.value for r in old if r.report in changed}
            keep = [r for r in old if r.report not in changed and r.value not in stale]
            recheck = {r.report for r in old if r.report not in changed and r.value in stale}
            out.extend(keep)
            # exact terms from the store: the changed reports' values now, and the
            # values of unchanged reports that shared a value with a changed one
            graphs = present + [ox.NamedNode(REPORT_BASE + n[:-len(".ttl")]) for n in sorted(recheck)]
            terms: set = set()
            for g in graphs:
                # a blank node is never shared between graphs (and cannot go in VALUES)
                terms.update(q.object for q in store.quads_for_pattern(None, ox.NamedNode(path), None, g)
                             if not isinstance(q.object, ox.BlankNode))
            if not terms:
                continue
            values = "VALUES ?v { " + " ".join(str(t) for t in sorted(terms, key=str)) + " }"
        for row in store.query(_cross_query(prop, values)):
            out.append(Result(f"{rid(row['g'])}.ttl", row["r"].value, path, "SPARQL", row["v"].value, message))
    id_message = "The report id must be the file's stem; another file may already hold this id."
    only = ""
    if incremental:
        out.extend(r for r in previous if r.path == SKO + "reportId" and r.component == "SPARQL"
                   and r.report not in changed)
        if not present:
            return sorted(set(out))
        only = "VALUES ?g { " + " ".join(str(g) for g in present) + " }"
    for row in store.query(_id_query(only)):
        out.append(Result(f"{rid(row['g'])}.ttl", row["r"].value, SKO + "reportId", "SPARQL", row["id"].value,
                          id_message))
    return sorted(set(out))


def _digest(path: Path) -> str:
    from sarcokg.store.kgstore import sha256
    return sha256(path)


PARALLEL_MIN = 200   # fewer reports to validate than this: in this process (a worker's start costs more)


def _validate_chunk(args: tuple) -> list[list[Result]]:
    """Each file's results (validate_file), for a chunk of files. The paths of
    the shapes and the ontology come from the command, so a worker validates
    against exactly what the command's cache context names."""
    files, engine, shapes, ontology = args
    if engine != "fast":
        return [validate_file(f, engine) for f in files]
    validator = engine_for(shapes, ontology)   # built once per process (lru_cache)
    return [_fast_file(f, validator) for f in files]


def _validate_all(todo: list[Path], engine: str, jobs: int) -> list[tuple[str, list[Result]]]:
    """(file name, results) of each file, in order: on jobs - 1 worker
    processes and this one when there are many (common/parallel.map_chunks)."""
    task = (engine, str(shapes_path()), str(ontology_path()))
    if jobs > 1 and len(todo) >= PARALLEL_MIN:
        from sarcokg.common.parallel import map_chunks
        size = chunk_size(len(todo), jobs)
        chunks = [(todo[i:i + size], *task) for i in range(0, len(todo), size)]
        done = [r for part in map_chunks(_validate_chunk, chunks, jobs) for r in part]
    else:
        done = _validate_chunk((todo, *task))
    return [(f.name, r) for f, r in zip(todo, done, strict=True)]


def chunk_size(n: int, jobs: int) -> int:
    """Files per chunk of parallel validation: about 8 chunks a job, 16 to 256 files."""
    return max(16, min(256, n // (jobs * 8)))


def cache_context(engine: str) -> str:
    """What a cached result depends on besides its report: the engine, the shapes and the ontology."""
    # "4": the one-report-graph rule joined the per-file results (older caches lack it)
    return "|".join(["4", engine, _digest(shapes_path()), _digest(ontology_path())])


def read_cache(cache_file: Path | None, context: str) -> dict:
    """The validation cache of this context, or a new one when there is none
    or it does not read back as one (damaged: it is made again)."""
    from sarcokg.common.files import json_read
    fresh = {"context": context, "reports": {}, "failed": {}}
    if cache_file is None:
        return fresh
    try:
        cache = json_read(cache_file)
    except (ValueError, OSError):
        return fresh
    if not isinstance(cache, dict) or cache.get("context") != context:
        return fresh
    reports, failed, cross = cache.get("reports"), cache.get("failed"), cache.get("cross", [])
    ok = isinstance(reports, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in reports.items()) \
        and isinstance(failed, dict) and all(isinstance(v, list) and all(isinstance(r, list) and len(r) == 5
                                                                         for r in v) for v in failed.values()) \
        and isinstance(cross, list) and all(isinstance(r, list) and len(r) == 6 for r in cross)
    return cache if ok else fresh


def validate_kg(files: Sequence[Path], engine: str = "fast", jobs: int = 1,
                cache_file: Path | None = None, store=None,
                digests: Mapping[str, str] | None = None,
                ahead: dict[str, tuple[str, list[Result]]] | None = None) -> tuple[list[Result], int]:
    """Validate report files, reusing cached results of unchanged files.

    A report's cached results stand while its SHA-256 and those of the shapes
    and the ontology (and the engine) are the same. digests: {file name:
    SHA-256} as the store computed them when it loaded the files (else they
    are computed here). With the store (in step with the files) the
    cross-report rules run too, incrementally from their cached results.
    ahead: {file name: (SHA-256, results)} of files validated before the
    store was loaded (validate/ahead.py), taken where the SHA-256 is the
    file's digest. Returns the results and how many reports were validated
    afresh.

    Cache: {"context", "reports": {name: sha256}, "failed": {name: [[focus,
    path, component, value, message], ...]}, "cross": [[result], ...]}.
    """
    from sarcokg.common.files import atomic_write, json_bytes
    cache = read_cache(cache_file, cache_context(engine))
    known: dict = cache["reports"]
    failed: dict = cache["failed"]
    names = files.names if hasattr(files, "names") else [f.name for f in files]
    if digests is None:
        digests = {name: _digest(f) for f, name in zip(files, names, strict=True)}
    results: list[Result] = []
    todo: list[Path] = []
    for i, name in enumerate(names):
        if known.get(name) != digests[name]:
            todo.append(files[i])
        elif name in failed:
            results.extend(Result(name, *r) for r in failed[name])
    early = {f.name: ahead[f.name][1] for f in todo
             if ahead is not None and f.name in ahead and ahead[f.name][0] == digests[f.name]}
    late = dict(_validate_all([f for f in todo if f.name not in early], engine, jobs))
    fresh = [(f.name, early[f.name] if f.name in early else late[f.name]) for f in todo]
    for name, res in fresh:
        results.extend(res)
        known[name] = digests[name]
        if res:
            failed[name] = [[r.focus, r.path, r.component, r.value, r.message] for r in res]
        else:
            failed.pop(name, None)
    present = set(names)
    gone = [n for n in known if n not in present]
    for name in gone:
        del known[name]
        failed.pop(name, None)
    changed = {f.name for f in todo} | set(gone)
    if store is not None:
        previous = [Result(*r) for r in cache["cross"]] if "cross" in cache else None
        if previous is not None and not changed:
            cross = previous
        else:
            cross = cross_report_results(store, previous, changed if previous is not None else None)
        if "cross" not in cache or cross != previous:
            changed.add("(cross-report results)")
        cache["cross"] = [list(r.__dict__.values()) for r in cross]
        results.extend(cross)
    if cache_file is not None and changed:
        atomic_write(cache_file, json_bytes(cache))
    return sorted(set(results)), len(todo)
