"""One GA4GH Phenopacket (schema v2) per case report, read from the store with SPARQL.

Built with the `phenopackets` package's protobuf classes and serialized with
protobuf's JSON mapping (camelCase field names, sorted keys, two-space indent),
so every file parses back into `Phenopacket` with `json_format.Parse`.

What goes where:
- Phenopacket.id: the report id. subject: Individual `<id>-patient` with sex,
  vital status and the age at the last follow-up (time_at_last_encounter).
- diseases: one Disease per tumour; term the tumour type as an NCIt class
  (else OncoTree, else the SarcoKG class), onset the age at presentation
  (ISO 8601 duration, P35Y), primary_site the non-metastatic site the report
  names first (the vertebra, when that site is the vertebral column and a
  primary vertebral level is known), with its laterality.
- phenotypic_features: each metastatic site or vertebral level as the
  ontology's "distant metastasis" class with the site as modifier; each
  outcome observation (sko:OutcomeObservation) as its status class, onset
  the patient's age at that follow-up, and a description with its order and
  its time since diagnosis or treatment.
- medical_actions, in the order of the report graph: radiotherapy with dose
  and fractions as RadiationTherapy (dosage in whole Gy: the schema's field is
  an integer; modality the radiotherapy kind, body_site the primary site);
  each drug as a Treatment (agent NCIt, else ChEBI, else DrugBank); a drug
  therapy without a named drug as a TherapeuticRegimen; anything else
  (surgery, biopsy, embolization, a radiotherapy without dose or fractions)
  as a Procedure, surgery with the primary site as body_site. Each has the
  disease as treatment_target and the intent where the report gives one.
- meta_data: the publication as ExternalReferences (PMID:..., DOI:...), a
  Resource for every ontology prefix used, created_by `SarcoKG <version>`.
  `created` is fixed so the output is byte-identical across runs: the time in
  SOURCE_DATE_EPOCH (the reproducible-builds convention) when that is set,
  else 1970-01-01T00:00:00Z. Versions of external ontologies are given as
  "unknown": the SarcoKG ontology records identifiers, not their releases.

Not carried (the RDF exports carry everything): grade, size, symptoms, drug
doses and cycles, further vertebral levels of the primary tumour, evidence.
"""
from __future__ import annotations

import os
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.model.namespaces import ONTOLOGY_IRI, PREFIXES, SKO, VERSION

SCHEMA_VERSION = "2.0"
DAYS_PER_MONTH = Decimal("30.4375")

RESOURCES = {
    "NCIT": ("ncit", "NCI Thesaurus", "http://purl.obolibrary.org/obo/ncit.owl", "http://purl.obolibrary.org/obo/NCIT_"),
    "UBERON": ("uberon", "Uber-anatomy ontology", "http://purl.obolibrary.org/obo/uberon.owl",
               "http://purl.obolibrary.org/obo/UBERON_"),
    "FMA": ("fma", "Foundational Model of Anatomy", "http://purl.obolibrary.org/obo/fma.owl",
            "http://purl.obolibrary.org/obo/FMA_"),
    "MAXO": ("maxo", "Medical Action Ontology", "http://purl.obolibrary.org/obo/maxo.owl",
             "http://purl.obolibrary.org/obo/MAXO_"),
    "CHEBI": ("chebi", "Chemical Entities of Biological Interest", "http://purl.obolibrary.org/obo/chebi.owl",
              "http://purl.obolibrary.org/obo/CHEBI_"),
    "DRUGBANK": ("drugbank", "DrugBank", "https://go.drugbank.com", "https://go.drugbank.com/drugs/"),
    "ONCOTREE": ("oncotree", "OncoTree", "https://oncotree.mskcc.org",
                 "https://oncotree.mskcc.org/?version=oncotree_latest_stable&field=CODE&search="),
    "SKO": ("sko", "SarcoKG ontology", ONTOLOGY_IRI, SKO),
}
PREFERRED = {
    "tumour": ("NCIT", "ONCOTREE"),
    "site": ("UBERON", "NCIT", "FMA"),
    "intervention": ("NCIT", "MAXO"),
    "agent": ("NCIT", "CHEBI", "DRUGBANK"),
    "status": ("NCIT",),
    "other": ("NCIT",),
}

Q_TERMS = """
SELECT ?c ?label ?xref ?oncotree WHERE {
  GRAPH <%s> {
    { ?c rdfs:label ?label } UNION { ?c oboInOwl:hasDbXref ?xref } UNION { ?c sko:oncotreeCode ?oncotree }
  }
}""" % ONTOLOGY_IRI

