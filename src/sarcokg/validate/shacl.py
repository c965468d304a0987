"""SHACL validation of report graphs: pySHACL (reference) or the fast engine.

Each report is validated on its own against ontology/shapes.ttl, with only the
ontology's class hierarchy (rdfs:subClassOf triples) added to its data: no
inference, so validation is linear in the number of reports. Both engines
give the same results (tests/test_shacl_engines.py); the fast one is the
default, pySHACL is there to check it (`--engine pyshacl`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    from sarcokg.validate.shacl_fast import parse_index
    try:
        index = parse_index(data)
    except SyntaxError as e:
        raise turtle_error(path, e) from None
    return _index_results(path.name, index, validator)


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


# -- scale: cache, workers, the rules across reports ---------------------------

PARALLEL_MIN = 200   # fewer reports to read than this: in this process (a worker's start costs more)

# what a worker gives back for one file: (SHA-256, size, mtime_ns, results, the rules' values);
# results and values None when the bytes are those the cache knows (nothing validated)
Checked = tuple[str, int, int, "list[Result] | None", "list | None"]


def _index_results(name: str, index: dict, validator) -> list[Result]:
    """The fast engine's results (shapes and the one-report-graph rule) over a report's plain-term index."""
    from sarcokg.validate.reportgraph import COMPONENT, index_problems
    out = {Result(name, _stable(r.focus), r.path, r.component, _stable(r.value), r.message)
           for r in validator.validate_index(index)}
    out.update(Result(name, focus, "", COMPONENT, value, message)
               for focus, value, message in index_problems(name[:-len(".ttl")], index))
    return sorted(out)


def _pyshacl_file(name: str, data: bytes) -> list[Result]:
    """validate_file() with pySHACL, on the bytes already read."""
    from sarcokg.validate.reportgraph import COMPONENT, report_graph_problems
    triples = [(t.subject, t.predicate, t.object) for t in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    rule = [Result(name, focus, "", COMPONENT, value, message)
            for focus, value, message in report_graph_problems(name[:-len(".ttl")], triples)]
    return sorted(set(validate_triples(triples, name, "pyshacl") + rule))


def check_file(path: Path, known: str, engine: str, validator) -> Checked:
    """Read one report file once, hash it, and (unless its SHA-256 is `known`,
    the cache's) validate it and take the values the rules across reports read.
    A file gone, unreadable or malformed raises a one-line InputError."""
    import hashlib

    from sarcokg.store.reportfiles import read_file, turtle_error
    from sarcokg.validate.cross import index_values
    from sarcokg.validate.shacl_fast import parse_index
    st, data = read_file(path)
    digest = hashlib.sha256(data).hexdigest()
    if digest == known:
        return digest, st.st_size, st.st_mtime_ns, None, None
    try:
        index = parse_index(data)
    except SyntaxError as e:
        raise turtle_error(path, e) from None
    results = _index_results(path.name, index, validator) if engine == "fast" else _pyshacl_file(path.name, data)
    return digest, st.st_size, st.st_mtime_ns, results, index_values(path.name[:-len(".ttl")], index)


def _check_chunk(args: tuple) -> list[Checked | str]:
    """check_file() of each (file, known SHA-256) of a chunk; a file's one-line
    InputError comes back as its message (the command raises the first, in
    the files' order). The paths of the shapes and the ontology come from the
    command, so a worker validates against exactly what the cache context names."""
    from sarcokg.common.errors import InputError
    items, engine, shapes, ontology = args
    validator = engine_for(shapes, ontology) if engine == "fast" else None   # once per process (lru_cache)
    out: list[Checked | str] = []
    for path, known in items:
        try:
            out.append(check_file(path, known, engine, validator))
        except InputError as e:
            out.append(str(e))
    return out


def _check_all(todo: list[tuple[Path, str]], engine: str, jobs: int) -> list[Checked]:
    """check_file() of each (file, known SHA-256), in order: on jobs - 1 worker
    processes and this one when there are many (common/parallel.map_chunks)."""
    from sarcokg.common.errors import InputError
    task = (engine, str(shapes_path()), str(ontology_path()))
    if jobs > 1 and len(todo) >= PARALLEL_MIN:
        from sarcokg.common.parallel import map_chunks
        size = chunk_size(len(todo), jobs)
        chunks = [(todo[i:i + size], *task) for i in range(0, len(todo), size)]
        done = [r for part in map_chunks(_check_chunk, chunks, jobs) for r in part]
    else:
        done = _check_chunk((todo, *task))
    # the first bad file in the order of the store's keys (stems), as a store build names it
    bad = sorted((f.name[:-len(".ttl")], r) for (f, _), r in zip(todo, done, strict=True) if isinstance(r, str))
    if bad:
        raise InputError(bad[0][1])
    return done   # type: ignore[return-value]


def chunk_size(n: int, jobs: int) -> int:
    """Files per chunk of parallel validation: about 8 chunks a job, 16 to 256 files."""
    return max(16, min(256, n // (jobs * 8)))


def _digest(path: Path) -> str:
    from sarcokg.store.kgstore import sha256
    return sha256(path)


def cache_context(engine: str) -> str:
    """What a cached result depends on besides its report: the engine, the shapes and the ontology."""
    # "5": each report's size and mtime, and the values of the rules across reports
    return "|".join(["5", engine, _digest(shapes_path()), _digest(ontology_path())])


def _rows_ok(table, width: int) -> bool:
    """{name: [[str] * width, ...]}: plain loops (100,000 reports are checked on every run)."""
    if type(table) is not dict:
        return False
    for rows in table.values():
        if type(rows) is not list:
            return False
        for r in rows:
            if type(r) is not list or len(r) != width:
                return False
            for x in r:
                if type(x) is not str:
                    return False
    return True


def _cache_ok(cache: dict) -> bool:
    """Whether a cache read back has the shape validate_kg writes."""
    reports = cache.get("reports")
    if type(reports) is not dict:
        return False
    for v in reports.values():
        if type(v) is not list or len(v) != 3 or type(v[0]) is not str or type(v[1]) is not int \
                or type(v[2]) is not int:
            return False
    return _rows_ok(cache.get("failed"), 5) and _rows_ok(cache.get("values"), 4)


def read_cache(cache_file: Path | None, context: str) -> dict:
    """The validation cache of this context, or a new one when there is none
    or it does not read back as one (damaged: it is made again)."""
    from sarcokg.common.files import json_read
    fresh: dict = {"context": context, "reports": {}, "failed": {}, "values": {}}
    if cache_file is None:
        return fresh
    try:
        cache = json_read(cache_file)
    except (ValueError, OSError):
        return fresh
    if not isinstance(cache, dict) or cache.get("context") != context or not _cache_ok(cache):
        return fresh
    return cache


def _stats_of(files: Sequence[Path]) -> tuple[list[int], list[int]]:
    """(sizes, mtime_ns) of files; -1 for one that does not stat (it is read, which names the problem)."""
    sizes, mtimes = [], []
    for f in files:
        try:
            st = f.stat()
            sizes.append(st.st_size)
            mtimes.append(st.st_mtime_ns)
        except OSError:
            sizes.append(-1)
            mtimes.append(-1)
    return sizes, mtimes


def validate_kg(files: Sequence[Path], engine: str = "fast", jobs: int = 1,
                cache_file: Path | None = None, stats: tuple | None = None) -> tuple[list[Result], int]:
    """Validate report files and the rules across them, from the files alone,
    reusing the cached results of unchanged files.

    A report's cached results (and the values the rules across reports read)
    stand while its SHA-256 and those of the shapes and the ontology (and the
    engine) are the same. A file whose size and mtime_ns are those cached
    with its SHA-256 is not read again (the rule the store's sync keeps);
    any other is read and hashed where it is validated (in the workers), and
    validated only when the SHA-256 is new. stats: the files' (sizes,
    mtime_ns) when the caller has them. Returns the results and how many
    reports were validated afresh.

    Cache: {"context", "reports": {name: [sha256, size, mtime_ns]}, "failed":
    {name: [[focus, path, component, value, message], ...]}, "values": {name:
    [validate/cross.index_values rows]}}, written whole (atomic) when it changed.
    """
    from sarcokg.common.files import atomic_write, json_bytes
    from sarcokg.validate.cross import cross_results
    cache = read_cache(cache_file, cache_context(engine))
    known: dict = cache["reports"]
    names = files.names if hasattr(files, "names") else [f.name for f in files]
    sizes, mtimes = stats if stats is not None else _stats_of(files)
    todo: list[tuple[Path, str]] = []
    for i, name in enumerate(names):
        e = known.get(name)
        if e is None or e[1] != sizes[i] or e[2] != mtimes[i]:
            todo.append((files[i], e[0] if e is not None else ""))
    done = _check_all(todo, engine, jobs)
    changed, fresh = _keep(cache, [(f.name, got) for (f, _), got in zip(todo, done, strict=True)])
    present = set(names)
    for name in [n for n in known if n not in present]:
        changed = True
        del known[name]
        cache["failed"].pop(name, None)
        cache["values"].pop(name, None)
    results = [Result(name, *r) for name, rs in cache["failed"].items() for r in rs]
    results += cross_results(cache["values"], Result)
    if cache_file is not None and changed:
        atomic_write(cache_file, json_bytes(cache))
    return sorted(set(results)), fresh


def _keep(cache: dict, checked: list[tuple[str, Checked]]) -> tuple[bool, int]:
    """Put the files just read in the cache; (whether it changed, how many were validated afresh)."""
    known, failed, values = cache["reports"], cache["failed"], cache["values"]
    fresh = 0
    for name, (digest, size, mtime, res, vals) in checked:
        known[name] = [digest, size, mtime]
        if res is None:   # the bytes the cache knows (a new mtime): its results stand
            continue
        fresh += 1
        for table, got in ((failed, [[r.focus, r.path, r.component, r.value, r.message] for r in res]),
                           (values, vals)):
            if got:
                table[name] = got
            else:
                table.pop(name, None)
    return bool(checked), fresh


def validate_folder(kg: Path, engine: str = "fast", jobs: int = 1, cache: bool = True,
                    lock_wait: float = 30.0) -> tuple[list[Result], int]:
    """`sarcokg validate`: the results of a knowledge-graph folder's report
    files (the shapes, the one-report-graph rule, the rules across reports)
    and of its curation records, and how many report files it has.

    From the files alone: the query store is neither built nor read. A
    folder that keeps state on disk is read under its shared lock (never a
    set of files half replaced by ingest), with the validation cache in
    KG/.sarcokg (cache=False: none read or written); the graph the package
    ships and a read-only folder are validated without a cache."""
    from sarcokg.store import kgstore
    from sarcokg.validate.records import broken_records

    def record_results() -> list[Result]:   # curation records that do not read
        return [Result(name, "", "", "SPARQL", "", message) for name, message in broken_records(kg)]
    names = kgstore.report_listing(kg)
    if not kgstore.on_disk(kg):
        files = kgstore.report_files(kg, names)
        results = validate_kg(files, engine, jobs)[0]
        return sorted(results + record_results()), len(files)
    from contextlib import nullcontext
    held = kgstore.holds(kg)   # a command of this process holds it already (in-process callers)
    with nullcontext() if held else kgstore.kg_lock(kg, lock_wait, exclusive=False):
        names, stats = kgstore.listed_stats(kg, names)   # as the files are once the lock is held
        files = kgstore.report_files(kg, names)
        cache_file = kg / kgstore.CACHE_DIR / f"validation-{engine}.json" if cache else None
        results = validate_kg(files, engine, jobs, cache_file, stats)[0]
        return sorted(results + record_results()), len(files)
