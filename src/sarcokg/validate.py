"""SHACL validation of report graphs with pySHACL.

Each report is validated on its own, against the shapes, with only the
ontology's class hierarchy (rdfs:subClassOf triples) added to its data: no
inference, so validation stays fast and linear in the number of reports.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, RDFS, SH

from .errors import InputError
from .namespaces import PREFIXES, ROOT, SHAPES_FILE
from .store import ontology_path


@dataclass(frozen=True, order=True)
class Result:
    report: str
    focus: str
    path: str
    message: str
    value: str
    severity: str


def shapes_path(ontology_dir: Optional[Path] = None) -> Path:
    return (ontology_dir or ROOT / "ontology") / SHAPES_FILE


@lru_cache(maxsize=2)
def _shapes(path: str) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(path, format="turtle")
    return g


@lru_cache(maxsize=2)
def _hierarchy(path: str) -> tuple:
    g = rdflib.Graph()
    g.parse(path, format="turtle")
    return tuple((s, p, o) for s, p, o in g.triples((None, RDFS.subClassOf, None))
                 if isinstance(o, rdflib.URIRef) and isinstance(s, rdflib.URIRef))


def _short(term) -> str:
    if term is None:
        return ""
    if isinstance(term, rdflib.URIRef):
        v = str(term)
        for p, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if v.startswith(ns):
                return f"{p}:{v[len(ns):]}"
        return v
    if isinstance(term, rdflib.BNode):
        return "[]"
    return str(term)


def _path_text(g: rdflib.Graph, path) -> str:
    if isinstance(path, rdflib.BNode):
        inner = g.value(path, SH.oneOrMorePath) or g.value(path, SH.zeroOrMorePath)
        return _short(inner) + ("+" if g.value(path, SH.oneOrMorePath) else "*") if inner else "[]"
    return _short(path)


def validate_graph(data: rdflib.Graph, report: str, ontology_dir: Optional[Path] = None
                   ) -> tuple[list[Result], rdflib.Graph]:
    shapes = _shapes(str(shapes_path(ontology_dir)))
    for t in _hierarchy(str(ontology_path(ontology_dir))):
        data.add(t)
    conforms, results_graph, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True)
    results = []
    for r in results_graph.subjects(RDF.type, SH.ValidationResult):
        results.append(Result(
            report=report,
            focus=_short(results_graph.value(r, SH.focusNode)),
            path=_path_text(results_graph, results_graph.value(r, SH.resultPath)),
            message=str(results_graph.value(r, SH.resultMessage) or ""),
            value=_short(results_graph.value(r, SH.value)),
            severity=_short(results_graph.value(r, SH.resultSeverity)).replace("http://www.w3.org/ns/shacl#", "sh:"),
        ))
    return sorted(results), results_graph


def validate_file(path: Path, ontology_dir: Optional[Path] = None) -> tuple[list[Result], rdflib.Graph]:
    data = rdflib.Graph()
    try:
        data.parse(path, format="turtle")
    except Exception as e:  # rdflib raises several parser exception types
        raise InputError(f"{path}: malformed Turtle: {str(e).splitlines()[0]}") from None
    return validate_graph(data, path.name, ontology_dir)


def validate_text(turtle: str, report: str, ontology_dir: Optional[Path] = None) -> list[Result]:
    data = rdflib.Graph()
    data.parse(data=turtle, format="turtle")
    return validate_graph(data, report, ontology_dir)[0]


def validate_files(files: Iterable[Path], ontology_dir: Optional[Path] = None
                   ) -> tuple[list[Result], list[rdflib.Graph]]:
    results, graphs = [], []
    for f in files:
        r, g = validate_file(f, ontology_dir)
        results.extend(r)
        graphs.append(g)
    return sorted(results), graphs


def format_text(results: list[Result], n_reports: int) -> str:
    if not results:
        return f"conforms: {n_reports} report graph{'s' if n_reports != 1 else ''}, 0 violations\n"
    lines = []
    for r in results:
        value = f" (value: {r.value})" if r.value else ""
        lines.append(f"{r.report}: {r.focus} {r.path}: {r.message}{value}")
    reports = len({r.report for r in results})
    lines.append(f"does not conform: {len(results)} violation{'s' if len(results) != 1 else ''} "
                 f"in {reports} of {n_reports} report graphs")
    return "\n".join(lines) + "\n"