Q_KINDS = """
SELECT ?c ?kind WHERE {
  VALUES ?kind { sko:Radiotherapy sko:Surgery sko:Chemotherapy sko:TargetedTherapy sko:Immunotherapy sko:HormonalTherapy }
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


def _natural(iri: str) -> list:
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", iri)]


def _v(term) -> str | None:
    return None if term is None else term.value


def duration(months: Decimal) -> str:
    """ISO 8601 duration of a number of months: 420 -> P35Y, 428.5 -> P35Y8M15D."""
    whole = int(months)
    days = int(((months - whole) * DAYS_PER_MONTH).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    y, m = divmod(whole, 12)
    out = "P" + (f"{y}Y" if y else "") + (f"{m}M" if m else "") + (f"{days}D" if days else "")
    return out if out != "P" else "P0D"


class Terms:
    """Labels and external identifiers of the ontology's classes."""

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
        self.kinds: dict[str, set] = defaultdict(set)
        for s in _query(store, Q_KINDS):
            self.kinds[s["c"].value].add(s["kind"].value[len(SKO):])
        self.used: set[str] = set()

    def oc(self, iri: str, axis: str = "other"):
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


def _query(store: ox.Store, text: str):
    return store.query(text, use_default_graph_as_union=True, prefixes=dict(PREFIXES))


def created_timestamp():
    from google.protobuf.timestamp_pb2 import Timestamp
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        seconds = int(raw) if raw else 0
    except ValueError:
        raise InputError(f"SOURCE_DATE_EPOCH={raw!r}: not a whole number of seconds") from None
    return Timestamp(seconds=seconds)


