"""Case facts -> the triples of one report graph, and its Turtle text.

Nodes get IRIs minted from the report id and their content (no blank nodes),
so the same facts always give the same graph and the same bytes.

The graph is built from plain terms (turtle.Lit, IRIs as str; see turtle.py),
which ingest checks and writes without making a pyoxigraph object per term;
report_triples() gives the same triples as pyoxigraph terms.
"""
from __future__ import annotations

from functools import lru_cache

from sarcokg.model import facts as F
from sarcokg.model.namespaces import (
    CONFIDENCE,
    EVIDENCE,
    EVIDENCE_FOR,
    EVIDENCE_PROPERTY,
    GENERATED_BY,
    HAS_EVIDENCE,
    OA_END,
    OA_EXACT,
    OA_START,
    PREFIXES,
    RDF,
    SKO,
    XSD,
    report_ns,
)
from sarcokg.model.terms import Terms
from sarcokg.model.turtle import XSD_STRING, Lit, Writer, decimal_lexical, index_add, ox_triples

TYPE = RDF + "type"
RANK = {SKO + c: i for i, c in enumerate(
    ["CaseReport", "Patient", "Tumour", "SiteInvolvement", "VertebralLevel", "Symptom",
     "Intervention", "AgentDose", "OutcomeObservation", "Evidence"])}
SEX = {"female": "Female", "male": "Male"}
GRADE = {"high": "HighGrade", "intermediate": "IntermediateGrade", "low": "LowGrade"}
LATERALITY = {"left": "Left", "right": "Right", "bilateral": "Bilateral"}
INTENT = {"curative": "CurativeIntent", "palliative": "PalliativeIntent", "adjuvant": "AdjuvantIntent",
          "neoadjuvant": "NeoadjuvantIntent", "salvage": "SalvageIntent"}
SINCE = {"diagnosis": "SinceDiagnosis", "treatment": "SinceTreatment"}
METHOD = {F.RULES: "RuleBasedExtraction", F.CURATOR: "CuratorAssertion"}


@lru_cache(maxsize=1024)   # the builder's few local names: one string each, for every report, its hash computed once
def sko(local: str) -> str:
    return SKO + local


NON_NEGATIVE = XSD + "nonNegativeInteger"
_INTEGER, _DECIMAL, _BOOLEAN = XSD + "integer", XSD + "decimal", XSD + "boolean"
TRUE, FALSE = Lit("true", _BOOLEAN), Lit("false", _BOOLEAN)


_new_lit = tuple.__new__   # _new_lit(Lit, (value, datatype, "")) is Lit(value, datatype), minus a Python call


def string(text: str) -> Lit:
    return _new_lit(Lit, (text, XSD_STRING, ""))


def integer(x: int) -> Lit:
    return _new_lit(Lit, (str(int(x)), _INTEGER, ""))


def decimal(x) -> Lit:
    return _new_lit(Lit, (decimal_lexical(x), _DECIMAL, ""))


def boolean(x: bool) -> Lit:
    return TRUE if x else FALSE


class FactError(ValueError):
    """A fact names a term the ontology does not have."""


