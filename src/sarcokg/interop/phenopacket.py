"""One GA4GH Phenopacket (schema v2) per case report, read from the store with SPARQL.

Built with the `phenopackets` package's protobuf classes and serialized with
protobuf's JSON mapping (camelCase field names, sorted keys, two-space indent),
so every file parses back into `Phenopacket` with `json_format.Parse`.

Terms: every class is given by its public identifier where the ontology has a
cross-reference (NCIt, UBERON, FMA, MAxO, ChEBI, DrugBank, OncoTree from
../shared/vocab; HPO laterality, NCIt treatment intents, drugs and a few
procedures from ontology/xrefs-verified.tsv, each read at its public source),
else as `SKO:<name>`: the terms no public source was found for (curative and
salvage intent, en bloc resection, spondylectomy, sacrectomy, spinal fusion,
posterior stabilization, decompression, endoprosthesis, intralesional
excision, local recurrence, paraspinal muscle, a few drugs; docs/stores.md
lists them).

What goes where:
- Phenopacket.id: the report id. subject: Individual `<id>-patient` with sex,
  vital status (alive or deceased, the time of death, the survival time) and
  the age at the last follow-up (time_at_last_encounter).
- diseases: one Disease per tumour; term the tumour type (NCIt, else OncoTree,
  else SKO), onset the age at presentation (ISO 8601 duration, P35Y),
  primary_site the non-metastatic site the report names first (the vertebra,
  when that site is the vertebral column and a primary vertebral level is
  known), with its laterality (HPO Left, Right, Bilateral). The disease
  status over time: `resolution` is the first known time of no evidence of
  disease (or complete response); a recurrence or progression after that opens
  a further Disease of the same type, onset its time, disease_stage the status
  observed. Times are ages, so only observations counted since diagnosis give
  them.
- phenotypic_features: each metastatic site or vertebral level at
  presentation as the "distant metastasis" class with the site as modifier.
- medical_actions, in the order of the report graph: a radiotherapy with a
  known dose as RadiationTherapy (modality the radiotherapy kind, body_site the
  primary site, dosage in whole Gy: the schema's field is an integer;
  fractions; both are required by the schema, so a dose without fractions or
  without a primary site stays a Procedure); each drug as a Treatment (agent
  NCIt, else ChEBI, else DrugBank, else SKO); a drug therapy without a named
  drug as a TherapeuticRegimen; anything else (surgery, biopsy, embolization, a
  radiotherapy without dose) as a Procedure with the primary site as body_site
  and the time when known. Each has the disease as treatment_target and the
  intent where the report gives one. Response to treatment: the first outcome
  status (response, no evidence of disease, progression, recurrence) after an
  action is its response_to_treatment: the action is the last one given before
  the observation (by months since diagnosis where every action's time is
  known, else the last action of the report); a later progression or
  recurrence is the treatment_termination_reason of a drug or radiation
  therapy (a procedure is not terminated).
- meta_data: the publication as ExternalReferences (PMID:..., DOI:...), a
  Resource for every prefix used, with its version from
  ontology/resources.tsv (the releases ../shared/vocab read the identifiers
  from) or, for SKO, the ontology's version; created_by `SarcoKG <version>`.
  `created` is fixed so the output is byte-identical across runs: the time in
  SOURCE_DATE_EPOCH (the reproducible-builds convention) when that is set,
  else 1970-01-01T00:00:00Z.

Not carried (the RDF exports carry everything): grade, size, symptoms, drug
doses and cycles, further vertebral levels of the primary tumour, outcome
observations that follow no treatment and change no disease status, evidence.
"""
from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.model.namespaces import ONTOLOGY_IRI, PREFIXES, SKO, VERSION

SCHEMA_VERSION = "2.0"
DAYS_PER_MONTH = Decimal("30.4375")
RESOURCES_FILE = "resources.tsv"
NO_ORDER = 1 << 60

PREFERRED = {
    "tumour": ("NCIT", "ONCOTREE"),
    "site": ("UBERON", "NCIT", "FMA"),
    "intervention": ("NCIT", "MAXO"),
    "agent": ("NCIT", "CHEBI", "DRUGBANK"),
    "status": ("NCIT",),
    "intent": ("NCIT",),
    "laterality": ("HP",),
    "other": ("NCIT",),
}
THERAPY_KINDS = {"Chemotherapy", "TargetedTherapy", "Immunotherapy", "HormonalTherapy"}
RESOLVED, WORSE = "NoEvidenceOfDisease", {"Recurrence", "ProgressiveDisease"}
RESPONSE_KINDS = {RESOLVED, "PartialResponse", "StableDisease", *WORSE}

