"""Named SPARQL queries, parameters bound as RDF terms, results in W3C formats."""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError
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
    subs = dict(parse_param(p) for p in params)
    check_service(label, text, allow_service)
    try:
        return store.query(text, use_default_graph_as_union=True, substitutions=subs or None,
                           prefixes=dict(PREFIXES))
    except SyntaxError as e:
        raise syntax_error(label, e, text) from None
    except (ValueError, OSError, RuntimeError) as e:
        raise InputError(f"{label}: the query failed: {e}") from None


def run_kg(kg: Path, kgraph, label: str, text: str, params: list[str], jobs: int = 2,
           allow_service: bool = False):
    """Run a query over a knowledge-graph folder: a per-report query without
    parameters from the row cache (see rowcache), anything else on the store.
    SERVICE only with allow_service (query/guard.py)."""
    from sarcokg.query.guard import check_service
    from sarcokg.store.kgstore import holds, ontology_path
    check_service(label, text, allow_service)
    if not params and kgraph.digests is not None and holds(kg):
        from sarcokg.query.rowcache import cached_rows, per_report
        if per_report(text):
            try:
                res = cached_rows(kg, kgraph.reports, kgraph.digests, text, ontology_path(), jobs, kgraph.tallies)
            except SyntaxError as e:
                raise syntax_error(label, e, text) from None
            except (ValueError, OSError, RuntimeError) as e:
                raise InputError(f"{label}: the query failed: {e}") from None
            from sarcokg.query.rowcache import prefetch_named
            prefetch_named(kg, kgraph.reports, kgraph.digests, ontology_path(), jobs, kgraph.tallies)
            if res is not None:
                return res
    if kgraph.deferred:
        from sarcokg.store.evidence_defer import may_read_evidence
        from sarcokg.store.kgstore import complete
        if may_read_evidence(text):
            complete(kgraph)
    return run(kgraph.store, label, text, params, allow_service)


def prepare_named(kg: Path, kgraph, jobs: int = 2) -> bool:
    """Compute and keep the results of the named per-report queries, as their
    first run would (rowcache: one pass over the reports serves all of them
    that read no evidence); False when there is no such query or they cannot
    be kept here. `sarcokg validate` calls it after validating many reports
    afresh, so that the queries after it read kept results."""
    from sarcokg.common.errors import SarcoKGError
    from sarcokg.query.rowcache import cached_rows, per_report, prefetch_named
    from sarcokg.store.evidence_defer import may_read_evidence
    from sarcokg.store.kgstore import holds, ontology_path
    if kgraph.digests is None or not holds(kg):
        return False
    for path in named_queries().values():
        text = path.read_text(encoding="utf-8")
        if per_report(text) and not may_read_evidence(text):
            try:   # never on the store (slow at scale), and never a reason for the caller to fail
                kept = cached_rows(kg, kgraph.reports, kgraph.digests, text, ontology_path(), jobs, kgraph.tallies)
                prefetch_named(kg, kgraph.reports, kgraph.digests, ontology_path(), jobs, kgraph.tallies)
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


def table(results) -> str:
    """A plain text table for people."""
    if isinstance(results, ox.QueryBoolean):
        return "yes\n" if bool(results) else "no\n"
    if not isinstance(results, ox.QuerySolutions):
        raise InputError("a CONSTRUCT or DESCRIBE query gives triples; use 'sarcokg export' or a SELECT query")
    names = [v.value for v in results.variables]
    rows = [[_cell(sol[n]) for n in names] for sol in results]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def serialize(results, fmt: str) -> bytes:
    from sarcokg.query.renders import KeptResult
    if isinstance(results, KeptResult):   # a cached result: its kept rendering, or made from its TSV
        if fmt == "table":
            return table(results.solutions()).encode("utf-8")
        return results.serialize(RESULT_FORMATS[fmt])
    if fmt == "table":
        return table(results).encode("utf-8")
    if isinstance(results, (ox.QuerySolutions, ox.QueryBoolean)):
        return results.serialize(format=RESULT_FORMATS[fmt])
    raise InputError("a CONSTRUCT or DESCRIBE query gives triples; use 'sarcokg export' or a SELECT query")
