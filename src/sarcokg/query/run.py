"""Named SPARQL queries, parameters bound as RDF terms, results in W3C formats."""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError, SarcoKGError
from sarcokg.common.settings import Progress
from sarcokg.model.namespaces import PREFIXES
from sarcokg.query.named import QUERY_DIR, describe, named_queries  # noqa: F401  (re-exported for the CLI)
from sarcokg.query.params import parse_param, parse_term  # noqa: F401  (re-exported)

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


def syntax_error(label: str, e: SyntaxError, text: str) -> InputError:
    """The one-line error for a query Oxigraph does not parse (an update says so)."""
    from sarcokg.query.guard import is_update
    if is_update(text):
        return InputError(f"{label}: updates are not allowed (INSERT, DELETE, LOAD, DROP...): sarcokg queries only "
                          "read the graph; change the report files instead")
    return InputError(f"{label}: SPARQL syntax error{_where(str(e), text)}")


def run(store: ox.Store, label: str, text: str, params: list[str], allow_service: bool = False):
    from sarcokg.query.guard import check_service
    subs: dict = dict(parse_param(p) for p in params)
    check_service(label, text, allow_service)
    try:
        return store.query(text, use_default_graph_as_union=True, substitutions=subs or None,
                           prefixes=dict(PREFIXES))
    except SyntaxError as e:
        raise syntax_error(label, e, text) from None
    except (ValueError, OSError, RuntimeError) as e:
        raise InputError(f"{label}: the query failed: {e}") from None


def run_kg(kg: Path, kgraph, label: str, text: str, params: list[str], jobs: int = 2,
           progress: Progress | None = None, allow_service: bool = False):
    """Run a query over a knowledge-graph folder: a per-report query without
    parameters from the row cache (see rowcache), anything else on the store.
    SERVICE only with allow_service (query/guard.py)."""
    from sarcokg.query.guard import check_service
    check_service(label, text, allow_service)
    kept = _from_kept(kg, kgraph, label, text, params, jobs, progress)
    if kept is not None:
        return kept
    return run(_store_for(kgraph, text, progress), label, text, params, allow_service)


def _from_kept(kg: Path, kgraph, label: str, text: str, params: list[str], jobs: int,
               progress: Progress | None):
    """The kept per-report rows (narrowed by the parameters), None when the query
    is not answered from them or the folder has report files that are not confined."""
    if kgraph.unconfined:
        return None
    if params:
        return _narrowed(kg, kgraph, label, text, params, jobs, progress)
    return _kept(kg, kgraph, label, text, jobs, progress)


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
           jobs: int = 2, progress: Progress | None = None, allow_service: bool = False) -> bytes:
    """The query's result in an output format. A query the store evaluates runs
    on a thread of its own, given up after `timeout` seconds or at Ctrl-C
    (Oxigraph cannot stop a query; the thread ends with the process).
    SERVICE only with allow_service (query/guard.py)."""
    from sarcokg.query.guard import check_service
    check_service(label, text, allow_service)
    kept = _from_kept(kg, kgraph, label, text, params, jobs, progress)
    if kept is not None:
        return serialize(kept, fmt)
    store = _store_for(kgraph, text, progress)

    def work() -> bytes:
        results = run(store, label, text, params, allow_service)
        try:
            return serialize(results, fmt)
        except (OSError, RuntimeError, ValueError) as e:   # Oxigraph evaluates as the results are read
            why = (str(e).splitlines() or [type(e).__name__])[0]
            raise SarcoKGError(f"{label}: the query failed: {why}") from None
    return _abandonable(work, label, timeout)


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
    from sarcokg.query.rowcache import Run, cached_rows, per_report
    from sarcokg.store.kgstore import holds, ontology_path
    if kgraph.digests is None or not holds(kg) or not per_report(text):
        return None
    how = Run(ontology_path(), jobs, kgraph.settings, progress)
    try:
        res = cached_rows(kg, kgraph.digests, kgraph.generation, text, how)
    except SyntaxError as e:
        raise syntax_error(label, e, text) from None
    except (ValueError, OSError, RuntimeError) as e:
        raise InputError(f"{label}: the query failed: {e}") from None
    return res


def _narrowed(kg: Path, kgraph, label: str, text: str, params: list[str], jobs: int, progress: Progress | None):
    """A query with a parameter that narrows its kept result (query/narrow.py),
    from that result; None: the store answers."""
    from sarcokg.query.narrow import narrowed, narrowing, notations_within
    from sarcokg.store.kgstore import ontology_path
    how = narrowing(text)
    if how is None or len(params) != 1:
        return None
    var, term = parse_param(params[0])
    if var.value != how[0] or not isinstance(term, ox.NamedNode):
        return None
    keep = notations_within(ontology_path(), term.value, how[2])
    kept = _kept(kg, kgraph, label, text, jobs, progress) if keep is not None else None
    try:
        tsv = None if kept is None or keep is None else narrowed(kept.tsv(), how[0], how[1], term, keep)
    except (OSError, ValueError):
        return None
    return None if tsv is None else ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)


def deriver(kg: Path, jobs: int = 2, settings=None, progress: Progress | None = None,
            asked: tuple[str, str] | None = None):
    """What computes the named per-report queries' rows as the store loads many
    files (rowcache.Deriver), for kgstore.load(derive=...); `asked`: (query
    text, format) of the query the command answers without parameters, whose
    rendering is then made while the other queries' rows are kept."""
    from sarcokg.common.settings import Settings
    from sarcokg.query.rowcache import Deriver, Run
    from sarcokg.store.kgstore import ontology_path
    render = None if asked is None else (asked[0], RESULT_FORMATS[asked[1]])
    return Deriver(kg, Run(ontology_path(), jobs, settings or Settings(), progress), render=render)


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