def build(store: ox.Store) -> dict[str, object]:
    """Report id -> Phenopacket message, for every report in the store."""
    from phenopackets import (
        Age,
        Disease,
        ExternalReference,
        Individual,
        MedicalAction,
        MetaData,
        Phenopacket,
        PhenotypicFeature,
        Procedure,
        RadiationTherapy,
        Resource,
        Sex,
        TherapeuticRegimen,
        TimeElement,
        Treatment,
        VitalStatus,
    )
    terms = Terms(store)
    tumours, sites, levels = defaultdict(list), defaultdict(list), defaultdict(list)
    interventions, agents, outcomes = defaultdict(list), defaultdict(list), defaultdict(list)
    for s in _query(store, Q_TUMOURS):
        tumours[s["p"].value].append((s["t"].value, _v(s["type"])))
    for s in _query(store, Q_SITES):
        first = int(s["first"].value) if s["first"] is not None else 1 << 60
        sites[s["t"].value].append((first, s["inv"].value, s["site"].value, _v(s["metastatic"]) == "true",
                                    _v(s["laterality"])))
    for s in _query(store, Q_LEVELS):
        order = int(s["order"].value) if s["order"] is not None else 99
        levels[s["t"].value].append((order, s["v"].value, _v(s["metastatic"]) == "true"))
    for s in _query(store, Q_INTERVENTIONS):
        interventions[s["p"].value].append({k: _v(s[k]) for k in ("iv", "type", "dose", "fx", "intent", "when")})
    for s in _query(store, Q_AGENTS):
        agents[s["iv"].value].append(s["agent"].value)
    for s in _query(store, Q_OUTCOMES):
        outcomes[s["p"].value].append({k: _v(s[k]) for k in ("o", "seq", "status", "months", "ref", "measure")})
    metastasis = SKO + "DistantMetastasis"

    out = {}
    for s in _query(store, Q_REPORTS):
        rid, p = s["rid"].value, s["p"].value
        terms.used = set()
        age = int(s["age"].value) if s["age"] is not None else None

        def at(months: str | None):
            if age is None or months is None:
                return None
            return TimeElement(age=Age(iso8601duration=duration(Decimal(age * 12) + Decimal(months))))

        sex = {SKO + "Male": Sex.Value("MALE"), SKO + "Female": Sex.Value("FEMALE")}.get(_v(s["sex"]),
                                                                                           Sex.Value("UNKNOWN_SEX"))
        subject = Individual(id=f"{rid}-patient", sex=sex)
        diseases, features, actions = [], [], []
        primary_site = None
        for t, ttype in sorted(tumours[p], key=lambda x: _natural(x[0])):
            if ttype is None:
                continue
            disease = Disease(term=terms.oc(ttype, "tumour"))
            if age is not None:
                disease.onset.CopyFrom(TimeElement(age=Age(iso8601duration=duration(Decimal(age * 12)))))
            primaries = sorted((x for x in sites[t] if not x[3]), key=lambda x: (x[0], _natural(x[1])))
            vertebrae = sorted((x for x in levels[t] if not x[2]), key=lambda x: (x[0], x[1]))
            if primaries:
                _, _, site, _, laterality = primaries[0]
                if site == SKO + "VertebralColumn" and vertebrae:
                    site = vertebrae[0][1]
                disease.primary_site.CopyFrom(terms.oc(site, "site"))
                if laterality:
                    disease.laterality.CopyFrom(terms.oc(laterality))
            elif vertebrae:
                disease.primary_site.CopyFrom(terms.oc(vertebrae[0][1], "site"))
            if primary_site is None and disease.HasField("primary_site"):
                primary_site = disease.primary_site
            diseases.append(disease)
            spread = sorted({x[2] for x in sites[t] if x[3]} | {x[1] for x in levels[t] if x[2]},
                            key=_natural)
            for site in spread:
                features.append(PhenotypicFeature(type=terms.oc(metastasis, "status"),
                                                  modifiers=[terms.oc(site, "site")],
                                                  description=f"metastatic site: {terms.label.get(site, site)}"))
        target = diseases[0].term if diseases else None

        for iv in sorted(interventions[p], key=lambda x: (_natural(x["iv"]))):
            kind = terms.kinds.get(iv["type"] or "", set())
            common = {}
            if target is not None:
                common["treatment_target"] = target
            if iv["intent"]:
                common["treatment_intent"] = terms.oc(iv["intent"])
            itype = terms.oc(iv["type"], "intervention") if iv["type"] else None
            if "Radiotherapy" in kind and iv["dose"] and iv["fx"] and primary_site is not None:
                dose = int(Decimal(iv["dose"]).quantize(Decimal(1), rounding=ROUND_HALF_UP))
                actions.append(MedicalAction(radiation_therapy=RadiationTherapy(
                    modality=itype, body_site=primary_site, dosage=dose, fractions=int(iv["fx"])), **common))
            elif agents.get(iv["iv"]):
                for a in sorted(agents[iv["iv"]], key=_natural):
                    actions.append(MedicalAction(treatment=Treatment(agent=terms.oc(a, "agent")), **common))
            elif kind & {"Chemotherapy", "TargetedTherapy", "Immunotherapy", "HormonalTherapy"} and itype:
                actions.append(MedicalAction(therapeutic_regimen=TherapeuticRegimen(ontology_class=itype),
                                             **common))
            elif itype is not None:
                proc = Procedure(code=itype)
                if "Surgery" in kind and primary_site is not None:
                    proc.body_site.CopyFrom(primary_site)
                when = at(iv["when"])
                if when is not None:
                    proc.performed.CopyFrom(when)
                actions.append(MedicalAction(procedure=proc, **common))

        obs = sorted(outcomes[p], key=lambda x: (int(x["seq"] or 0), _natural(x["o"])))
        last_months = None
        dead = None
        for o in obs:
            if o["status"] is None:
                continue
            since = {SKO + "SinceTreatment": "since treatment", SKO + "SinceDiagnosis": "since diagnosis"}.get(
                o["ref"] or "", "")
            text = f"outcome {o['seq'] or '?'}: {terms.label.get(o['status'], o['status'])}"
            if o["months"] is not None:
                text += f" at {Decimal(o['months']).normalize():f} months" + (f" {since}" if since else "")
            if o["measure"]:
                text += f" ({terms.label.get(o['measure'], o['measure'])})"
            feature = PhenotypicFeature(type=terms.oc(o["status"], "status"), description=text)
            when = at(o["months"])
            if when is not None:
                feature.onset.CopyFrom(when)
            features.append(feature)
            if o["months"] is not None and o["ref"] != SKO + "SinceTreatment":
                last_months = max(last_months or Decimal(0), Decimal(o["months"]))
            if o["status"] == SKO + "Death":
                dead = o
        if obs:
            status = VitalStatus(status=VitalStatus.DECEASED if dead else VitalStatus.ALIVE)
            if dead is not None and at(dead["months"]) is not None:
                status.time_of_death.CopyFrom(at(dead["months"]))
            if last_months is not None:
                status.survival_time_in_days = int((last_months * DAYS_PER_MONTH).quantize(
                    Decimal(1), rounding=ROUND_HALF_UP))
            subject.vital_status.CopyFrom(status)
            months = [Decimal(o["months"]) for o in obs if o["months"] is not None]
            if months and age is not None:
                subject.time_at_last_encounter.CopyFrom(at(str(max(months))))

        refs = []
        if s["pmid"] is not None:
            refs.append(ExternalReference(id=f"PMID:{s['pmid'].value}",
                                          reference=f"https://pubmed.ncbi.nlm.nih.gov/{s['pmid'].value}/",
                                          description=_v(s["title"]) or ""))
        if s["doi"] is not None:
            refs.append(ExternalReference(id=f"DOI:{s['doi'].value}", reference=f"https://doi.org/{s['doi'].value}",
                                          description=_v(s["title"]) or ""))
        version = VERSION
        resources = [Resource(id=RESOURCES[k][0], name=RESOURCES[k][1], url=RESOURCES[k][2],
                              version=version if k == "SKO" else "unknown", namespace_prefix=k,
                              iri_prefix=RESOURCES[k][3]) for k in sorted(terms.used)]
        meta = MetaData(created=created_timestamp(), created_by=f"SarcoKG {VERSION}",
                        phenopacket_schema_version=SCHEMA_VERSION, resources=resources, external_references=refs)
        out[rid] = Phenopacket(id=rid, subject=subject, phenotypic_features=features, diseases=diseases,
                               medical_actions=actions, meta_data=meta)
    return dict(sorted(out.items()))


def to_json(message) -> str:
    from google.protobuf import json_format
    return json_format.MessageToJson(message, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


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