Q_TERMS = f"""
SELECT ?c ?label ?xref ?oncotree WHERE {{
  GRAPH <{ONTOLOGY_IRI}> {{
    {{ ?c rdfs:label ?label }} UNION {{ ?c oboInOwl:hasDbXref ?xref }} UNION {{ ?c sko:oncotreeCode ?oncotree }}
  }}
}}"""

Q_KINDS = """
SELECT ?c ?kind WHERE {
  VALUES ?kind { sko:Radiotherapy sko:Surgery sko:Chemotherapy sko:TargetedTherapy sko:Immunotherapy
                 sko:HormonalTherapy sko:NoEvidenceOfDisease sko:PartialResponse sko:StableDisease
                 sko:ProgressiveDisease sko:Recurrence sko:Death }
  ?c rdfs:subClassOf* ?kind .
}"""

Q_REPORTS = """
SELECT ?r ?rid ?p ?pmid ?doi ?title ?year ?age ?sex WHERE {
  ?r a sko:CaseReport ; sko:reportId ?rid ; sko:describesPatient ?p .
  OPTIONAL { ?r sko:pmid ?pmid } OPTIONAL { ?r sko:doi ?doi } OPTIONAL { ?r sko:title ?title }
  OPTIONAL { ?r sko:publicationYear ?year } OPTIONAL { ?p sko:ageYears ?age } OPTIONAL { ?p sko:sex ?sex }
}"""

Q_TUMOURS = "SELECT ?p ?t ?type WHERE { ?p sko:hasTumour ?t . OPTIONAL { ?t sko:tumourType ?type } }"

Q_SITES = """
SELECT ?t ?inv ?site ?metastatic ?laterality (MIN(?start) AS ?first) WHERE {
  ?t sko:hasSiteInvolvement ?inv . ?inv sko:site ?site .
  OPTIONAL { ?inv sko:metastatic ?metastatic } OPTIONAL { ?inv sko:laterality ?laterality }
  OPTIONAL { ?ev sko:evidenceFor ?inv ; oa:start ?start }
} GROUP BY ?t ?inv ?site ?metastatic ?laterality"""

Q_LEVELS = """
SELECT ?t ?level ?v ?metastatic ?order WHERE {
  ?t sko:hasVertebralLevel ?level . ?level sko:vertebra ?v .
  OPTIONAL { ?level sko:metastatic ?metastatic } OPTIONAL { ?v sko:spineOrder ?order }
}"""

Q_INTERVENTIONS = """
SELECT ?p ?iv ?type ?dose ?fx ?intent ?when WHERE {
  ?p sko:receivedIntervention ?iv .
  OPTIONAL { ?iv sko:interventionType ?type } OPTIONAL { ?iv sko:totalDoseGy ?dose }
  OPTIONAL { ?iv sko:fractions ?fx } OPTIONAL { ?iv sko:intent ?intent }
  OPTIONAL { ?iv sko:monthsAfterDiagnosis ?when }
}"""

Q_AGENTS = "SELECT ?iv ?agent WHERE { ?p sko:receivedIntervention ?iv . ?iv sko:agent ?agent }"

Q_OUTCOMES = """
SELECT ?p ?o ?seq ?status ?months ?ref ?measure WHERE {
  ?p sko:hasOutcome ?o .
  OPTIONAL { ?o sko:sequence ?seq } OPTIONAL { ?o sko:outcomeStatus ?status }
  OPTIONAL { ?o sko:followUpMonths ?months } OPTIONAL { ?o sko:timeReference ?ref }
  OPTIONAL { ?o sko:survivalMeasure ?measure }
}"""


def _natural(iri: str) -> list[Any]:
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", iri)]


def _v(term: Any) -> str | None:
    return None if term is None else str(term.value)


def _query(store: ox.Store, text: str) -> Any:
    return store.query(text, use_default_graph_as_union=True, prefixes=dict(PREFIXES))


