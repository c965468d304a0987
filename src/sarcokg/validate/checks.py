"""Quality checks of ontology and graph, as ROBOT report and the ODK run them.

Each check is a SPARQL query queries/checks/<name>-violation.rq that returns the
offending ?entity ?property ?value and must return no rows. They run over the
ontology and every report graph (one named graph each; the default graph is
their union), so a check can look at the ontology alone (GRAPH <ontology>) or
at the report data.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.common.text import plural
from sarcokg.model.namespaces import ONTOLOGY_IRI, PREFIXES
from sarcokg.query.named import QUERY_DIR, describe
from sarcokg.query.run import _cell

CHECK_DIR = QUERY_DIR / "checks"
SUFFIX = "-violation"


@dataclass
class CheckResult:
    name: str
    description: str
    rows: list[tuple[str, str, str]]


def check_files(check_dir: Path = CHECK_DIR) -> list[Path]:
    files = sorted(check_dir.glob(f"*{SUFFIX}.rq"))
    if not files:
        raise InputError(f"{check_dir}: no checks (*{SUFFIX}.rq) in this folder")
    return files


def memory_store(ontology: Path, reports: Sequence[Path]) -> ox.Store:
    """An in-memory store of this ontology file and these report files."""
    from sarcokg.store.kgstore import parse_into, report_graph
    if not ontology.is_file():
        raise InputError(f"{ontology}: no such ontology file")
    store = ox.Store()
    parse_into(store, ontology, ox.NamedNode(ONTOLOGY_IRI))
    for f in reports:
        parse_into(store, f, report_graph(f.stem))
    return store


def run_checks(store: ox.Store, files: list[Path] | None = None) -> list[CheckResult]:
    results = []
    for path in files or check_files():
        name = path.stem[:-len(SUFFIX)]
        text = path.read_text(encoding="utf-8")
        try:
            sols = store.query(text, use_default_graph_as_union=True, prefixes=dict(PREFIXES))
        except SyntaxError as e:
            raise InputError(f"{path}: SPARQL syntax error: {' '.join(str(e).split())[:160]}") from None
        except (ValueError, OSError, RuntimeError) as e:
            raise InputError(f"{path}: the check failed: {e}") from None
        if not isinstance(sols, ox.QuerySolutions) or \
                [v.value for v in sols.variables] != ["entity", "property", "value"]:
            raise InputError(f"{path}: a check must be SELECT ?entity ?property ?value")
        rows = sorted({(_cell(s["entity"]), _cell(s["property"]), _cell(s["value"])) for s in sols})
        results.append(CheckResult(name, describe(path), rows))
    return results


def format_report(results: list[CheckResult]) -> str:
    width = max(len(r.name) for r in results)
    lines = []
    for r in results:
        status = "ok" if not r.rows else "FAIL"
        lines.append(f"{status:4}  {r.name:{width}}  {len(r.rows):5}  {r.description}")
        for entity, prop, value in r.rows:
            lines.append(f"        {entity}  {prop}  {value}".rstrip())
    failed = sum(1 for r in results if r.rows)
    lines.append(f"{plural(len(results), 'check')}, {failed} failed, "
                 f"{plural(sum(len(r.rows) for r in results), 'offending row')}")
    return "\n".join(lines) + "\n"