class GraphBuilder:
    def __init__(self, facts: F.CaseFacts, terms: Terms):
        self.f = facts
        self.terms = terms
        self.ns = report_ns(facts.report_id)
        # the graph as {subject: {predicate: [objects]}}, in first-added order: the
        # turtle.group_plain() index of its triples, built directly
        self.index: dict = {}
        self.evidence_count: dict[str, int] = {}

    def node(self, local: str) -> str:
        return self.ns + local

    def add(self, s, p, o) -> None:
        index_add(self.index, s, p, o)

    def term(self, axis: str, key: str) -> str:
        t = self.terms.find(axis, key)
        if t is None:
            raise FactError(f"{self.f.report_id}: {axis} {key!r} is not a term of the ontology")
        return t.iri

    def pick(self, table: dict, value: str, what: str) -> str:
        if value not in table:
            raise FactError(f"{self.f.report_id}: {what} {value!r} is not one of {', '.join(table)}")
        return sko(table[value])

    def evidence(self, node_local: str, prop: str, fact: F.Evidenced) -> None:
        """One Evidence node per span of the fact. A curator's fact with no mention
        in the text still gets one, without offsets, saying the curator asserted it."""
        if not fact.spans and fact.method == F.CURATOR:
            ev = self.node(f"ev-{node_local}-{prop}-curator")
            self.add(self.node("report"), sko("hasEvidence"), ev)
            self.add(ev, TYPE, sko("Evidence"))
            self.add(ev, sko("evidenceFor"), self.node(node_local))
            self.add(ev, sko("evidenceProperty"), sko(prop))
            self.add(ev, GENERATED_BY, sko("CuratorAssertion"))
            self.add(ev, sko("confidence"), decimal(round(fact.confidence, 3)))
            return
        ns, index, counts = self.ns, self.index, self.evidence_count
        report, target = ns + "report", ns + node_local
        confidence = decimal(round(fact.confidence, 3))
        method = sko(METHOD.get(fact.method, "RuleBasedExtraction"))
        prop_iri = sko(prop)
        key = f"{node_local}-{prop}"
        spans = fact.spans
        for span in (spans if len(spans) == 1 else sorted(set(spans))):
            n = counts.get(key, 0) + 1
            counts[key] = n
            ev = f"{ns}ev-{key}-{n}"
            index_add(index, report, HAS_EVIDENCE, ev)
            props: dict[str, list] = {TYPE: [EVIDENCE], EVIDENCE_FOR: [target], EVIDENCE_PROPERTY: [prop_iri],
                     OA_START: [_new_lit(Lit, (str(span.start), NON_NEGATIVE, ""))],
                     OA_END: [_new_lit(Lit, (str(span.end), NON_NEGATIVE, ""))],
                     OA_EXACT: [_new_lit(Lit, (span.text, XSD_STRING, ""))], GENERATED_BY: [method],
                     CONFIDENCE: [confidence]}
            if ev in index:   # never for minted names, but then add them one by one
                for p, (o,) in props.items():
                    index_add(index, ev, p, o)
            else:             # a new node: its predicates at once
                index[ev] = props

    def value(self, node_local: str, prop: str, fact: F.Value | None, obj) -> None:
        if fact is None or fact.value is None:
            return
        self.add(self.node(node_local), sko(prop), obj(fact.value))
        self.evidence(node_local, prop, fact)

    def build(self) -> dict:
        """The report's triples, by part of the case model, in a fixed order."""
        self.build_report()
        self.build_patient()
        self.build_tumour()
        for i, iv in enumerate(self.f.interventions, 1):
            self.build_intervention(i, iv)
        for i, o in enumerate(self.f.outcomes, 1):
            self.build_outcome(i, o)
        return self.index

    def build_report(self) -> None:
        f, md = self.f, self.f.metadata
        report = self.node("report")
        self.add(report, TYPE, sko("CaseReport"))
        self.add(report, sko("reportId"), string(f.report_id))
        self.add(report, sko("sourceFile"), string(f.source_file))
        self.add(report, sko("sourceSha256"), string(f.source_sha256))
        self.add(report, sko("curationStatus"), sko("Curated" if f.curated else "MachineDrafted"))
        self.add(report, sko("describesPatient"), self.node("patient"))
        self.value("report", "title", md.title, string)
        self.value("report", "authorList", md.authors, string)
        self.value("report", "journal", md.journal, string)
        self.value("report", "publicationYear", md.year, integer)
        self.value("report", "pmid", md.pmid, string)
        self.value("report", "doi", md.doi, lambda v: string(v.lower()))

    def build_patient(self) -> None:
        f, patient = self.f, self.node("patient")
        self.add(patient, TYPE, sko("Patient"))
        self.value("patient", "ageYears", f.age, integer)
        self.value("patient", "sex", f.sex, lambda v: self.pick(SEX, v, "sex"))
        for i, s in enumerate(f.symptoms, 1):
            local = f"symptom-{i}"
            self.add(patient, sko("hasSymptom"), self.node(local))
            self.add(self.node(local), TYPE, sko("Symptom"))
            self.add(self.node(local), sko("symptomText"), string(s.text))
            if s.duration_months is not None:
                self.add(self.node(local), sko("durationMonths"), decimal(s.duration_months))
            self.evidence(local, "symptomText", s)

    def build_tumour(self) -> None:
        t, tumour = self.f.tumour, self.node("tumour")
        self.add(self.node("patient"), sko("hasTumour"), tumour)
        self.add(tumour, TYPE, sko("Tumour"))
        if t.types:
            self.value("tumour", "tumourType", t.types[0], lambda v: self.term("tumour", v))
        self.value("tumour", "grade", t.grade, lambda v: self.pick(GRADE, v, "grade"))
        self.value("tumour", "sizeCm", t.size_cm, decimal)
        self.value("tumour", "metastatic", t.metastatic, boolean)
        for s in _merge(t.sites, lambda x: (x.site, x.metastatic)):
            site = self.term("site", s.site)
            local = f"site-{site[len(SKO):]}" + ("-metastasis" if s.metastatic else "")
            n = self.node(local)
            self.add(tumour, sko("hasSiteInvolvement"), n)
            self.add(n, TYPE, sko("SiteInvolvement"))
            self.add(n, sko("site"), site)
            self.add(n, sko("metastatic"), boolean(s.metastatic))
            if s.laterality:
                self.add(n, sko("laterality"), self.pick(LATERALITY, s.laterality, "laterality"))
            self.evidence(local, "site", s)
        for lv in _merge(t.levels, lambda x: (x.vertebra, x.metastatic)):
            v = self.term("vertebra", lv.vertebra)
            local = f"level-{lv.vertebra}" + ("-metastasis" if lv.metastatic else "")
            n = self.node(local)
            self.add(tumour, sko("hasVertebralLevel"), n)
            self.add(n, TYPE, sko("VertebralLevel"))
            self.add(n, sko("vertebra"), v)
            self.add(n, sko("metastatic"), boolean(lv.metastatic))
            self.evidence(local, "vertebra", lv)

    def build_intervention(self, i: int, iv: F.InterventionFact) -> None:
        local = f"intervention-{i}"
        n = self.node(local)
        self.add(self.node("patient"), sko("receivedIntervention"), n)
        self.add(n, TYPE, sko("Intervention"))
        self.add(n, sko("interventionType"), self.term("intervention", iv.kind))
        for a in sorted(set(iv.agents)):
            self.add(n, sko("agent"), self.term("agent", a))
        for j, d in enumerate(iv.doses, 1):
            dn = self.node(f"{local}-dose-{j}")
            self.add(n, sko("hasAgentDose"), dn)
            self.add(dn, TYPE, sko("AgentDose"))
            self.add(dn, sko("agent"), self.term("agent", d.agent))
            self.add(dn, sko("doseValue"), decimal(d.value))
            self.add(dn, sko("doseUnit"), string(d.unit))
            self.evidence(f"{local}-dose-{j}", "doseValue", d)
        if iv.dose_gy is not None:
            self.add(n, sko("totalDoseGy"), decimal(iv.dose_gy))
        if iv.fractions is not None:
            self.add(n, sko("fractions"), integer(iv.fractions))
        if iv.cycles is not None:
            self.add(n, sko("cycles"), integer(iv.cycles))
        if iv.intent:
            self.add(n, sko("intent"), self.pick(INTENT, iv.intent, "intent"))
        if iv.months_after_diagnosis is not None:
            self.add(n, sko("monthsAfterDiagnosis"), decimal(iv.months_after_diagnosis))
        self.evidence(local, "interventionType", iv)

    def build_outcome(self, i: int, o: F.OutcomeFact) -> None:
        local = f"outcome-{i}"
        n = self.node(local)
        self.add(self.node("patient"), sko("hasOutcome"), n)
        self.add(n, TYPE, sko("OutcomeObservation"))
        self.add(n, sko("sequence"), integer(i))
        if o.status:
            self.add(n, sko("outcomeStatus"), self.term("outcome", o.status))
        if o.survival_measure:
            self.add(n, sko("survivalMeasure"), self.term("survival", o.survival_measure))
        if o.months is not None:
            self.add(n, sko("followUpMonths"), decimal(o.months))
        if o.since:
            self.add(n, sko("timeReference"), self.pick(SINCE, o.since, "time reference"))
        self.evidence(local, "outcomeStatus" if o.status else "followUpMonths", o)


