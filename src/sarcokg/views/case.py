"""One case as a curator reads it (`sarcokg show`), and the list of reports (`sarcokg list`).

`show` prints a report graph in the sections of the case model
(sarcokg.model.facts.CaseFacts): the report's metadata and curation status,
the patient, symptoms, the tumour with its sites and vertebral levels, the
interventions and the outcomes in their order. Terms are shown by their
ontology labels; evidence is left to `sarcokg evidence`.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.model.namespaces import PREFIXES, SKO
from sarcokg.store.kgstore import read_triples

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKIP = {SKO + "hasEvidence", RDF_TYPE}
# (section title, property from the patient or tumour, order key)
SECTIONS = [("symptoms", "hasSymptom"), ("sites", "hasSiteInvolvement"), ("vertebral levels", "hasVertebralLevel"),
            ("interventions", "receivedIntervention"), ("outcomes", "hasOutcome")]
LINKS = {SKO + p for _, p in SECTIONS} | {SKO + "hasTumour", SKO + "describesPatient"}

Q_LIST = """
SELECT ?rid ?title ?year ?status (GROUP_CONCAT(DISTINCT ?typeLabel; separator="|") AS ?types) WHERE {
  ?r a sko:CaseReport ; sko:reportId ?rid .
  OPTIONAL { ?r sko:title ?title } OPTIONAL { ?r sko:publicationYear ?year }
  OPTIONAL { ?r sko:curationStatus ?status }
  OPTIONAL { ?r sko:describesPatient/sko:hasTumour/sko:tumourType ?type .
             OPTIONAL { ?type sko:oncotreeCode ?code } OPTIONAL { ?type rdfs:label ?label }
             BIND(COALESCE(?code, ?label) AS ?typeLabel) }
} GROUP BY ?rid ?title ?year ?status ORDER BY ?rid"""


def _labels() -> dict[str, str]:
    from sarcokg.store.kgstore import ontology_path
    out: dict[str, str] = {}
    for s, p, o in read_triples(ontology_path()):
        if p.value == "http://www.w3.org/2000/01/rdf-schema#label" and isinstance(s, ox.NamedNode):
            out.setdefault(s.value, o.value)
    return out


def _value(term: ox.NamedNode | ox.Literal | ox.BlankNode, labels: dict[str, str]) -> str:
    if isinstance(term, ox.NamedNode):
        return labels.get(term.value, term.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
    if isinstance(term, ox.Literal) and term.datatype.value.endswith("#decimal"):
        return f"{Decimal(term.value).normalize():f}"
    return term.value


def _natural(s: str) -> list[object]:
    import re
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", s)]


class Graph:
    def __init__(self, path: Path):
        self.props: dict[str, list[tuple[str, ox.NamedNode | ox.Literal | ox.BlankNode]]] = {}
        for s, p, o in read_triples(path):
            self.props.setdefault(s.value, []).append((p.value, o))

    def get(self, node: str, prop: str) -> list[ox.NamedNode | ox.Literal | ox.BlankNode]:
        return [o for p, o in self.props.get(node, []) if p == SKO + prop]

    def fields(self, node: str, labels: dict[str, str]) -> list[str]:
        out: dict[str, list[str]] = {}
        for p, o in self.props.get(node, []):
            if p in SKIP or p in LINKS:
                continue
            out.setdefault(p.rsplit("#", 1)[-1], []).append(_value(o, labels))
        return [f"{k}: {', '.join(sorted(v, key=_natural))}" for k, v in sorted(out.items())]


def show_case(report: str, kg: Path) -> str:
    rid = Path(report).stem
    path = kg / f"{rid}.ttl"
    if not path.is_file():
        raise InputError(f"{path}: no such report graph")
    g, labels = Graph(path), _labels()
    base = f"https://w3id.org/sarcokg/report/{rid}/"
    report_node = base + "report"
    if report_node not in g.props:
        raise InputError(f"{path}: no sko:CaseReport <{report_node}> in the report graph")
    status = g.get(report_node, "curationStatus")
    lines = [f"{rid} ({'curated' if status and status[0].value == SKO + 'Curated' else 'draft'})"]
    lines += [f"  {f}" for f in g.fields(report_node, labels) if not f.startswith("curationStatus")]
    for patient in (o.value for o in g.get(report_node, "describesPatient")):
        lines += ["patient"] + [f"  {f}" for f in g.fields(patient, labels)]
        lines += _section(g, labels, patient, "symptoms", "hasSymptom")
        for tumour in (o.value for o in g.get(patient, "hasTumour")):
            lines += ["tumour"] + [f"  {f}" for f in g.fields(tumour, labels)]
            lines += _section(g, labels, tumour, "sites", "hasSiteInvolvement", indent="  ")
            lines += _section(g, labels, tumour, "vertebral levels", "hasVertebralLevel", indent="  ")
        lines += _section(g, labels, patient, "interventions", "receivedIntervention")
        lines += _section(g, labels, patient, "outcomes", "hasOutcome")
    return "\n".join(lines) + "\n"


def _section(g: Graph, labels: dict[str, str], node: str, title: str, prop: str, indent: str = "") -> list[str]:
    items = sorted((o.value for o in g.get(node, prop)), key=_natural)
    if not items:
        return []
    lines = [f"{indent}{title}"]
    for i, item in enumerate(items, start=1):
        fields = g.fields(item, labels)
        lines.append(f"{indent}  {i}. " + "; ".join(fields))
    return lines


def list_reports(kg: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows: report id, title, year, tumour type, curated or draft."""
    from sarcokg.store.kgstore import load
    store = load(kg, evidence=False).store
    rows = []
    solutions = store.query(Q_LIST, use_default_graph_as_union=True, prefixes=dict(PREFIXES))
    assert isinstance(solutions, ox.QuerySolutions)
    for s in solutions:
        status = "curated" if s["status"] is not None and s["status"].value == SKO + "Curated" else "draft"
        rows.append([s["rid"].value, s["title"].value if s["title"] else "", s["year"].value if s["year"] else "",
                     s["types"].value if s["types"] else "", status])
    return ["report", "title", "year", "tumour_type", "status"], rows