def duration(months: Decimal) -> str:
    """ISO 8601 duration of a number of months: 420 -> P35Y, 428.5 -> P35Y8M15D."""
    whole = int(months)
    days = int(((months - whole) * DAYS_PER_MONTH).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    y, m = divmod(whole, 12)
    out = "P" + (f"{y}Y" if y else "") + (f"{m}M" if m else "") + (f"{days}D" if days else "")
    return out if out != "P" else "P0D"


@dataclass(frozen=True)
class ResourceRow:
    prefix: str
    id: str
    name: str
    url: str
    iri_prefix: str
    version: str


def load_resources(path: Path | None = None) -> dict[str, ResourceRow]:
    """Prefix -> resource, from ontology/resources.tsv, plus SKO (this ontology, at its version)."""
    if path is None:
        from sarcokg.common.resources import ontology_dir
        path = ontology_dir() / RESOURCES_FILE
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    out = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        if not all(row.get(k) for k in ("prefix", "id", "name", "url", "iri_prefix", "version")):
            raise InputError(f"{path}: resource {row.get('prefix')!r} lacks a field (all but note are required)")
        out[row["prefix"]] = ResourceRow(row["prefix"], row["id"], row["name"], row["url"], row["iri_prefix"],
                                         row["version"])
    out["SKO"] = ResourceRow("SKO", "sko", "SarcoKG ontology", ONTOLOGY_IRI, SKO, VERSION)
    return out


class Terms:
    """Labels, external identifiers and kinds of the ontology's classes."""

    def __init__(self, store: ox.Store):
        self.label: dict[str, str] = {}
        self.xrefs: dict[str, dict[str, str]] = defaultdict(dict)
        for s in _query(store, Q_TERMS):
            c = s["c"].value
            if s["label"] is not None:
                self.label.setdefault(c, s["label"].value)
            if s["xref"] is not None and ":" in s["xref"].value:
                prefix, local = s["xref"].value.split(":", 1)
                prev = self.xrefs[c].get(prefix.upper())
                if prev is None or local < prev:
                    self.xrefs[c][prefix.upper()] = local
            if s["oncotree"] is not None:
                self.xrefs[c].setdefault("ONCOTREE", s["oncotree"].value)
        self.kinds: dict[str, set[str]] = defaultdict(set)
        for s in _query(store, Q_KINDS):
            self.kinds[s["c"].value].add(s["kind"].value[len(SKO):])
        self.used: set[str] = set()

    def oc(self, iri: str, axis: str = "other") -> Any:
        from phenopackets import OntologyClass
        for prefix in PREFERRED[axis]:
            if prefix in self.xrefs.get(iri, {}):
                curie = f"{prefix}:{self.xrefs[iri][prefix]}"
                break
        else:
            prefix = "SKO"
            curie = "SKO:" + iri[len(SKO):] if iri.startswith(SKO) else iri
        self.used.add(prefix)
        return OntologyClass(id=curie, label=self.label.get(iri, iri.rsplit("#", 1)[-1]))

    def kind(self, iri: str | None) -> set[str]:
        return self.kinds.get(iri or "", set())


@dataclass
class Facts:
    """What the store says of every patient, keyed by patient or tumour IRI."""

    tumours: dict[str, list[tuple[str, str | None]]] = field(default_factory=lambda: defaultdict(list))
    sites: dict[str, list[tuple[int, str, str, bool, str | None]]] = field(default_factory=lambda: defaultdict(list))
    levels: dict[str, list[tuple[int, str, bool]]] = field(default_factory=lambda: defaultdict(list))
    interventions: dict[str, list[dict[str, str | None]]] = field(default_factory=lambda: defaultdict(list))
    agents: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    outcomes: dict[str, list[dict[str, str | None]]] = field(default_factory=lambda: defaultdict(list))


def read_facts(store: ox.Store) -> Facts:
    f = Facts()
    for s in _query(store, Q_TUMOURS):
        f.tumours[s["p"].value].append((s["t"].value, _v(s["type"])))
    for s in _query(store, Q_SITES):
        first = int(s["first"].value) if s["first"] is not None else NO_ORDER
        f.sites[s["t"].value].append((first, s["inv"].value, s["site"].value, _v(s["metastatic"]) == "true",
                                      _v(s["laterality"])))
    for s in _query(store, Q_LEVELS):
        order = int(s["order"].value) if s["order"] is not None else 99
        f.levels[s["t"].value].append((order, s["v"].value, _v(s["metastatic"]) == "true"))
    for s in _query(store, Q_INTERVENTIONS):
        f.interventions[s["p"].value].append({k: _v(s[k]) for k in ("iv", "type", "dose", "fx", "intent", "when")})
    for s in _query(store, Q_AGENTS):
        f.agents[s["iv"].value].append(s["agent"].value)
    for s in _query(store, Q_OUTCOMES):
        f.outcomes[s["p"].value].append({k: _v(s[k]) for k in ("o", "seq", "status", "months", "ref", "measure")})
    return f


class Case:
    """Builds one report's Phenopacket."""

    def __init__(self, terms: Terms, facts: Facts, row: Any):
        self.terms, self.facts, self.row = terms, facts, row
        self.rid, self.patient = row["rid"].value, row["p"].value
        self.age = int(row["age"].value) if row["age"] is not None else None
        self.primary_site: Any = None
        self.timed_actions: list[tuple[Decimal | None, Any]] = []

    def at(self, months: str | Decimal | None) -> Any:
        """The patient's age this many months after presentation, as a TimeElement."""
        from phenopackets import Age, TimeElement
        if self.age is None or months is None:
            return None
        return TimeElement(age=Age(iso8601duration=duration(Decimal(self.age * 12) + Decimal(months))))

    def build(self) -> Any:
        from phenopackets import Individual, Phenopacket, Sex
        sex = {SKO + "Male": Sex.Value("MALE"), SKO + "Female": Sex.Value("FEMALE")}.get(
            _v(self.row["sex"]) or "", Sex.Value("UNKNOWN_SEX"))
        subject = Individual(id=f"{self.rid}-patient", sex=sex)
        diseases, features = self.diseases()
        actions = self.actions(diseases[0].term if diseases else None)
        observations = self.observations()
        self.responses(observations)
        diseases = self.disease_course(diseases, observations)
        self.vital_status(subject, observations)
        return Phenopacket(id=self.rid, subject=subject, phenotypic_features=features, diseases=diseases,
                           medical_actions=actions, meta_data=self.meta())

    # -- diseases and their sites ------------------------------------------------

    def diseases(self) -> tuple[list[Any], list[Any]]:
        diseases, features = [], []
        for t, ttype in sorted(self.facts.tumours[self.patient], key=lambda x: _natural(x[0])):
            if ttype is None:
                continue
            disease = self.disease(t, ttype)
            if self.primary_site is None and disease.HasField("primary_site"):
                self.primary_site = disease.primary_site
            diseases.append(disease)
            features.extend(self.metastases(t))
        return diseases, features

    def disease(self, t: str, ttype: str) -> Any:
        from phenopackets import Disease
        disease = Disease(term=self.terms.oc(ttype, "tumour"))
        onset = self.at("0")
        if onset is not None:
            disease.onset.CopyFrom(onset)
        primaries = sorted((x for x in self.facts.sites[t] if not x[3]), key=lambda x: (x[0], _natural(x[1])))
        vertebrae = sorted((x for x in self.facts.levels[t] if not x[2]), key=lambda x: (x[0], x[1]))
        if primaries:
            _, _, site, _, laterality = primaries[0]
            if site == SKO + "VertebralColumn" and vertebrae:
                site = vertebrae[0][1]
            disease.primary_site.CopyFrom(self.terms.oc(site, "site"))
            if laterality:
                disease.laterality.CopyFrom(self.terms.oc(laterality, "laterality"))
        elif vertebrae:
            disease.primary_site.CopyFrom(self.terms.oc(vertebrae[0][1], "site"))
        return disease

    def metastases(self, t: str) -> list[Any]:
        from phenopackets import PhenotypicFeature
        spread = sorted({x[2] for x in self.facts.sites[t] if x[3]} | {x[1] for x in self.facts.levels[t] if x[2]},
                        key=_natural)
        return [PhenotypicFeature(type=self.terms.oc(SKO + "DistantMetastasis", "status"),
                                  modifiers=[self.terms.oc(site, "site")],
                                  description=f"metastatic site: {self.terms.label.get(site, site)}")
                for site in spread]

    # -- medical actions -----------------------------------------------------------

    def actions(self, target: Any) -> list[Any]:
        out = []
        for iv in sorted(self.facts.interventions[self.patient], key=lambda x: _natural(x["iv"] or "")):
            common = {}
            if target is not None:
                common["treatment_target"] = target
            if iv["intent"]:
                common["treatment_intent"] = self.terms.oc(iv["intent"], "intent")
            when = Decimal(iv["when"]) if iv["when"] is not None else None
            for action in self.action(iv, common):
                out.append(action)
                self.timed_actions.append((when, action))
        return out

    def action(self, iv: dict[str, str | None], common: dict[str, Any]) -> list[Any]:
        from phenopackets import MedicalAction, RadiationTherapy, TherapeuticRegimen, Treatment
        kind = self.terms.kind(iv["type"])
        itype = self.terms.oc(iv["type"], "intervention") if iv["type"] else None
        agents = self.facts.agents.get(iv["iv"] or "")
        if "Radiotherapy" in kind and iv["dose"] and iv["fx"] and self.primary_site is not None:
            dose = int(Decimal(iv["dose"]).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            return [MedicalAction(radiation_therapy=RadiationTherapy(
                modality=itype, body_site=self.primary_site, dosage=dose, fractions=int(iv["fx"])), **common)]
        if agents:
            return [MedicalAction(treatment=Treatment(agent=self.terms.oc(a, "agent")), **common)
                    for a in sorted(agents, key=_natural)]
        if kind & THERAPY_KINDS and itype is not None:
            return [MedicalAction(therapeutic_regimen=TherapeuticRegimen(ontology_class=itype), **common)]
        if itype is None:
            return []
        return [MedicalAction(procedure=self.procedure(itype, iv["when"]), **common)]

    def procedure(self, code: Any, when: str | None) -> Any:
        from phenopackets import Procedure
        proc = Procedure(code=code)
        if self.primary_site is not None:
            proc.body_site.CopyFrom(self.primary_site)
        performed = self.at(when)
        if performed is not None:
            proc.performed.CopyFrom(performed)
        return proc

    # -- outcomes: response, disease course, vital status ----------------------------

    def observations(self) -> list[dict[str, str | None]]:
        return sorted((o for o in self.facts.outcomes[self.patient] if o["status"] is not None),
                      key=lambda x: (int(x["seq"] or 0), _natural(x["o"] or "")))

    def _action_before(self, o: dict[str, str | None]) -> Any:
        """The last action given before this observation: by months since diagnosis where
        both are known, else the last action of the report."""
        if not self.timed_actions:
            return None
        if o["months"] is not None and o["ref"] == SKO + "SinceDiagnosis":
            months = Decimal(o["months"])
            before = [a for when, a in self.timed_actions if when is not None and when <= months]
            if before and all(when is not None for when, _ in self.timed_actions):
                return before[-1]
        return self.timed_actions[-1][1]

    def responses(self, observations: list[dict[str, str | None]]) -> None:
        for o in observations:
            kind = self.terms.kind(o["status"])
            if not kind & RESPONSE_KINDS:
                continue
            action = self._action_before(o)
            if action is None:
                continue
            status = self.terms.oc(o["status"] or "", "status")
            if not action.HasField("response_to_treatment"):
                action.response_to_treatment.CopyFrom(status)
            elif kind & WORSE and not action.HasField("procedure") \
                    and not action.HasField("treatment_termination_reason"):
                action.treatment_termination_reason.CopyFrom(status)

    def disease_course(self, diseases: list[Any], observations: list[dict[str, str | None]]) -> list[Any]:
        """The first tumour's status over time: resolved at no evidence of disease; a
        recurrence or progression after that is a further Disease with its onset."""
        from phenopackets import Disease
        if not diseases:
            return diseases
        course, resolved = [diseases[0]], False
        for o in observations:
            kind = self.terms.kind(o["status"])
            when = self.at(o["months"]) if o["ref"] == SKO + "SinceDiagnosis" else None
            current = course[-1]
            if RESOLVED in kind:
                resolved = True
                if when is not None and not current.HasField("resolution"):
                    current.resolution.CopyFrom(when)
            elif kind & WORSE and resolved:
                resolved = False
                again = Disease(term=current.term, disease_stage=[self.terms.oc(o["status"] or "", "status")])
                for name in ("primary_site", "laterality"):
                    if current.HasField(name):
                        getattr(again, name).CopyFrom(getattr(current, name))
                if when is not None:
                    again.onset.CopyFrom(when)
                course.append(again)
        return course + diseases[1:]

    def vital_status(self, subject: Any, observations: list[dict[str, str | None]]) -> None:
        from phenopackets import VitalStatus
        if not observations:
            return
        dead = next((o for o in observations if "Death" in self.terms.kind(o["status"])), None)
        status = VitalStatus(status=VitalStatus.DECEASED if dead else VitalStatus.ALIVE)
        if dead is not None and self.at(dead["months"]) is not None:
            status.time_of_death.CopyFrom(self.at(dead["months"]))
        since_diagnosis = [Decimal(o["months"]) for o in observations
                           if o["months"] is not None and o["ref"] != SKO + "SinceTreatment"]
        if since_diagnosis:
            status.survival_time_in_days = int((max(since_diagnosis) * DAYS_PER_MONTH).quantize(
                Decimal(1), rounding=ROUND_HALF_UP))
        subject.vital_status.CopyFrom(status)
        months = [Decimal(o["months"]) for o in observations if o["months"] is not None]
        if months and self.age is not None:
            subject.time_at_last_encounter.CopyFrom(self.at(max(months)))

    # -- meta data --------------------------------------------------------------------

    def references(self) -> list[Any]:
        from phenopackets import ExternalReference
        title = _v(self.row["title"]) or ""
        refs = []
        if self.row["pmid"] is not None:
            pmid = self.row["pmid"].value
            refs.append(ExternalReference(id=f"PMID:{pmid}", reference=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
                                          description=title))
        if self.row["doi"] is not None:
            doi = self.row["doi"].value
            refs.append(ExternalReference(id=f"DOI:{doi}", reference=f"https://doi.org/{doi}", description=title))
        return refs

    def meta(self) -> Any:
        from phenopackets import MetaData, Resource
        known = load_resources_cached()
        missing = sorted(self.terms.used - set(known))
        if missing:
            raise InputError(f"ontology/{RESOURCES_FILE}: no resource for the prefix {missing[0]} "
                             f"(used in report {self.rid})")
        resources = [Resource(id=r.id, name=r.name, url=r.url, version=r.version, namespace_prefix=r.prefix,
                              iri_prefix=r.iri_prefix) for r in (known[k] for k in sorted(self.terms.used))]
        return MetaData(created=created_timestamp(), created_by=f"SarcoKG {VERSION}",
                        phenopacket_schema_version=SCHEMA_VERSION, resources=resources,
                        external_references=self.references())


_RESOURCES: dict[str, ResourceRow] = {}


def load_resources_cached() -> dict[str, ResourceRow]:
    if not _RESOURCES:
        _RESOURCES.update(load_resources())
    return _RESOURCES


def created_timestamp() -> Any:
    from google.protobuf.timestamp_pb2 import Timestamp
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        seconds = int(raw) if raw else 0
    except ValueError:
        raise InputError(f"SOURCE_DATE_EPOCH={raw!r}: not a whole number of seconds") from None
    return Timestamp(seconds=seconds)


def build(store: ox.Store) -> dict[str, Any]:
    """Report id -> Phenopacket message, for every report in the store."""
    terms = Terms(store)
    facts = read_facts(store)
    out = {}
    for row in _query(store, Q_REPORTS):
        terms.used = set()
        case = Case(terms, facts, row)
        out[case.rid] = case.build()
    return dict(sorted(out.items()))


def to_json(message: Any) -> str:
    from google.protobuf import json_format
    return str(json_format.MessageToJson(message, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"


def export_phenopackets(kg: Path, output: Path | None) -> int:
    """Write <report id>.json for every report into the folder output; the number written.

    Every message is built before the first file is written, and each file is
    written atomically."""
    from sarcokg.common.files import atomic_write
    from sarcokg.store.kgstore import load
    if output is None:
        raise InputError("--format phenopacket writes one file per report: give the folder with -o DIR")
    if output.exists() and not output.is_dir():
        raise InputError(f"{output}: not a folder (phenopackets are written as DIR/<report id>.json)")
    kgraph = load(kg)
    from sarcokg.validate.reportgraph import first_broken
    broken = first_broken(kgraph.store, [Path(f).name for f in kgraph.reports])
    if broken is not None:   # its case would be left out, or merged into another: say so, write nothing
        name, message, n = broken
        more = f" (and {n - 1} other file{'s' if n > 2 else ''}; see sarcokg validate)" if n > 1 else ""
        raise InputError(f"{kg / name}: {message}{more}; no phenopacket written")
    packets = build(kgraph.store)
    try:
        output.mkdir(exist_ok=True)
    except OSError as e:
        raise InputError(f"{output}: cannot create this folder ({e.strerror})") from None
    for rid, packet in packets.items():
        atomic_write(output / f"{rid}.json", to_json(packet))
    return len(packets)
