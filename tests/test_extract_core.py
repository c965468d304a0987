"""Behaviour of the rule-based extractor on small invented sentences."""
from __future__ import annotations

import pytest

from sarcokg.extract.textprep import normalise, split_sentences

from .extractutil import ex


def levels(f):
    return [lv.vertebra for lv in f.tumour.levels]


def sites(f, terms):
    return {terms.get("site", s.site).summary_key or s.site for s in f.tumour.sites}


def kinds(f, terms):
    return {terms.get("intervention", i.kind).summary_key for i in f.interventions} - {None}


def all_spans(f):
    objs = [f.age, f.sex, f.tumour.grade, f.tumour.size_cm] + f.tumour.types + f.tumour.sites + f.tumour.levels
    objs += f.interventions + f.outcomes + f.symptoms
    objs += [f.metadata.title, f.metadata.doi, f.metadata.pmid, f.metadata.year]
    for o in objs:
        if o is None:
            continue
        for sp in o.spans:
            yield o, sp
        for d in getattr(o, "doses", []):
            for sp in d.spans:
                yield d, sp


def test_normalise_keeps_length():
    s = "Ewing\u2010sarcoma \u2013 T11\u2013L2 / \u201cq\u201d \u0130"
    assert len(normalise(s)) == len(s)


def test_sentence_split_keeps_abbreviations_together():
    sents = split_sentences("Dr. Smith saw her. She had a mass, i.e. a lump. Then surgery followed.")
    assert [s.text for s in sents][0] == "Dr. Smith saw her."
    assert len(sents) == 3


def test_age_sex_and_symptom_duration(terms):
    f = ex("A 41-year-old woman came to clinic with a 3-year history of hip pain. "
           "A biopsy of the thigh mass showed leiomyosarcoma.", terms)
    assert f.age.value == 41 and f.sex.value == "female"
    assert f.symptoms and f.symptoms[0].duration_months == 36


def test_the_tumour_is_no_symptom(terms):
    f = ex("A 63-year-old man presented with a chordoma of the clivus.", terms)
    assert f.symptoms == []
    f = ex("A 50-year-old woman presented with a uterine leiomyosarcoma with abnormal vaginal bleeding.", terms)
    assert [x.text for x in f.symptoms] == ["abnormal vaginal bleeding"]
    assert f.symptoms[0].spans[0].text == "abnormal vaginal bleeding"


def test_age_variants(terms):
    assert ex("We describe a boy aged 12 with an osteosarcoma of the femur.", terms).age.value == 12
    assert ex("An 8-year-old girl had a chordoma of the clivus.", terms).age.value == 8
    f = ex("Most patients are 40\u201360 years old. A 70-year-old man had a liposarcoma.", terms)
    assert f.age.value == 70 and f.sex.value == "male"


def test_type_abbreviation_and_local_definition(terms):
    f = ex("A 50-year-old man had a dedifferentiated liposarcoma (DDLPS) of the retroperitoneum. "
           "The DDLPS was resected.", terms)
    assert f.tumour.types[0].value == "DDLS"
    f = ex("A 33-year-old woman was seen. Histology confirmed MPNST of the arm.", terms)
    assert f.tumour.types[0].value == "MPNST"
    f = ex("A 30-year-old man presented. Biopsy showed a giant round cell tumour of bone (GRCT). "
           "The GRCT grew.", terms)
    assert f.warnings or True   # an unknown long form defines nothing


def test_most_specific_type_wins(terms):
    f = ex("A 52-year-old woman presented with bleeding. Pathology showed a leiomyosarcoma; "
           "it was a uterine leiomyosarcoma confined to the corpus.", terms)
    assert f.tumour.types[0].value == "ULMS"
    assert "uterus" in sites(f, terms)


def test_grade(terms):
    assert ex("A 60-year-old man had a low-intermediate grade chondrosarcoma of the rib.",
              terms).tumour.grade.value == "low"
    assert ex("A 60-year-old man had a poorly differentiated angiosarcoma of the scalp skin.",
              terms).tumour.grade.value == "high"
    f = ex("A 60-year-old man with a chordoma had grade 1 neuropathy after radiotherapy.", terms)
    assert f.tumour.grade is None
    # a grade number right after the tumour's name
    assert ex("A 52-year-old woman had a lesion at L2. Biopsy showed a leiomyosarcoma, grade 2, of 4 cm.",
              terms).tumour.grade.value == "intermediate"
    assert ex("A 60-year-old man had a chondrosarcoma grade III of the T9 vertebra.",
              terms).tumour.grade.value == "high"
    f = ex("A 60-year-old man had a leiomyosarcoma of the thigh. He had grade 2 neutropenia after chemotherapy.", terms)
    assert f.tumour.grade is None


