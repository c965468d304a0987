"""Every field of the case model (model/facts.py) reaches the RDF writer, the
SHACL shapes, the ontology and the JSON-LD context, so a half-added slot fails.

FIELDS maps each field to the property the writer gives it. A new field in
facts.py that is not listed here fails the first test; a listed property that
the writer does not emit, that no shape constrains, that the ontology does not
declare, or that the published context lacks fails the others.
"""
from __future__ import annotations

import dataclasses
import json
import typing

import pytest

from sarcokg.model import facts as F
from sarcokg.model.namespaces import SKO
from sarcokg.model.rdf import report_triples
from sarcokg.model.terms import load_terms

from .conftest import ROOT

FIELDS = {
    "CaseFacts.report_id": "reportId", "CaseFacts.source_file": "sourceFile",
    "CaseFacts.source_sha256": "sourceSha256", "CaseFacts.curated": "curationStatus",
    "CaseFacts.age": "ageYears", "CaseFacts.sex": "sex", "CaseFacts.symptoms": "hasSymptom",
    "CaseFacts.tumour": "hasTumour", "CaseFacts.interventions": "receivedIntervention",
    "CaseFacts.outcomes": "hasOutcome",
    "Metadata.title": "title", "Metadata.authors": "authorList", "Metadata.journal": "journal",
    "Metadata.year": "publicationYear", "Metadata.pmid": "pmid", "Metadata.doi": "doi",
    "Symptom.text": "symptomText", "Symptom.duration_months": "durationMonths",
    "Tumour.types": "tumourType", "Tumour.grade": "grade", "Tumour.size_cm": "sizeCm",
    "Tumour.metastatic": "metastatic", "Tumour.sites": "hasSiteInvolvement",
    "Tumour.levels": "hasVertebralLevel",
    "SiteFact.site": "site", "SiteFact.metastatic": "metastatic", "SiteFact.laterality": "laterality",
    "LevelFact.vertebra": "vertebra", "LevelFact.metastatic": "metastatic",
    "InterventionFact.kind": "interventionType", "InterventionFact.agents": "agent",
    "InterventionFact.doses": "hasAgentDose", "InterventionFact.dose_gy": "totalDoseGy",
    "InterventionFact.fractions": "fractions", "InterventionFact.cycles": "cycles",
    "InterventionFact.intent": "intent", "InterventionFact.months_after_diagnosis": "monthsAfterDiagnosis",
    "AgentDose.agent": "agent", "AgentDose.value": "doseValue", "AgentDose.unit": "doseUnit",
    "OutcomeFact.status": "outcomeStatus", "OutcomeFact.months": "followUpMonths",
    "OutcomeFact.since": "timeReference", "OutcomeFact.survival_measure": "survivalMeasure",
    # every fact's evidence: one sko:Evidence node per span
    "Evidenced.spans": "hasEvidence", "Evidenced.method": "evidenceFor", "Evidenced.confidence": "confidence",
    "Value.value": None,          # the value of its owner's property
    "CaseFacts.metadata": None,   # a grouping: its fields are the report's properties
    "CaseFacts.warnings": None,   # extraction notes for the ingest log, not facts
}
EVIDENCE_ONLY = {"hasEvidence", "evidenceFor", "confidence"}   # on Evidence nodes, shaped there


def _model_fields() -> set[str]:
    out = set()
    for cls in (F.CaseFacts, F.Metadata, F.Tumour, F.Symptom, F.SiteFact, F.LevelFact, F.AgentDose,
                F.InterventionFact, F.OutcomeFact, F.Evidenced, F.Value):
        own = set(typing.get_type_hints(cls)) if cls is F.Evidenced else {
            f.name for f in dataclasses.fields(cls)} - {f.name for f in dataclasses.fields(F.Evidenced)}
        out |= {f"{cls.__name__}.{name}" for name in own}
    return out


def _full_case() -> F.CaseFacts:
    """A case with every field set (each value a key the ontology knows)."""
    sp = [F.Span(0, 4, "case")]
    v = lambda x: F.Value(x, spans=sp)  # noqa: E731
    return F.CaseFacts(
        report_id="r1", source_file="r1.txt", source_sha256="0" * 64, curated=True,
        metadata=F.Metadata(title=v("A case"), authors=v("A; B"), journal=v("J"), year=v(2020),
                            pmid=v("123"), doi=v("10.1234/x")),
        age=v(40), sex=v("female"), symptoms=[F.Symptom("back pain", 2.0, spans=sp)],
        tumour=F.Tumour(types=[v("LMS")], grade=v("high"), size_cm=v(3.5), metastatic=v(True),
                        sites=[F.SiteFact("lung", True, "left", spans=sp)],
                        levels=[F.LevelFact("L2", False, spans=sp)]),
        interventions=[F.InterventionFact("radiotherapy", agents=["doxorubicin"],
                                          doses=[F.AgentDose("doxorubicin", 75.0, "mg/m2", spans=sp)],
                                          dose_gy=50.0, fractions=25, cycles=6, intent="palliative",
                                          months_after_diagnosis=1.0, spans=sp)],
        outcomes=[F.OutcomeFact("no evidence of disease", 12.0, "diagnosis", "overall survival", spans=sp)],
    )


def test_every_model_field_is_mapped():
    missing = sorted(_model_fields() - set(FIELDS))
    assert not missing, f"fields of the case model with no property in FIELDS: {missing}"
    stale = sorted(set(FIELDS) - _model_fields())
    assert not stale, f"FIELDS lists fields the model does not have: {stale}"


def test_the_writer_emits_every_property():
    predicates = {p.value for _, p, _ in report_triples(_full_case(), load_terms())}
    props = {p for p in FIELDS.values() if p}
    absent = sorted(p for p in props if SKO + p not in predicates)
    assert not absent, f"the RDF writer does not emit: {absent}"


@pytest.mark.parametrize("where", ["shapes", "ontology", "context"])
def test_every_property_is_known(where):
    props = {p for p in FIELDS.values() if p}
    if where == "shapes":
        text = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
        absent = [p for p in props - EVIDENCE_ONLY if f"sh:path sko:{p} " not in text]
    elif where == "ontology":
        text = (ROOT / "ontology" / "sarcokg.ttl").read_text(encoding="utf-8")
        absent = [p for p in props if f"\nsko:{p} a owl:" not in text]
    else:
        context = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
        ids = {(v["@id"] if isinstance(v, dict) else v) for v in context.values()}
        absent = [p for p in props if f"sko:{p}" not in ids]
    assert not absent, f"properties missing from the {where}: {sorted(absent)}"


def test_a_half_added_field_fails(monkeypatch):
    """The mapping check can fail: a field added to the model and nowhere else."""
    Extra = dataclasses.make_dataclass("OutcomeFact", [("new_slot", int, dataclasses.field(default=0))],
                                       bases=(F.OutcomeFact,))
    monkeypatch.setattr(F, "OutcomeFact", Extra)
    with pytest.raises(AssertionError, match="OutcomeFact.new_slot"):
        test_every_model_field_is_mapped()
