"""The cohort's data, gathered with SPARQL over the knowledge graph's store.

The per-case rows come from named queries (case-summary, case-timeline,
case-sites, cases-by-vertebral-level) run through the project's query layer,
so on a folder the row cache answers them (a first run over many reports
computes all the named queries in one pass; later runs read kept rows). The
spine's vertebrae and the tumour types' labels come from the ontology.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.model.namespaces import ONTOLOGY_IRI, PREFIXES, REPORT_BASE, XSD
from sarcokg.query import run as q

VERTEBRAE_QUERY = """
SELECT ?notation ?order ?region WHERE {
  ?v sko:spineOrder ?order ; skos:notation ?notation .
  OPTIONAL { ?v rdfs:subClassOf/rdfs:subClassOf/owl:someValuesFrom/rdfs:label ?region_label }
  BIND(STR(?region_label) AS ?region)
} ORDER BY ?order
"""

TUMOUR_LABELS_QUERY = """
SELECT ?code ?label WHERE {
  ?type rdfs:subClassOf* sko:Tumour ; rdfs:label ?type_label .
  OPTIONAL { ?type sko:oncotreeCode ?oncotree }
  BIND(COALESCE(?oncotree, STR(?type_label)) AS ?code)
  BIND(STR(?type_label) AS ?label)
} ORDER BY ?code ?label
"""


@dataclass
class Event:
    event: str                 # "intervention" | "outcome"
    kind: str | None           # intervention kind or outcome status as stated
    summary: str | None        # modality or summary status
    months: float | None
    sequence: int | None = None
    since: str | None = None


@dataclass
class Case:
    id: str
    pmid: str | None = None
    doi: str | None = None
    year: int | None = None
    age: float | None = None
    sex: str | None = None
    tumour_type: str | None = None
    grade: str | None = None
    levels: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    metastatic_sites: list[str] = field(default_factory=list)
    primary_sites: list[str] = field(default_factory=list)
    treatments: list[str] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    rt_dose_gy: float | None = None
    rt_fractions: float | None = None
    outcome: str | None = None
    follow_up: float | None = None
    events: list[Event] = field(default_factory=list)
    level_rows: list[tuple[str, str | None, bool]] = field(default_factory=list)  # vertebra, region, metastatic


@dataclass
class Vertebra:
    notation: str
    order: int
    region: str | None


@dataclass
class Cohort:
    cases: list[Case]
    total: int                         # reports in the graph
    vertebrae: list[Vertebra]
    tumour_labels: dict[str, str]
    selection: str | None = None       # the selection query's label, or None for every report

    def by_id(self) -> dict[str, Case]:
        return {c.id: c for c in self.cases}


_XSD = XSD
_CONVERT = {**{_XSD + t: int for t in ("integer", "nonNegativeInteger", "int", "long")},
            **{_XSD + t: float for t in ("decimal", "double", "float")},
            _XSD + "boolean": lambda v: v == "true"}


def value(term):
    """A result term as a Python value: numbers as int/float, booleans, IRIs and strings as str."""
    if term is None:
        return None
    if type(term) is ox.Literal:
        convert = _CONVERT.get(term.datatype.value)
        if convert is not None:
            return convert(term.value)
    return term.value


def rows(kg: Path, kgraph, label: str, text: str, params: list[str] | None = None) -> tuple[list[str], list[dict]]:
    """(column names, rows as dicts of Python values) of a SELECT query over the folder."""
    res = q.run_kg(kg, kgraph, label, text, list(params or []))
    if not isinstance(res, ox.QuerySolutions) and not hasattr(res, "solutions"):
        raise InputError(f"{label}: not a SELECT query; a selection returns rows with a ?report column")
    sols = res.solutions() if hasattr(res, "solutions") else res
    names = [v.value for v in sols.variables]
    return names, [{n: value(s[n]) for n in names} for s in sols]


def named_rows(kg: Path, kgraph, name: str) -> list[dict]:
    label, text = q.resolve(name, None)
    return rows(kg, kgraph, label, text)[1]


def _split(cell) -> list[str]:
    return [x for x in str(cell).split("|") if x] if cell else []


def report_id(v) -> str:
    """A ?report value as a report id: the id itself, or a report node or graph IRI."""
    s = str(v)
    if s.startswith(REPORT_BASE):
        return s[len(REPORT_BASE):].split("/", 1)[0]
    return s


def select(kg: Path, kgraph, selection: str, params: list[str]) -> list[str]:
    """The report ids a selection query returns (named query or FILE.rq), in first-seen order."""
    label, text = q.resolve(selection, None)
    for p in params:
        q.parse_param(p)
    names, got = rows(kg, kgraph, label, text, params)
    if "report" not in names:
        shown = ", ".join("?" + n for n in names) or "none"
        raise InputError(f"{label}: the selection has no ?report column (its columns: {shown})")
    ids = list(dict.fromkeys(report_id(r["report"]) for r in got if r["report"] is not None))
    if not ids:
        raise InputError(f"{label}: the selection returned no reports; nothing to report")
    return ids


def _case(row: dict) -> Case:
    return Case(
        id=str(row["report"]), pmid=row["pmid"], doi=row["doi"], year=row["year"], age=row["age"], sex=row["sex"],
        tumour_type=row["tumour_type"], grade=row["grade"], levels=_split(row["vertebral_levels"]),
        sites=_split(row["sites"]), metastatic_sites=_split(row["metastatic_sites"]),
        treatments=_split(row["treatments"]), agents=_split(row["agents"]), rt_dose_gy=row["rt_dose_gy"],
        rt_fractions=row["rt_fractions"], outcome=row["outcome"], follow_up=row["follow_up_months"])


def gather(kg: Path, kgraph, selection: str | None = None, params: list[str] | None = None) -> Cohort:
    """The cohort: every report, or those the selection query returns."""
    chosen = select(kg, kgraph, selection, params or []) if selection else None
    every = [_case(r) for r in named_rows(kg, kgraph, "case-summary")]
    total = len(every)
    if chosen is not None:
        known = {c.id: c for c in every}
        missing = [i for i in chosen if i not in known]
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise InputError(f"{selection}: the selection names report {missing[0]!r}{more}, "
                             f"which is not in {kg}")
        keep = set(chosen)
        cases = [c for c in every if c.id in keep]
    else:
        cases = every
    by_id = {c.id: c for c in cases}
    for r in named_rows(kg, kgraph, "case-timeline"):
        c = by_id.get(str(r["report"]))
        if c is not None:
            c.events.append(Event(r["event"], r["kind"], r["summary"], r["months"], r["sequence"], r["since"]))
    for r in named_rows(kg, kgraph, "case-sites"):
        c = by_id.get(str(r["report"]))
        if c is not None and r["metastatic"] is False and r["site"] not in c.primary_sites:
            c.primary_sites.append(r["site"])
    for r in named_rows(kg, kgraph, "cases-by-vertebral-level"):
        c = by_id.get(str(r["report"]))
        if c is not None:
            c.level_rows.append((r["vertebra"], r["region"], bool(r["metastatic"])))
    return Cohort(cases, total, vertebrae(kgraph), tumour_labels(kgraph), selection)


def vertebrae(kgraph) -> list[Vertebra]:
    return [Vertebra(r["notation"], int(r["order"]), r["region"]) for r in _store_rows(kgraph, VERTEBRAE_QUERY)]


def tumour_labels(kgraph) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in _store_rows(kgraph, TUMOUR_LABELS_QUERY):
        out.setdefault(r["code"], r["label"])
    return out


def _store_rows(kgraph, text: str) -> list[dict]:
    """Rows of a query on the ontology (the store's ontology graph)."""
    res = kgraph.store.query(text, default_graph=ox.NamedNode(ONTOLOGY_IRI), prefixes=dict(PREFIXES))
    names = [v.value for v in res.variables]
    return [{n: value(s[n]) for n in names} for s in res]