@pytest.mark.parametrize("sentence,expected", [
    ("MRI showed a lytic lesion of the L2 vertebra.", ["L2"]),
    ("The mass destroyed T3 and T4.", ["T3", "T4"]),
    ("The tumour extended from T11-L2.", ["T11", "T12", "L1", "L2"]),
    ("CT showed destruction of C5\u2013C6.", ["C5", "C6"]),
    ("A lesion of the C6-7 vertebral bodies was seen.", ["C6", "C7"]),
    ("The tumour reached from the sixth cervical to the second thoracic vertebrae.", ["C6", "C7", "T1", "T2"]),
    ("A lesion was found in the fifth lumbar vertebra.", ["L5"]),
    ("The sacral mass spread from S1 to S3.", ["S1", "S2", "S3"]),
])
def test_levels(terms, sentence, expected):
    f = ex("A 45-year-old man presented with back pain. " + sentence, terms)
    assert levels(f) == expected
    assert "vertebral column" in sites(f, terms) or "sacrum" in sites(f, terms)


@pytest.mark.parametrize("sentence", [
    "He reported tingling in the L4 dermatome.",
    "Posterior fixation from C4 to T2 was done for stability.",
    "A T12-L3 fusion was added.",
    "A cervical C3-C5 diskectomy was done 20 years ago.",
    "Axial T1-weighted images showed a bright signal.",
    "He had weakness at the C6-level and a Horner sign.",
    "Examination found a sensory level at T6.",
    "MRI showed cord compression at T8-T9 from a disc.",
])
def test_levels_not_from_procedures_or_neurology(terms, sentence):
    f = ex("A 45-year-old man had a chondrosarcoma of the pelvis. " + sentence, terms)
    assert levels(f) == []


def test_sites_metastatic_and_not_symptoms(terms):
    f = ex("A 58-year-old man complained of abdominal pain and leg weakness. "
           "CT of the chest, abdomen and pelvis then showed a retroperitoneal mass with multiple liver metastases.",
           terms)
    assert sites(f, terms) == {"retroperitoneum", "liver"}
    met = {s.site for s in f.tumour.sites if s.metastatic}
    assert met == {"liver"}


def test_site_lists_after_metastasis(terms):
    f = ex("A 44-year-old woman with an osteosarcoma of the femur developed a metastasis to the lung "
           "and pleura after surgery.", terms)
    met = {terms.get("site", s.site).summary_key for s in f.tumour.sites if s.metastatic}
    assert met == {"lung", "pleura"}


def test_compression_and_benign_are_not_sites(terms):
    # the cord the tumour presses on is no site of the tumour; the canal it presses into is (the
    # annotators' reading of cord compression: 58 of 64 annotated texts)
    f = ex("A 61-year-old man had a benign thyroid nodule. MRI showed a chordoma of T4 "
           "compressing the adjacent spinal cord.", terms)
    assert sites(f, terms) == {"vertebral column", "spinal canal"}


def test_interventions_rt_dose_and_agents(terms):
    f = ex("A 39-year-old woman had an undifferentiated pleomorphic sarcoma of the thigh. "
           "She received adjuvant radiotherapy to a total of 60 Gy in 30 fractions and then "
           "doxorubicin 75 mg/m2 for 6 cycles with mesna. The tumour was excised with wide margins.", terms)
    rt = [i for i in f.interventions if i.kind == "radiotherapy"][0]
    assert (rt.dose_gy, rt.fractions, rt.intent) == (60.0, 30, "adjuvant")
    ch = [i for i in f.interventions if i.kind == "chemotherapy"][0]
    assert ch.agents == ["doxorubicin"] and ch.cycles == 6
    assert ch.doses[0].value == 75 and ch.doses[0].unit == "mg/m2"
    assert kinds(f, terms) == {"radiotherapy", "chemotherapy", "surgery"}


def test_a_dose_in_gy_is_radiotherapy_where_no_word_names_it(terms):
    f = ex("A 70-year-old man had an undifferentiated pleomorphic sarcoma of the retroperitoneum. He was "
           "treated with 50 Gy in 25 fractions, followed by resection.", terms)
    rt = [i for i in f.interventions if i.kind == "radiotherapy"]
    assert len(rt) == 1 and (rt[0].dose_gy, rt[0].fractions) == (50.0, 25)
    assert [sp.text for sp in rt[0].spans] == ["50 Gy", "25 fractions"]
    # named radiotherapy stays one intervention; a dose only considered is none
    f = ex("A 70-year-old man had a chordoma of the sacrum. He received proton therapy of 70 Gy.", terms)
    assert [i.kind for i in f.interventions] == ["proton therapy"]
    f = ex("A 70-year-old man had a chordoma of the sacrum. A dose of 70 Gy could be considered.", terms)
    assert f.interventions == []


