"""One case's page: its facts in the structure of the case model, each with its evidence.

The facts and evidence are read with SPARQL from the case's report graph in
the store (GRAPH bound to the report). The report text is looked for as
views/evidence does (KG/<source file>, KG/sources/<source file>, then any
--texts folder); when it is at hand and its SHA-256 is the one the graph
records, the text is shown with every mention highlighted at its offsets;
otherwise the stored mention strings are shown and the page says why.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.common.files import read_report
from sarcokg.model.namespaces import REPORT_BASE, SKO
from sarcokg.query import run as q
from sarcokg.views.cohort.gather import value

FACTS_QUERY = """
SELECT ?g ?node ?type ?prop ?value ?label ?prop_label WHERE {
  GRAPH ?g { ?node a ?type ; ?prop ?value . FILTER(?prop != rdf:type && ?prop != sko:hasEvidence) }
  FILTER(?type != sko:Evidence)
  OPTIONAL { ?value rdfs:label ?value_label }
  OPTIONAL { ?prop rdfs:label ?p_label }
  BIND(STR(?value_label) AS ?label)
  BIND(STR(?p_label) AS ?prop_label)
}
"""

EVIDENCE_QUERY = """
SELECT ?g ?ev ?node ?prop ?start ?end ?exact ?method ?conf WHERE {
  GRAPH ?g {
    ?ev a sko:Evidence ; sko:evidenceFor ?node ; sko:evidenceProperty ?prop ; prov:wasGeneratedBy ?method .
    OPTIONAL { ?ev sko:confidence ?conf }
    OPTIONAL { ?ev oa:start ?start ; oa:end ?end ; oa:exact ?exact }
  }
} ORDER BY ?start ?end ?ev
"""

# node types in the order of the case model, with the heading of their section
SECTIONS = [("CaseReport", "Report"), ("Patient", "Patient"), ("Symptom", "Symptoms"), ("Tumour", "Tumour"),
            ("SiteInvolvement", "Sites"), ("VertebralLevel", "Vertebral levels"),
            ("Intervention", "Interventions"), ("AgentDose", "Agent doses"),
            ("OutcomeObservation", "Outcomes in sequence")]
LINKS = {"describesPatient", "hasTumour", "hasSiteInvolvement", "hasVertebralLevel", "hasSymptom",
         "receivedIntervention", "hasOutcome", "hasAgentDose", "sequence", "reportId"}
SHOWN_FIRST = {"interventionType": 0, "outcomeStatus": 0, "site": 0, "vertebra": 0, "symptomText": 0, "agent": 1}


@dataclass
class Evidence:
    id: str                      # anchor id on the page: "ev-3"
    start: int | None
    end: int | None
    exact: str | None
    curated: bool
    confidence: float | None
    shown: bool = False          # highlighted in the text on this page


@dataclass
class Fact:
    prop: str
    label: str
    values: list[str]
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def curated(self) -> bool:
        return any(e.curated for e in self.evidence)


@dataclass
class Node:
    local: str
    title: str
    facts: list[Fact]


@dataclass
class Segment:
    text: str
    evidence: list[str]          # ids of the evidence covering it
    starts: list[str]            # ids of the evidence starting here (anchors)


@dataclass
class CasePage:
    id: str
    sections: list[tuple[str, list[Node]]]
    evidence: list[Evidence]
    source_file: str | None
    sha256: str | None
    curated: bool
    title: str | None
    pmid: str | None
    doi: str | None
    text_status: str             # "shown" | why the text is not shown
    segments: list[Segment]


def _local(iri: str, rid: str) -> str:
    base = f"{REPORT_BASE}{rid}/"
    return iri[len(base):] if iri.startswith(base) else iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _natural(s: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def _display(term, label: str | None) -> str:
    if isinstance(term, ox.NamedNode):
        return label or term.value.rsplit("#", 1)[-1]
    v = value(term)
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def read_case(kgraph, rid: str) -> tuple[dict, list[Evidence], dict]:
    """({node local: (type, {prop: [(display, term)]}, {prop: label})}, evidence, {(node, prop): [evidence]})."""
    param = [f"g=<{REPORT_BASE}{rid}>"]
    nodes: dict[str, tuple[str, dict, dict]] = {}
    for s in q.run(kgraph.store, "case facts", FACTS_QUERY, param):
        local = _local(s["node"].value, rid)
        typ = s["type"].value.removeprefix(SKO)
        prop = s["prop"].value.removeprefix(SKO).rsplit("#", 1)[-1]
        entry = nodes.setdefault(local, (typ, {}, {}))
        shown = _display(s["value"], s["label"].value if s["label"] else None)
        entry[1].setdefault(prop, [])
        if shown not in [d for d, _ in entry[1][prop]]:
            entry[1][prop].append((shown, s["value"]))
        entry[2][prop] = s["prop_label"].value if s["prop_label"] else prop
    evidence: list[Evidence] = []
    by_fact: dict[tuple[str, str], list[Evidence]] = {}
    for i, s in enumerate(q.run(kgraph.store, "case evidence", EVIDENCE_QUERY, param), 1):
        ev = Evidence(f"ev-{i}", value(s["start"]), value(s["end"]), value(s["exact"]),
                      s["method"].value.endswith("CuratorAssertion"), value(s["conf"]))
        evidence.append(ev)
        key = (_local(s["node"].value, rid), s["prop"].value.removeprefix(SKO))
        by_fact.setdefault(key, []).append(ev)
    return nodes, evidence, by_fact


def build(kgraph, rid: str, kg: Path, texts: list[Path]) -> CasePage:
    nodes, evidence, by_fact = read_case(kgraph, rid)
    if "report" not in nodes:
        raise InputError(f"{rid}: no report node in its graph")
    report = nodes["report"][1]

    def first(prop: str) -> str | None:
        got = report.get(prop)
        return got[0][0] if got else None

    sections = []
    for typ, heading in SECTIONS:
        members = sorted((k for k, v in nodes.items() if v[0] == typ), key=_natural)
        if members:
            sections.append((heading, [_node(k, nodes[k], by_fact) for k in members]))
    page = CasePage(rid, sections, evidence, first("sourceFile"), first("sourceSha256"),
                    first("curationStatus") == "curated", first("title"), first("pmid"), first("doi"),
                    "", [])
    _attach_text(page, kg, texts)
    return page


def _node(local: str, entry: tuple[str, dict, dict], by_fact: dict) -> Node:
    _, props, labels = entry
    order = sorted((p for p in props if p not in LINKS), key=lambda p: (SHOWN_FIRST.get(p, 5), p))
    facts = [Fact(p, labels[p], sorted(d for d, _ in props[p]), by_fact.get((local, p), [])) for p in order]
    return Node(local, _title(local, entry[0], facts), facts)


def _title(local: str, typ: str, facts: list[Fact]) -> str:
    """A node's heading: its main value, numbered where the case model numbers it."""
    main = facts[0].values[0] if facts and facts[0].values else ""
    num = local.rsplit("-", 1)[-1]
    if typ == "SiteInvolvement":
        return main + (" (metastasis)" if local.endswith("-metastasis") else "")
    if typ == "VertebralLevel":
        return local.removeprefix("level-").removesuffix("-metastasis") + (
            " (metastasis)" if local.endswith("-metastasis") else "")
    if typ in ("Intervention", "OutcomeObservation", "Symptom", "AgentDose") and num.isdigit():
        return f"{num}. {main}"
    return ""


