"""Named SPARQL queries, parameters bound as RDF terms, results in W3C formats."""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError, SarcoKGError
from sarcokg.common.settings import Progress
from sarcokg.model.namespaces import PREFIXES, XSD
from sarcokg.query.named import QUERY_DIR, describe, named_queries  # noqa: F401  (re-exported for the CLI)

_PNAME = re.compile(r"^([A-Za-z][\w.-]*)?:(\S*)$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def resolve(name: str | None, sparql: str | None) -> tuple[str, str]:
    """(label, query text) from a query name, a .rq file, or inline text."""
    if sparql is not None:
        return "--sparql", sparql
    if name is None:
        raise InputError("give a query NAME, a FILE.rq or --sparql TEXT")
    path = Path(name)
    if name.endswith(".rq") or path.is_file():
        if not path.is_file():
            raise InputError(f"{name}: no such query file")
        return str(path), path.read_text(encoding="utf-8")
    queries = named_queries()
    if name not in queries:
        raise InputError(f"unknown query {name!r}; known: {', '.join(queries)}")
    return name, queries[name].read_text(encoding="utf-8")


def parse_param(text: str) -> tuple[ox.Variable, object]:
    """name=value -> (variable, RDF term). Values: <iri>, prefix:local, integers,
    decimals, true/false, "quoted string", or a plain string."""
    if "=" not in text:
        raise InputError(f"--param {text!r}: expected name=value")
    name, value = text.split("=", 1)
    name = name.strip().lstrip("?$")
    if not _NAME.match(name):
        raise InputError(f"--param {text!r}: {name!r} is not a SPARQL variable name")
    return ox.Variable(name), parse_term(value, text)


def parse_term(value: str, context: str):
    v = value.strip()
    if v.startswith("<"):
        if not v.endswith(">") or len(v) < 3 or re.search(r"[\s<>\"{}|^`\\]", v[1:-1]):
            raise InputError(f"--param {context!r}: malformed IRI {v!r}")
        try:
            return ox.NamedNode(v[1:-1])
        except ValueError as e:
            raise InputError(f"--param {context!r}: malformed IRI {v!r} ({e})") from None
    if len(v) >= 2 and v[0] == v[-1] == '"':
        return ox.Literal(v[1:-1])
    if re.fullmatch(r"[+-]?\d+", v):
        return ox.Literal(v, datatype=ox.NamedNode(XSD + "integer"))
    if re.fullmatch(r"[+-]?\d*\.\d+", v):
        return ox.Literal(v, datatype=ox.NamedNode(XSD + "decimal"))
    if v in ("true", "false"):
        return ox.Literal(v, datatype=ox.NamedNode(XSD + "boolean"))
    m = _PNAME.match(v)
    if m:
        prefix = m.group(1) or ""
        if prefix not in PREFIXES:
            raise InputError(f"--param {context!r}: unknown prefix {prefix + ':'!r}; known: "
                             + ", ".join(p + ":" for p in PREFIXES))
        return ox.NamedNode(PREFIXES[prefix] + m.group(2))
    return ox.Literal(v)


def run(store: ox.Store, label: str, text: str, params: list[str]):
    subs: dict = dict(parse_param(p) for p in params)
    try:
        return store.query(text, use_default_graph_as_union=True, substitutions=subs or None,
                           prefixes=dict(PREFIXES))
    except SyntaxError as e:
        raise InputError(f"{label}: SPARQL syntax error{_where(str(e), text)}") from None
    except (ValueError, OSError, RuntimeError) as e:
        raise InputError(f"{label}: the query failed: {e}") from None


def run_kg(kg: Path, kgraph, label: str, text: str, params: list[str], jobs: int = 2,
           progress: Progress | None = None):
    """Run a query over a knowledge-graph folder: a per-report query without
    parameters from the row cache (see rowcache), anything else on the store."""
    if not params and not kgraph.unconfined:
        kept = _kept(kg, kgraph, label, text, jobs, progress)
        if kept is not None:
            return kept
    return run(_store_for(kgraph, text, progress), label, text, params)


def _store_for(kgraph, text: str, progress: Progress | None) -> ox.Store:
    """The store to evaluate a query on: the folder's, with the evidence loaded
    when the query may read it; or, when a report file holds triples about
    nodes not its own (a copy of another report, a file adding to another
    report's nodes), their RDF merge in memory, since Oxigraph's union of the
    graphs would match such a triple once per file that holds it."""
    from sarcokg.store.kgstore import complete
    if kgraph.deferred:
        from sarcokg.store.evidence_defer import may_read_evidence
        if kgraph.unconfined or may_read_evidence(text):
            complete(kgraph)
    if not kgraph.unconfined:
        return kgraph.store
    if progress is not None:
        some = ", ".join(sorted(kgraph.unconfined)[:3]) + (", ..." if len(kgraph.unconfined) > 3 else "")
        progress(f"{len(kgraph.unconfined)} report file(s) describe nodes of another report ({some}); "
                 "answering from their merge in memory (run validate)", 0, 0)
    merged = ox.Store()
    graph = ox.NamedNode("urn:sarcokg:merged")
    merged.extend(ox.Quad(q.subject, q.predicate, q.object, graph)
                  for q in kgraph.store.quads_for_pattern(None, None, None, None))
    return merged


def answer(kg: Path, kgraph, label: str, text: str, params: list[str], fmt: str, timeout: float | None = None,
           jobs: int = 2, progress: Progress | None = None) -> bytes:
    """The query's result in an output format. A query the store evaluates runs
    on a thread of its own, given up after `timeout` seconds or at Ctrl-C
    (Oxigraph cannot stop a query; the thread ends with the process)."""
    if not params and not kgraph.unconfined:
        kept = _kept(kg, kgraph, label, text, jobs, progress)
        if kept is not None:
            return serialize(kept, fmt)
    store = _store_for(kgraph, text, progress)
    return _abandonable(lambda: serialize(run(store, label, text, params), fmt), label, timeout)


def _abandonable(work, label: str, timeout: float | None) -> bytes:
    import threading
    import time
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as e:   # noqa: BLE001 - handed to the waiting thread
            box["error"] = e

    worker = threading.Thread(target=target, name="sarcokg-query", daemon=True)
    worker.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    while worker.is_alive():
        left = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
        if left <= 0:
            raise SarcoKGError(f"{label}: the query did not finish in {timeout:g} s (--timeout); stopped")
        worker.join(left)   # short waits: Ctrl-C is seen at once
    if "error" in box:
        raise box["error"]
    return box["value"]


def _kept(kg: Path, kgraph, label: str, text: str, jobs: int, progress: Progress | None):
    """A per-report query's result from the row cache; None when it is not
    kept there (the store answers)."""
    from sarcokg.query.rowcache import Run, cached_rows, per_report, prefetch_named
    from sarcokg.store.kgstore import holds, ontology_path
    if kgraph.digests is None or not holds(kg) or not per_report(text):
        return None
    how = Run(ontology_path(), jobs, kgraph.settings, progress)
    try:
        res = cached_rows(kg, kgraph.reports, kgraph.digests, text, how, kgraph.tallies)
    except SyntaxError as e:
        raise InputError(f"{label}: SPARQL syntax error{_where(str(e), text)}") from None
    except (ValueError, OSError, RuntimeError) as e:
        raise InputError(f"{label}: the query failed: {e}") from None
    prefetch_named(kg, kgraph.reports, kgraph.digests, how, kgraph.tallies)
    return res


def prepare_named(kg: Path, kgraph, jobs: int = 2, progress: Progress | None = None) -> bool:
    """Compute and keep the results of the named per-report queries, as their
    first run would (rowcache: one pass over the reports serves all of them
    that read no evidence); False when there is no such query or they cannot
    be kept here. `sarcokg validate` calls it after validating many reports
    afresh, so that the queries after it read kept results."""
    from sarcokg.query.rowcache import Run, cached_rows, per_report, prefetch_named
    from sarcokg.store.evidence_defer import may_read_evidence
    from sarcokg.store.kgstore import holds, ontology_path
    if kgraph.digests is None or not holds(kg) or kgraph.unconfined:
        return False
    how = Run(ontology_path(), jobs, kgraph.settings, progress)
    for path in named_queries().values():
        text = path.read_text(encoding="utf-8")
        if per_report(text) and not may_read_evidence(text):
            try:   # never on the store (slow at scale), and never a reason for the caller to fail
                kept = cached_rows(kg, kgraph.reports, kgraph.digests, text, how, kgraph.tallies)
                prefetch_named(kg, kgraph.reports, kgraph.digests, how, kgraph.tallies)
            except (SarcoKGError, SyntaxError, ValueError, OSError, RuntimeError):
                return False
            return kept is not None
    return False


def _where(message: str, text: str) -> str:
    """' at line L, column C, near "..."' from Oxigraph's long parser message."""
    m = re.search(r"(\d+):(\d+)", message)
    if not m:
        return ": " + " ".join(message.split())[:120]
    line, col = int(m.group(1)), int(m.group(2))
    lines = text.splitlines() or [""]
    src = lines[min(line, len(lines)) - 1]
    near = src[max(0, col - 21):col + 20].strip()
    return f" at line {line}, column {col}, near {near!r}"


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for p, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if term.value.startswith(ns):
                return f"{p}:{term.value[len(ns):]}"
        return term.value
    return term.value


def serialize(results, fmt: str) -> bytes:
    """results in a W3C SPARQL results format (json, csv, tsv); the table for
    people is a view (sarcokg.views.table)."""
    from sarcokg.query.renders import KeptResult, as_bytes
    if isinstance(results, KeptResult):   # a cached result: its kept rendering, or made from its TSV
        return results.serialize(RESULT_FORMATS[fmt])
    if isinstance(results, (ox.QuerySolutions, ox.QueryBoolean)):
        return as_bytes(results.serialize(format=RESULT_FORMATS[fmt]))
    raise InputError("a CONSTRUCT or DESCRIBE query gives triples; use 'sarcokg export' or a SELECT query")