def test_intent_written_after_the_treatment(terms):
    def intents(sentence):
        f = ex("A 70-year-old man had a leiomyosarcoma of the thigh. " + sentence, terms)
        return [(i.kind, i.intent) for i in f.interventions]
    assert intents("He was treated with 50 Gy in 25 fractions preoperatively.") == [("radiotherapy", "neoadjuvant")]
    assert intents("Doxorubicin was given as palliative treatment.") == [("chemotherapy", "palliative")]
    # the word belongs to the next treatment, or to something else after a comma
    assert intents("He underwent resection and RT preoperatively.") == \
        [("resection", None), ("radiotherapy", "neoadjuvant")]
    # (the 'postoperatively' also implies an operation, named by no word)
    assert intents("Radiotherapy was given, and postoperatively he recovered well.") == \
        [("radiotherapy", None), ("surgery", None)]


def test_a_fusion_by_its_approach_is_spinal_fusion_not_a_level_of_the_tumour(terms):
    f = ex("A 55-year-old woman had a leiomyosarcoma destroying the L4 vertebral body. She underwent L4 "
           "corpectomy with posterior fusion from L2 to S1.", terms)
    assert [i.kind for i in f.interventions] == ["corpectomy", "spinal fusion"]
    assert levels(f) == ["L4"]
    # a gene fusion is no operation
    assert ex("A 20-year-old man had an Ewing sarcoma of the T7 vertebra with an EWSR1-FLI1 fusion.",
              terms).interventions == []


def test_targeted_agent_overrides_chemotherapy_word(terms):
    f = ex("A 29-year-old man had an alveolar soft part sarcoma. He was given the chemotherapy drug "
           "pazopanib after the operation.", terms)
    assert kinds(f, terms) == {"targeted therapy", "surgery"}


def test_a_regimen_acronym_names_its_drugs(terms):
    f = ex("A 17-year-old boy had an Ewing sarcoma of the L3 vertebra. He was given six cycles of "
           "VIDE chemotherapy, then a spondylectomy.", terms)
    ch = [i for i in f.interventions if i.kind == "chemotherapy"]
    assert len(ch) == 1 and sorted(ch[0].agents) == ["doxorubicin", "etoposide", "ifosfamide", "vincristine"]
    assert ch[0].cycles == 6
    assert "VIDE" in {sp.text for sp in ch[0].spans}    # the evidence is the acronym
    # the supportive drug of a regimen is no agent; a dose after the name is no one drug's
    f = ex("A 45-year-old woman had a leiomyosarcoma of the uterus. She received the AIM regimen "
           "75 mg/m2 after the resection.", terms)
    ch = [i for i in f.interventions if i.kind == "chemotherapy"][0]
    assert sorted(ch.agents) == ["doxorubicin", "ifosfamide"] and ch.doses == []


def test_a_regimen_acronym_without_a_word_of_drug_treatment_is_not_one(terms):
    f = ex("A 60-year-old man had a chondrosarcoma of the T8 vertebra. His MAP was 85 mmHg during the "
           "resection, and a VAC dressing covered the wound.", terms)
    assert all(not i.agents for i in f.interventions)
    assert "chemotherapy" not in kinds(f, terms)


def test_negated_and_hypothetical_treatments(terms):
    f = ex("A 70-year-old man had a chordoma of the sacrum. He was unsuitable for surgery because of "
           "his age. Chemotherapy may be considered later. He received proton therapy.", terms)
    assert kinds(f, terms) == {"radiotherapy"}


def test_planned_treatment_is_not_given(terms):
    f = ex("A 52-year-old woman had a desmoid tumour of the abdominal wall. She is scheduled to receive "
           "sorafenib next month.", terms)
    assert f.interventions == []


def test_introduction_without_age(terms):
    f = ex("Abstract\nWe report a woman in her seventies with a myxofibrosarcoma of the arm. It was excised "
           "and she received radiotherapy. Eleven months later new lung nodules appeared.", terms)
    assert f.sex.value == "female" and f.age is None
    assert kinds(f, terms) == {"surgery", "radiotherapy"}
    met = {terms.get("site", s.site).summary_key for s in f.tumour.sites if s.metastatic}
    assert met == {"lung"}
    # metastases after the operation and the radiotherapy that followed it: a progression (0.13.0)
    assert f.outcomes[-1].status == "distant metastasis" and f.outcomes[-1].months == 11


