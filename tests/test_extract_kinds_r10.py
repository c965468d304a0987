"""Kinds of writing found by probing the extractor with invented pages of common
publishers' layouts (issue #15, tenth round). One invented sentence each; none
comes from a report. The positive cases failed before their rule; the negative
ones guard the rule."""
from __future__ import annotations

import pytest

from .extractutil import ex, kinds, sites

CASE = "A 60-year-old man had a leiomyosarcoma of the thigh.\n"


@pytest.mark.parametrize("header, year", [
    # a citation line with the page's 'p' and the month
    ("Sarcoma of the thigh\nExample Medicine 98(12):p e14865, March 2019. | DOI: 10.1000/em.0001\n", 2019),
    # a volume and number, the city and a two-month issue
    ("Sarcoma of the thigh\nRev. Example Ortop. vol.53 no.2 Example City Mar./Apr. 2018\n", 2018),
    # a cover page that gives the date first, then the journal
    ("Sarcoma of the thigh\nJuly 2015 \u00b7 Example Reports in Oncology 8(2):300-305\n", 2015),
])
def test_publisher_header_forms_give_the_year(terms, header, year):
    got = ex(header + CASE, terms).metadata.year
    assert got is not None and got.value == year


def test_a_month_and_year_before_a_dot_inside_a_line_is_no_cover_date(terms):
    header = "Sarcoma of the thigh\nThe patient was first seen in July 2015 \u00b7 Example clinic notes\n"
    assert ex(header + CASE, terms).metadata.year is None


def test_a_comma_between_the_age_and_the_sex_noun(terms):
    text = ("Sarcoma of the chest wall\n\nAbstract\n\nBackground\n\nWe treated a patient with a chondrosarcoma of the "
            "chest wall.\n\nCase presentation\n\nA 37 years old, male patient was referred for a lump of the chest "
            "wall. The lump was resected.\n")
    assert ex(text, terms).sex.value == "male"


def _outcomes(text, terms):
    return [(o.status, o.months) for o in ex(text, terms).outcomes]


PRE = "A 38-year-old woman had a leiomyosarcoma of the uterus. Hysterectomy was performed. "


@pytest.mark.parametrize("sentence, last", [
    # one moment counted from two events: the earlier event's count
    ("She died 13 years after irradiation and 36 years after the first surgery.", ("death", 432.0)),
    ("She died 2 months after the second operation and 14 months after diagnosis.", ("death", 14.0)),
    # a time counted from the recurrence counts on from the recurrence's time
    ("She had a local recurrence 6 months after surgery. She died 3 months after the recurrence.", ("death", 9.0)),
    # ... also when the recurrence's event gives way to the death in one sentence
    ("She developed recurrence in 6 months and succumbed 3 months later.", ("death", 9.0)),
    ("She developed recurrence in 6 months and died after 3 months of recurrence.", ("death", 9.0)),
])
def test_the_time_of_a_death_told_from_other_events(terms, sentence, last):
    assert _outcomes(PRE + sentence, terms)[-1] == last



def test_askins_tumour_with_the_possessive_is_ewing_sarcoma(terms):
    text = "A 40-year-old woman had an Askin's tumour of the chest wall. It was resected."
    assert [t.value for t in ex(text, terms).tumour.types] == ["ES"]


def test_a_header_line_opening_with_the_year_before_the_volume(terms):
    header = "Example Journal of Oncology\n\n2010  |  Volume : 6  |  Issue : 3  |  Page : 30-39\nSarcoma of the orbit\n"
    assert ex(header + CASE, terms).metadata.year.value == 2010


def test_a_keywords_line_with_a_spaced_colon_is_no_treatment(terms):
    text = ("A 38-year-old woman had a leiomyosarcoma of the uterus. Hysterectomy was performed.\n"
            "Keywords : Uterine Neoplasms, Adjuvant Chemotherapy, Smooth Muscle Tumor\n")
    assert "chemotherapy" not in {i.kind for i in ex(text, terms).interventions}


def test_a_hash_after_the_count_is_fractions(terms):
    text = ("A 30-year-old man had a synovial sarcoma of the larynx. It was excised. He was given postoperative "
            "external beam irradiation 60 Gy/30#.")
    rt = [i for i in ex(text, terms).interventions if i.dose_gy]
    assert (rt[0].dose_gy, rt[0].fractions) == (60, 30)


@pytest.mark.parametrize("visit", [
    "The patient was re-examined 4 months after surgery.",
    "She was seen again 4 months after surgery.",
    "She was followed up 4 months after surgery.",
])
def test_a_visits_time_goes_to_the_status_the_next_sentence_tells(terms, visit):
    text = PRE.replace("uterus", "kidney").replace("Hysterectomy", "Nephrectomy") + visit + \
        " An abdominal CT found no recurrence or metastasis."
    assert _outcomes(text, terms)[-1] == ("no evidence of disease", 4.0)


