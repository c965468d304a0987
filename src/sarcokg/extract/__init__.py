"""Rule-based extraction: report text -> CaseFacts (a pure function).

    from sarcokg.extract import extract
    facts = extract(text, report_id="r1", source_file="r1.txt", source_sha256="...")

Pipeline: same-length normalised view and regex sentence splitting
(textprep), title and bibliographic metadata (metadata), the case zone and
generic/negated/hypothetical context (context), dictionary matching of the
ontology's names with pyahocorasick plus the report's own abbreviations
(lexicon), then patient, tumour type/grade/size, vertebral levels,
interventions, sites and outcomes. Every fact carries its text spans.
"""
from __future__ import annotations

from sarcokg.extract import context, interventions, levels, metadata, outcomes, patient, sites, tumour
from sarcokg.model.facts import CaseFacts, InterventionFact, Span, Tumour, Value
from sarcokg.model.namespaces import SKO
from sarcokg.model.terms import Terms, load_terms

from .lexicon import abbreviations, lexicon_for, merge, misspelt_agents
from .textprep import normalise, spaced, split_sentences

__all__ = ["extract"]


def extract(text: str, *, report_id: str, source_file: str, source_sha256: str,
            terms: Terms | None = None) -> CaseFacts:
    terms = terms or load_terms()
    lex = lexicon_for(terms)
    sp = spaced(text)
    norm = normalise(text, sp)
    sents = split_sentences(text)
    cue_hits: list[tuple[int, tuple[str, ...]]] = []   # the context cues, found in the same pass
    mentions = lex.match(text, norm, sp, cue_hits)
    mentions = abbreviations(text, mentions)
    mentions = merge(mentions, misspelt_agents(lex, norm, mentions))

    # the introduction of the patient bounds the title search
    intro_start = None
    intro_seen: dict[int, bool] = {}   # handed to Zones, which asks the same of the same sentences
    for s in sents:
        intro_seen[s.index] = context.is_intro(s.low)
        if intro_seen[s.index]:
            if not context.title_like(text, s):
                intro_start = s.start
                break
            # a title that names the patient ('... in a Middle-Aged Man'): a sentence of prose past it
            # introduces the case, when one does
            intro_start = s.start if intro_start is None else intro_start
    title_span = metadata.find_title(text, mentions, intro_start)
    zones = context.Zones(text, sents, title_span, norm, intro_seen, cue_hits)

    facts = CaseFacts(report_id=report_id, source_file=source_file, source_sha256=source_sha256)
    facts.metadata = metadata.extract_metadata(text, title_span)
    facts.age = patient.extract_age(text, zones)
    facts.sex = patient.extract_sex(text, zones, facts.age)
    facts.symptoms = patient.extract_symptoms(text, zones, mentions)

    tm = Tumour()
    tm.types = tumour.extract_types(text, terms, zones, mentions)
    tm.grade = tumour.extract_grade(text, zones, mentions)
    tm.size_cm = tumour.extract_size(text, zones, mentions)
    tm.levels = levels.extract_levels(text, terms, zones)

    index_pos = [m.start for m in mentions if m.axis == "tumour"]
    other: list[tuple[int, int]] = []
    for s in sents:
        if s.zone in ("case", "title"):
            other += context.other_tumour_ranges(text, s, index_pos)

    facts.interventions, first_tx = interventions.extract_interventions(text, terms, zones, mentions, other)
    type_key = tm.types[0].value if tm.types else None
    tm.sites = sites.extract_sites(text, terms, lex, zones, mentions, tm.levels, type_key, other, first_tx)

    surgery_pos = _positions(terms, facts.interventions, ("surgery",))
    therapy_pos = _positions(terms, facts.interventions, _THERAPIES)
    removal_pos = sorted(sp.start for f in facts.interventions if _removes(terms, f.kind) for sp in f.spans)
    facts.outcomes = outcomes.extract_outcomes(text, terms, zones, mentions, first_tx, surgery_pos, removal_pos,
                                               therapy_pos, other)

    if facts.sex is None:
        facts.sex = patient.sex_of_organ(tm.sites) or patient.sex_of_index_terms(text)
    # presented with metastatic disease: a metastatic site named before any treatment
    mets = [f for f in tm.sites if f.metastatic and f.spans and (first_tx is None or f.spans[0].start < first_tx)]
    if mets:
        tm.metastatic = Value(True, spans=list(mets[0].spans[:1]), confidence=0.7)
    facts.tumour = tm
    if not tm.types:
        facts.warnings.append("no tumour type found")
    return facts


# the treatments that work on disease left after an operation (their summary words)
_THERAPIES = ("chemotherapy", "radiotherapy", "targeted therapy", "immunotherapy")


def _positions(terms: Terms, facts: list[InterventionFact], keys: tuple[str, ...]) -> list[int]:
    """Where the text names the interventions whose summary word is one of keys, in text order."""
    return sorted(sp.start for f in facts if terms.find("intervention", f.kind) is not None
                  and terms.get("intervention", f.kind).summary_key in keys for sp in f.spans)


def _removes(terms: Terms, kind: str) -> bool:
    """Interventions that take the tumour out: resections, amputations, an organ replaced by a graft."""
    t = terms.find("intervention", kind)
    return t is not None and any(terms.is_subclass(t.iri, SKO + kind)
                                 for kind in ("Resection", "Amputation", "OrganTransplantation"))


def _span(text: str, a: int, b: int) -> Span:
    return Span(a, b, text[a:b])