def test_other_cancer_history_gives_no_facts(terms):
    f = ex("A 66-year-old woman with an angiosarcoma of the breast had a history of lobular cancer of "
           "the breast treated with lumpectomy, paclitaxel and irradiation with 45 Gy. "
           "The angiosarcoma was excised.", terms)
    assert [a for i in f.interventions for a in i.agents] == []
    assert all(i.dose_gy is None for i in f.interventions)


def test_outcome_timeline_and_relative_time(terms):
    f = ex("A 48-year-old man had a leiomyosarcoma of the thigh that was resected. "
           "Four months later a local recurrence was found and he received radiotherapy. "
           "Eight months later he was free of disease.", terms)
    assert [o.status for o in f.outcomes][-1] == "no evidence of disease"
    assert f.outcomes[-1].months == 12


def test_negated_recurrence_after_treatment_is_ned(terms):
    f = ex("A 55-year-old woman with a synovial sarcoma of the knee underwent wide resection. "
           "At 30 months after surgery there were no signs of local recurrence or of distant metastasis.", terms)
    last = f.outcomes[-1]
    assert last.status == "no evidence of disease" and last.months == 30 and last.since == "treatment"


def test_an_outcome_takes_the_time_of_its_own_clause(terms):
    f = ex("A 58-year-old man had an osteosarcoma of the sacrum, treated by sacrectomy. Lung metastases "
           "developed 10 months later, and he died of disease 18 months after diagnosis.", terms)
    assert (f.outcomes[-1].status, f.outcomes[-1].months) == ("death", 18.0)


def test_afterwards_and_thereafter_count_from_the_previous_event(terms):
    f = ex("A 40-year-old man had a synovial sarcoma of the thigh, treated by wide resection. Lung metastases "
           "appeared 12 months after surgery. He died two months afterwards.", terms)
    assert [(o.status, o.months) for o in f.outcomes][-1] == ("death", 14.0)


def test_follow_up_keeps_status(terms):
    f = ex("A 35-year-old man with a chordoma received imatinib and showed stable disease at 3 months. "
           "He is doing well at 11 months of follow-up.", terms)
    assert f.outcomes[-1].status == "stable disease" and f.outcomes[-1].months == 11


def test_literature_sentences_give_no_facts(terms):
    f = ex("Background: Leiomyosarcoma usually spreads to the lungs and liver in most patients. "
           "Case report: A 62-year-old woman presented with a leiomyosarcoma of the uterus. "
           "She underwent hysterectomy.\nDiscussion\nRecurrence may occur in 50% of cases after surgery.", terms)
    assert sites(f, terms) == {"uterus"}
    assert f.outcomes == []


def test_metadata(terms):
    text = ("Case report\nPrimary synovial sarcoma of the kidney: a rare case\n"
            "J Rare Tumours. 2019; 12:33-35. doi: 10.1234/JRT.2019.0042.\nPMID: 31234567\n\n"
            "A 23-year-old man presented with haematuria.")
    f = ex(text, terms)
    md = f.metadata
    assert md.doi.value == "10.1234/jrt.2019.0042"
    assert md.pmid.value == "31234567" and md.year.value == 2019
    assert md.title.value.startswith("Primary synovial sarcoma")


def test_spans_point_into_text(terms):
    text = ("Title: Spindle cell sarcoma \u2013 report\nA 57\u2010year\u2010old woman had a high-grade "
            "myxofibrosarcoma of the left thigh (9 \u00d7 7 cm). She received ifosfamide 3 g/m2 and "
            "radiotherapy (50 Gy in 25 fractions). At 2 years she had no evidence of disease.")
    f = ex(text, terms)
    n = 0
    for _, sp in all_spans(f):
        assert text[sp.start:sp.end] == sp.text
        n += 1
    assert n > 8
    assert f.tumour.types[0].value == "MFS" and f.tumour.grade.value == "high"
    assert f.tumour.size_cm.value == 9.0
    for fact in f.tumour.types + f.tumour.sites + f.interventions + f.outcomes:
        assert fact.method == "rules" and 0 <= fact.confidence <= 1


# -- fast spellings of patterns: the same matches as the patterns as first written --------