def test_a_status_with_its_own_time_keeps_it_after_a_visit(terms):
    text = PRE + "She was seen again 4 months after surgery. At 12 months CT found no recurrence."
    assert _outcomes(text, terms)[-1] == ("no evidence of disease", 12.0)


@pytest.mark.parametrize("sentence", [
    "She was metastasis or local recurrence free within 5 months after surgery.",
    "She was metastasis- and recurrence-free 5 months after surgery.",
    "She was recurrence and metastasis free at 5 months.",
])
def test_a_list_of_disease_words_free_as_a_whole_is_no_disease(terms, sentence):
    assert _outcomes(PRE + sentence, terms)[-1] == ("no evidence of disease", 5.0)


def test_a_list_that_ends_in_a_symptom_free_leaves_the_disease(terms):
    sentence = "At 5 months she had lung metastasis and was symptom free."
    assert _outcomes(PRE + sentence, terms)[-1][0] != "no evidence of disease"


def test_the_cord_an_operation_decompresses_is_no_site(terms):
    text = ("A 56-year-old woman had an Ewing sarcoma of the thoracic spine. She underwent hemilaminectomy and "
            "tumor debulking surgery to decompress the spinal cord.")
    assert sites(text, terms) == {"vertebral column"}


def test_the_pages_own_citation_offered_to_the_reader_gives_the_year(terms):
    header = ("Sarcoma of the pelvis\n2023-01-05 10:00:00 By : Example Reader\n"
              "Cite this article as: Author A, Author B (July 06, 2022) Sarcoma of the pelvis. Example 14(7): e1.\n")
    assert ex(header + CASE, terms).metadata.year.value == 2022


@pytest.mark.parametrize("words, agents, kind", [
    ("mifamurtide", ["mifamurtide"], "immunotherapy"),
    ("MTP-PE", ["mifamurtide"], "immunotherapy"),
    ("interferon alpha", ["interferon alfa"], "immunotherapy"),
    ("daunorubicin and cytarabine", ["daunorubicin", "cytarabine"], "chemotherapy"),
    ("Ara-C", ["cytarabine"], "chemotherapy"),
    ("alectinib", ["alectinib"], "targeted therapy"),
    ("selumetinib", ["selumetinib"], "targeted therapy"),
    ("abemaciclib", ["abemaciclib"], "targeted therapy"),
])
def test_drugs_of_sarcoma_treatment_the_lexicon_knows(terms, words, agents, kind):
    text = f"A 20-year-old man had an osteosarcoma of the femur. Resection was performed. He then received {words}."
    got = [i for i in ex(text, terms).interventions if i.agents]
    assert (got[0].kind, got[0].agents) == (kind, agents)


@pytest.mark.parametrize("words, kind", [
    # radiotherapy named by its particle
    ("resection and photon beam therapy", "external beam radiotherapy"),
    ("resection and mixed proton and photon beam therapy", "external beam radiotherapy"),
    ("resection and carbon ion therapy", "carbon-ion radiotherapy"),
    ("transarterial chemoembolization of the liver metastases", "arterial embolization"),
    ("TACE of the liver metastases", "arterial embolization"),
    ("cytoreduction and HIPEC", "hyperthermic intraperitoneal chemotherapy"),
    ("cytoreduction and HIPEC", "debulking"),
    ("isolated limb perfusion", "isolated limb perfusion"),
    ("electrochemotherapy", "electrochemotherapy"),
    ("an immune checkpoint inhibitor", "immunotherapy"),
    ("a Whipple procedure", "resection"),
])
def test_treatments_the_lexicon_knows_by_their_procedures_name(terms, words, kind):
    assert kind in kinds(f"A 40-year-old man had a leiomyosarcoma of the thigh. He underwent {words}.", terms)


@pytest.mark.parametrize("words, grade", [
    ("a leiomyosarcoma, Trojani grade 2", "intermediate"),
    ("a leiomyosarcoma, French Federation grade 3", "high"),
    ("a leiomyosarcoma, NCI grade 2", "intermediate"),
    ("a grade 2 (of 3) leiomyosarcoma", "intermediate"),
])
def test_a_grade_in_its_grading_systems_words(terms, words, grade):
    text = f"Case report\n\nA 45-year-old man had a mass of the thigh. Histology showed {words}. It was resected.\n"
    assert ex(text, terms).tumour.grade.value == grade


def test_an_extra_gastrointestinal_stromal_tumour_by_its_abbreviation(terms):
    text = "Case report\n\nA 65-year-old woman had an EGIST of the mesentery. It was resected.\n"
    assert [t.value for t in ex(text, terms).tumour.types] == ["GIST"]