def _merge(items: list, key) -> list:
    """One fact per key, spans pooled, first seen wins for the other fields."""
    out: dict = {}
    for it in items:
        k = key(it)
        if k in out:
            out[k].spans = sorted(set(out[k].spans) | set(it.spans))
            out[k].confidence = max(out[k].confidence, it.confidence)
            if getattr(it, "laterality", None) and not getattr(out[k], "laterality", None):
                out[k].laterality = it.laterality
        else:
            out[k] = _with_own_spans(it)
    return list(out.values())


def _with_own_spans(fact):
    """replace(fact, spans=list(fact.spans)), without its field-by-field __init__: a site's or level's
    fields are all init fields, with no __post_init__, so the copy of its attributes is the same fact."""
    new = object.__new__(type(fact))
    new.__dict__.update(fact.__dict__)
    new.spans = list(fact.spans)
    return new


def rank(subject: str, types: list[str]) -> int:
    if len(types) == 1:   # the usual case, quicker
        return RANK.get(types[0], 99)
    return min((RANK.get(t, 99) for t in types), default=99)


def report_index(facts: F.CaseFacts, terms: Terms) -> dict:
    """The report graph in plain terms (IRIs as str, literals as turtle.Lit), as the
    turtle.group_plain() index of its triples: what the writer and the checks use."""
    return GraphBuilder(facts, terms).build()


def report_plain(facts: F.CaseFacts, terms: Terms) -> list[tuple]:
    """The report graph's triples as plain terms."""
    return triples_of(report_index(facts, terms))


def triples_of(index: dict) -> list[tuple]:
    return [(s, p, o) for s, pos in index.items() for p, objs in pos.items() for o in objs]


def report_triples(facts: F.CaseFacts, terms: Terms) -> list[tuple]:
    """The report graph's triples as pyoxigraph terms."""
    return ox_triples(report_plain(facts, terms))


_SHARED_IRIS: dict[str, str] = {}   # ontology and vocabulary IRIs, abbreviated once for all reports


def report_writer(report_id: str) -> Writer:
    return Writer({"": report_ns(report_id), **PREFIXES}, shared=_SHARED_IRIS)


def report_turtle(facts: F.CaseFacts, terms: Terms, index: dict | None = None) -> str:
    """The report graph as Turtle (pass its report_index() when it is already built)."""
    index = report_index(facts, terms) if index is None else index
    status = "curated" if facts.curated else "machine-drafted"
    comment = (f"SarcoKG report graph of {facts.source_file} ({status}).\n"
               f"Written by sarcokg; evidence offsets refer to the source text with SHA-256 {facts.source_sha256}.")
    return report_writer(facts.report_id).plain_document(index, comment, rank)