def find_text(kg: Path, name: str, texts: list[Path]) -> Path | None:
    for folder in [kg, kg / "sources", *texts]:
        cand = folder / name
        if cand.is_file():
            return cand
    return None


def _attach_text(page: CasePage, kg: Path, texts: list[Path]) -> None:
    if not page.source_file:
        page.text_status = "The report graph names no source file."
        return
    path = find_text(kg, page.source_file, texts)
    if path is None:
        page.text_status = (f"The report text ({page.source_file}) is not at hand: looked in the knowledge-graph "
                            "folder and its sources/ folder. The mentions below are the strings stored with each "
                            "fact.")
        return
    try:
        rt = read_report(path)
    except InputError as e:
        page.text_status = f"The report text could not be read ({e}); the mentions shown are the stored strings."
        return
    if page.sha256 and rt.sha256 != page.sha256:
        page.text_status = (f"The text found ({page.source_file}) is not the one this graph was made from (its "
                            "SHA-256 differs), so its offsets would be wrong; the mentions shown are the stored "
                            "strings.")
        return
    page.text_status = "shown"
    page.segments = segments(rt.text, page.evidence)


def segments(text: str, evidence: list[Evidence]) -> list[Segment]:
    """The text cut at every evidence boundary; each piece lists the evidence covering it.
    Evidence whose stored string differs from the text at its offsets is not highlighted."""
    spans = []
    for ev in evidence:
        if ev.start is None or ev.end is None or not (0 <= ev.start < ev.end <= len(text)):
            continue
        if text[ev.start:ev.end] != ev.exact:
            continue
        ev.shown = True
        spans.append((ev.start, ev.end, ev.id))
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [i for s, e, i in spans if s <= a and b <= e]
        starts = [i for s, _, i in spans if s == a]
        if out and not covering and not out[-1].evidence and not starts:
            out[-1].text += text[a:b]
        else:
            out.append(Segment(text[a:b], covering, starts))
    return out


def pubmed(pmid: str | None) -> str | None:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid and pmid.isdigit() else None


def doi_url(doi: str | None) -> str | None:
    return f"https://doi.org/{doi}" if doi and doi.startswith("10.") else None