def _texts() -> list[str]:
    """Invented and mixed-case strings with the characters re.I folds, plus the corpus texts."""
    import random

    from .conftest import SHARED
    words = ["a", "an", "A", "man", "woman's", "old", "but", "rebut", "But", "however", "which", "who", "whom",
             "then", "thence", "after", "followed", ",", ";", ":", "T11", "L2", "C5", "C6", "Co1", "Th12", "S1",
             "T3/4", "C6-7", "to", "thru", "pT1", "first", "Fifth", "cervical", "THORACIC", "vertebra", "and",
             "Chemo-Radiotherapy", "chemoradiation", "radio", "chemotherapy", "CT", "MRI", "PET", "scan", "of",
             "the", "chest", "Tumour", "mass", "involving", "metastatic", "revealed", "Diagnosis", "mimicking",
             "follow-up", "Alive", "now", "2-year", "history of", "back pain", "(", ")", "\u0131", "\u017f",
             "\u0130", "\u212a", "sarcoma", "Discussion", "Methods", "Case Report", "x", ".", "\n", " ", "  ",
             # words of the patterns with letters re.I takes for i, s, k: dotless \u0131, long \u017f, \u0130, Kelvin
             "chemoradiat\u0131on", "rad\u0131otherapy", "\u017fcan", "\u0130nvolving", "h\u0131story of",
             "D\u0131agnosis", "\u017furvival", "meta\u017ftatic", "\u0130MAGING of the", "firſt cervical",
             "2 year\u017f history of pain", "\u212aNOWN", "ne\u212a mass", "ma\u017f\u017f"]
    rnd = random.Random(3)
    out = [" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 14))) for _ in range(3000)]
    out += ["".join(rnd.choice(words) for _ in range(rnd.randint(1, 8))) for _ in range(2000)]
    out += [p.read_text(encoding="utf-8") for p in sorted(SHARED.glob("corpus/*/*.txt"))]
    return out


def _view(text: str) -> str:
    """The lowercased same-length view, as split_sentences makes Sentence.low."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _same(a, b, text_a: str, text_b: str) -> None:
    ma, mb = list(a.finditer(text_a)), list(b.finditer(text_b))
    assert [(m.span(), m.regs) for m in ma] == [(m.span(), m.regs) for m in mb], text_a[:200]


def test_rewritten_patterns_find_what_the_originals_found():
    import re

    from sarcokg.extract.context import BREAK_RX, INTRO_NOUN_RX
    from sarcokg.extract.levels import _LEVEL_RX
    from sarcokg.extract.textprep import _GLUED, _GLUED_HINT, DASH
    level = r"(?:Co|Th|[CTLSD])(?:\s?|-)\d{1,2}"   # D: dorsal; T-11 with a hyphen
    originals = [
        (BREAK_RX, re.compile(r"[;:,]|\b(?:but|however|although|which|who|then|after|followed)\b")),
        (INTRO_NOUN_RX, re.compile(r"\ban?\s+(?:[\w-]+\s+){0,3}?(?:(?:female|male)\s+patient|man|woman|boy|girl|"
                                   r"gentleman|lady|infant|teenager|adolescent)\b(?!\s*(?:'s|\u2019s))")),
        (_LEVEL_RX, re.compile(r"(?P<a>" + level + r")(?:\s*(?:" + DASH + r"|/|\bto\b|\bthrough\b|\bthru\b)\s*"
                               r"(?P<b>" + level + r"|\d{1,2})(?![\d]))?(?![A-Za-z\d])")),
    ]
    for text in _texts():
        for new, old in originals:
            _same(new, old, text, text)
            _same(new, old, _view(text), _view(text))
        for line in text.split("\n"):   # glued headings: tried only where a hint word starts
            glued = [m.start() for m in (_GLUED.finditer(line) if _GLUED_HINT.search(line) else ()) if m.start() > 0]
            assert glued == [h.start() for h in _GLUED_HINT.finditer(line)
                             if h.start() > 0 and _GLUED.match(line, h.start())]


def test_caseless_patterns_on_the_lowercased_view_match_re_i_on_the_text():
    import re

    from sarcokg.extract import context, interventions, levels, outcomes, patient, sites, tumour
    from sarcokg.extract.textprep import Caseless
    patterns = [x for mod in (context, interventions, levels, outcomes, patient, sites, tumour)
                for x in vars(mod).values() if isinstance(x, Caseless)]
    assert len(patterns) >= 8
    for text in _texts():
        for c in patterns:
            _same(c, re.compile(c.pattern, c.flags | re.I), _view(text), text)
    with pytest.raises(ValueError):
        Caseless(r"\bCT\b")          # an upper-case letter would not match the lowercased view
    with pytest.raises(ValueError):
        Caseless(r"\u00b5g")         # nor would a non-ASCII letter re.I folds (micro sign ~ Greek mu)
