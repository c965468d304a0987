"""Case facts: what one report says about its index patient, with evidence.

This is the boundary between the extraction (text -> CaseFacts) and the graph
(CaseFacts -> RDF). Every value is a term key of the ontology (see
sarcokg.terms), never an IRI or free text, so the two sides agree on one
vocabulary: tumour types by OncoTree code (or label for a type without a code),
sites by their summary key ("lung"), vertebrae by notation ("L2"),
interventions by label ("total en bloc spondylectomy"), agents by name
("doxorubicin"), outcome statuses by label ("stable disease").

Every fact carries the spans of text it was read from (character offsets into
the decoded source text, end exclusive), the method and a confidence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

RULES = "rules"
CURATOR = "curator"


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    text: str


@dataclass
class Evidenced:
    """Base of every fact: where in the text it was read, how, how sure."""

    spans: list[Span] = field(default_factory=list, kw_only=True)
    method: str = field(default=RULES, kw_only=True)
    confidence: float = field(default=0.9, kw_only=True)


@dataclass
class Value(Evidenced, Generic[T]):
    """A single-valued fact (age, sex, grade, a metadata field)."""

    value: T


@dataclass
class Symptom(Evidenced):
    text: str
    duration_months: float | None = None


@dataclass
class SiteFact(Evidenced):
    site: str                        # summary key of an anatomic-site class
    metastatic: bool = False
    laterality: str | None = None  # "left" | "right" | "bilateral"


@dataclass
class LevelFact(Evidenced):
    vertebra: str                    # notation: C1..C7, T1..T12, L1..L5, S1..S5, Co1..Co4
    metastatic: bool = False


@dataclass
class AgentDose(Evidenced):
    agent: str
    value: float
    unit: str


@dataclass
class InterventionFact(Evidenced):
    kind: str                        # label of an intervention class
    agents: list[str] = field(default_factory=list)
    doses: list[AgentDose] = field(default_factory=list)
    dose_gy: float | None = None
    fractions: int | None = None
    cycles: int | None = None
    intent: str | None = None     # curative | palliative | adjuvant | neoadjuvant | salvage
    months_after_diagnosis: float | None = None


@dataclass
class OutcomeFact(Evidenced):
    status: str | None = None     # label of an outcome-status class, or None: time only
    months: float | None = None   # time of the observation
    since: str | None = None      # "diagnosis" | "treatment"
    survival_measure: str | None = None


@dataclass
class Metadata:
    title: Value[str] | None = None
    authors: Value[str] | None = None   # "A; B; C"
    journal: Value[str] | None = None
    year: Value[int] | None = None
    pmid: Value[str] | None = None
    doi: Value[str] | None = None


@dataclass
class Tumour:
    types: list[Value[str]] = field(default_factory=list)  # OncoTree code or label; first preferred
    grade: Value[str] | None = None                      # high | intermediate | low
    size_cm: Value[float] | None = None
    metastatic: Value[bool] | None = None                # presented with metastatic disease
    sites: list[SiteFact] = field(default_factory=list)
    levels: list[LevelFact] = field(default_factory=list)


@dataclass
class CaseFacts:
    report_id: str
    source_file: str
    source_sha256: str
    metadata: Metadata = field(default_factory=Metadata)
    age: Value[int] | None = None
    sex: Value[str] | None = None                         # female | male
    symptoms: list[Symptom] = field(default_factory=list)
    tumour: Tumour = field(default_factory=Tumour)
    interventions: list[InterventionFact] = field(default_factory=list)
    outcomes: list[OutcomeFact] = field(default_factory=list)  # in timeline order; last = current
    curated: bool = False
    warnings: list[str] = field(default_factory=list)
