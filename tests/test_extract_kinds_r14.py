"""Kinds of writing found reading the blind sets of the thirteenth round (issue #15,
fourteenth round). One invented sentence each; none comes from a report. The
positive cases failed before their rule; the negative ones guard the rule."""
from __future__ import annotations

import pytest

from sarcokg.extract.timeexpr import find_times

from .extractutil import ex, kinds, metastatic, sites, statuses

PRE = "A 58-year-old man had a leiomyosarcoma of the thigh. "


def _last(text, terms):
    """The last outcome of one invented text: (status, months)."""
    out = ex(text, terms).outcomes
    return (out[-1].status, out[-1].months) if out else None


# a page laying out a structured abstract: its parts' headings on lines of their own
_ABSTRACT = ("Abstract\nBackground\nMyxoid liposarcoma is a rare tumour of adults.\nCase presentation\n"
             "A 61-year-old man had a myxoid liposarcoma of the calf. He underwent a wide excision.\n"
             "Conclusion\n{}\nKeywords: liposarcoma, calf\n")


def test_the_conclusion_of_an_abstract_laid_out_on_lines_tells_the_follow_up(terms):
    text = _ABSTRACT.format("No recurrence has been seen at 3 years after the operation.")
    assert _last(text, terms) == ("no evidence of disease", 36)


@pytest.mark.parametrize("sentence", [
    "Surgery with radiotherapy was useful in such tumours and the margins were free.",
    "This rare tumour presents a high risk of recurrence.",
    "Further studies are needed to confirm that the approach prolongs disease-free survival."])
def test_the_advice_of_an_abstracts_conclusion_tells_no_outcome(terms, sentence):
    assert statuses(_ABSTRACT.format(sentence), terms) == []


def test_a_call_for_further_studies_is_general(terms):
    text = (PRE + "He underwent a wide excision.\nConclusions: further studies are needed to confirm whether "
            "the approach gives a long disease-free survival.\n")
    assert statuses(text, terms) == []


@pytest.mark.parametrize("sentence,status", [
    ("She has been alive for 20 months under a second-line chemotherapy regimen.", "alive with disease"),
    ("He is alive 2 years later on palliative treatment.", "alive with disease"),
    ("After radiosurgery the tumour growth was arrested for 2 years.", "stable disease"),
    ("There has been no further growth over 2 years.", "stable disease")])
def test_alive_while_treated_or_a_growth_arrested_is_a_status(terms, sentence, status):
    text = PRE + "He underwent excision and received doxorubicin. " + sentence + "\n"
    assert statuses(text, terms)[-1:] == [status]


def test_alive_on_adjuvant_treatment_is_not_alive_with_disease(terms):
    text = PRE + "He underwent excision. He is alive and well on adjuvant chemotherapy 6 months later.\n"
    assert "alive with disease" not in statuses(text, terms)


@pytest.mark.parametrize("phrase,months", [
    ("survival (6 years and 4 months) was reached", 76), ("at 3 years and 2 months", 38),
    ("after two years and a half", 30), ("for one year and a half", 18),
    ("11 months have elapsed since the operation", 11), ("regressed by 5 months", 5)])
def test_times_in_more_forms(phrase, months):
    assert [t.months for t in find_times(f"the patient {phrase} and is well.")] == [months]


def test_a_tumour_that_grew_but_then_regressed_is_a_response(terms):
    text = PRE + ("He received doxorubicin. The thigh mass first progressed, covering the knee, but eventually "
                  "regressed by 6 months.\n")
    assert _last(text, terms) == ("partial response", 6)


@pytest.mark.parametrize("sentence", [
    "A scan 8 months after the operation showed bone metastases (BM) especially in the spine and pelvis.",
    "A scan 8 months after the operation showed bone metastases, mainly in the spine and pelvis."])
def test_metastases_with_an_abbreviation_or_an_adverb_before_their_places(terms, sentence):
    text = "A 30-year-old woman had a chondrosarcoma of the fibula. " + sentence + "\n"
    got = metastatic(text, terms)
    assert got["vertebral column"] and got["pelvis"] and not got["fibula"]


def test_a_metastasis_to_a_lobe_of_an_organ_is_one_of_the_organ(terms):
    text = PRE + "Five years later he had a metastasis to the upper lobe of his right lung.\n"
    assert metastatic(text, terms) == {"thigh": False, "lung": True}


@pytest.mark.parametrize("bones,site", [("humeri", "humerus"), ("tibiae", "tibia")])
def test_metastases_to_bones_named_by_their_latin_plural(terms, bones, site):
    text = PRE + f"He underwent excision. A year later he had metastases to both {bones}.\n"
    assert metastatic(text, terms).get(site) is True


def test_a_verb_between_the_site_and_a_graft_leaves_the_site(terms):
    text = "A 70-year-old woman with a leiomyosarcoma of the left hand developed graft necrosis after surgery.\n"
    assert "hand" in sites(text, terms)


def test_a_donor_graft_is_still_no_site(terms):
    text = PRE + "He underwent excision, and the defect was covered with a fibula free graft.\n"
    assert "fibula" not in sites(text, terms)


def test_the_organ_a_tumour_spreads_from_is_not_a_metastasis(terms):
    text = ("A 45-year-old man had a liposarcoma. Autopsy showed a left pleural tumour metastasizing to both "
            "adrenal glands and the lumbar vertebrae.\n")
    got = metastatic(text, terms)
    assert got.get("pleura") is False and got.get("vertebral column") is True


def test_a_participle_before_the_tumour_still_names_its_metastasis(terms):
    text = "A 60-year-old man had a pulmonary metastasised osteosarcoma of the thigh.\n"
    assert metastatic(text, terms).get("lung") is True


def test_a_qualified_treatment_response_is_a_partial_response(terms):
    text = PRE + "He received doxorubicin. Imaging showed an impressive treatment response.\n"
    assert statuses(text, terms) == ["partial response"]


@pytest.mark.parametrize("sentence", ["Sixteen months after diagnosis, a scan shows no signs of tumour progression.",
                                      "He remains progression-free on surveillance for 16 months since diagnosis."])
def test_no_progression_at_a_later_visit_keeps_the_response_with_its_time(terms, sentence):
    text = PRE + "He received doxorubicin. Imaging showed an impressive treatment response. " + sentence + "\n"
    assert _last(text, terms) == ("partial response", 16)


def test_no_residual_disease_at_a_later_visit_is_no_carried_response(terms):
    # a follow-up that finds the disease gone does not carry the response on to its time
    text = (PRE + "He received doxorubicin. Imaging showed an impressive treatment response. A follow-up scan at "
            "9 months did not reveal evidence of residual metastases.\n")
    assert ("partial response", 9) not in [(o.status, o.months) for o in ex(text, terms).outcomes]


@pytest.mark.parametrize("sentence,site", [
    ("Biopsies of the underlying bone and the brain tissue showed no evidence of infiltration.", "bone"),
    ("Biopsies of the underlying bone and the brain tissue showed no evidence of infiltration.", "brain"),
    ("CT showed a mass encircling the ribs and causing elevation of the right diaphragm.", "diaphragm"),
    ("Growth of the mass was reported, as were overhead arm elevation-related limitations.", "upper limb"),
    ("Grossly, a soft tissue mass covered with a skin ellipse was received.", "skin")])
def test_a_site_cleared_raised_moved_or_cut_as_a_specimen_is_no_site(terms, sentence, site):
    text = "A 50-year-old woman had an angiosarcoma of the scalp. She underwent excision. " + sentence + "\n"
    assert site not in sites(text, terms)


def test_a_site_a_biopsy_found_involved_stays(terms):
    text = PRE + "He underwent excision. Biopsies of the femur showed tumour infiltration.\n"
    assert "femur" in sites(text, terms)


def test_the_final_diagnosis_beats_the_lesion_first_diagnosed(terms):
    text = ("A 30-year-old woman was diagnosed with a leiomyoma on a resected specimen. Years later a pelvic mass "
            "was resected. The final diagnosis was low-grade endometrial stromal sarcoma.\n")
    assert [t.value for t in ex(text, terms).tumour.types][:1] == ["LGESS"]


@pytest.mark.parametrize("line,year", [("Example J. Cardiovasc. Surg. 41:85-89(2012)", 2012),
                                       ("Example Surgery 38(2):402 (1996)", 1996)])
def test_a_citation_with_the_year_in_brackets_after_the_pages(terms, line, year):
    text = f"A Rhabdomyosarcoma in the Left Atrium\n{line}\n\nA 47-year-old man had a rhabdomyosarcoma.\n"
    assert ex(text, terms).metadata.year.value == year


@pytest.mark.parametrize("phrase,months", [
    ("has been free of disease for half a year", 6), ("has survived over a decade after surgery", 120),
    ("it has now been 3 years without a recurrence", 36), ("remains well eight months into active follow-up", 8),
    ("is well with more than 3 years of periodic follow-up", 36), ("had 26 months disease-free survival", 26),
    ("relapsed half a year later", 6)])
def test_times_in_the_forms_of_the_fourteenth_round(phrase, months):
    assert [t.months for t in find_times(f"the patient {phrase}.")] == [months]


def test_alive_without_symptomatic_metastases_is_not_free_of_them(terms):
    text = (PRE + "He had lung metastases and received doxorubicin. Imaging showed an impressive treatment "
            "response. He has been alive without symptomatic lung metastases for over 5 years.\n")
    assert _last(text, terms) == ("partial response", 60)


def test_what_a_visit_looks_for_is_no_event(terms):
    text = (PRE + "He underwent excision. At two years he had no evidence of recurrence. He could not afford a scan "
            "for radiological assessment of recurrence.\n")
    assert _last(text, terms) == ("no evidence of disease", 24)


def test_an_overall_survival_lived_free_of_the_disease_is_no_death(terms):
    text = PRE + "He underwent excision, with an overall survival of 4 years without local or distant recurrence.\n"
    assert _last(text, terms) == ("no evidence of disease", 48)


def test_the_reported_case_is_the_case(terms):
    text = ("Introduction\nEwing sarcoma of the jaw is rare.\nThe reported case is that of a young patient with a "
            "mandibular Ewing sarcoma, with 4 years of follow-up without recurrence.\nCase presentation\n"
            "A 14-year-old girl had a swelling of the mandible.\n")
    assert _last(text, terms) == ("no evidence of disease", 48)


@pytest.mark.parametrize("sentence,agents", [
    ("He was treated with VAC/VI.", {"vincristine", "actinomycin d", "cyclophosphamide", "irinotecan"}),
    ("He received VAC.", {"vincristine", "actinomycin d", "cyclophosphamide"})])
def test_a_regimen_named_as_what_the_patient_was_given(terms, sentence, agents):
    text = "A 6-year-old boy had an embryonal rhabdomyosarcoma of the perineum. " + sentence + "\n"
    assert {a for i in ex(text, terms).interventions for a in i.agents} == agents


def test_a_regimen_acronym_without_a_word_of_treatment_stays_no_regimen(terms):
    text = "A 6-year-old boy had an embryonal rhabdomyosarcoma of the perineum. His MAP was 70 mmHg.\n"
    assert not ex(text, terms).interventions


@pytest.mark.parametrize("sentence", [
    "The oncologists deemed it unnecessary to offer chemotherapy.",
    "The offer of radiotherapy was turned down by the patient.",
    "Auscultation found a systolic murmur with irradiation to the left shoulder blade.",
    # radiation as a place, a change or an exposure
    "The tumour lay within the radiation field of the earlier treatment.",
    "These findings were read as post-radiation changes.",
    "He reported radiation exposure at work decades earlier."])
def test_a_treatment_not_needed_turned_down_a_murmur_spreading_or_a_radiation_exposure_is_no_treatment(
        terms, sentence):
    text = PRE + "He underwent excision. " + sentence + "\n"
    assert kinds(text, terms) == {"resection"}


def test_dissemination_involving_organs_names_metastases(terms):
    text = ("A 16-year-old boy had a desmoplastic small round cell tumour of the chest, with widespread "
            "dissemination involving the kidney, liver and bone.\n")
    got = metastatic(text, terms)
    assert got["kidney"] and got["liver"] and got["bone"]


def test_the_hemipelvis_is_the_pelvis(terms):
    text = "A 19-year-old woman had an osteosarcoma. A CT scan showed a mass of the left hemipelvis.\n"
    assert sites(text, terms) == {"pelvis"}


# a sarcoma caused by an earlier radiotherapy: the radiotherapy and chemotherapy of the earlier disease
_RAS = ("A 67-year-old woman had an endometrial carcinoma. She underwent surgery followed by pelvic radiotherapy "
        "in 2004; the total dose was 50 Gy. In 2014 she presented with a mass of the pubis. Biopsy confirmed a "
        "radiation-associated angiosarcoma. {}\n")


def test_the_earlier_diseases_radiotherapy_is_no_treatment_of_a_radiation_associated_sarcoma(terms):
    facts = ex(_RAS.format("She was treated with paclitaxel."), terms)
    assert "chemotherapy" in {i.kind for i in facts.interventions}
    assert "radiotherapy" not in {i.kind for i in facts.interventions}
    assert all(i.dose_gy is None for i in facts.interventions)


def test_the_history_told_again_in_the_body_is_the_earlier_diseases_too(terms):
    text = ("Abstract\nWe present a case of radiation-associated angiosarcoma. A 67-year-old woman had "
            "radiotherapy for an endometrial carcinoma. Ten years later she presented with a mass of the pubis. "
            "She was treated with paclitaxel.\nCase Report\nA 67-year-old woman had an endometrial carcinoma. "
            "She underwent pelvic radiation in 2004. The total radiation dose was 50 Gy. In 2014 she presented "
            "with a mass of the pubis.\n")
    assert "radiotherapy" not in kinds(text, terms)


def test_the_medical_history_told_after_the_presentation_is_the_earlier_diseases(terms):
    text = ("The authors report a radiation-induced sarcoma of the spine. A 36-year-old man presented with "
            "weakness of both legs. His medical history was significant for a bone cyst at T1 treated with "
            "radiotherapy 6 years prior to presentation. He underwent a resection of the sarcoma.\n")
    assert kinds(text, terms) == {"resection"}


def test_the_radiotherapy_of_a_radiation_associated_sarcoma_itself_stays(terms):
    facts = ex(_RAS.format("She then received radiotherapy of 60 Gy to the pubis."), terms)
    assert [(i.kind, i.dose_gy) for i in facts.interventions if i.kind == "radiotherapy"] == [("radiotherapy", 60)]


def test_a_treatment_after_an_operation_written_with_post_stays(terms):
    text = PRE + "He underwent resection, and post-resection radiotherapy was given.\n"
    assert {"resection", "radiotherapy"} <= kinds(text, terms)


def test_a_body_that_tells_the_case_again_does_not_undo_the_abstracts_status(terms):
    text = ("Abstract\nA 45-year-old man with metastatic myxofibrosarcoma received pembrolizumab and achieved a "
            "partial response for 18 months.\nCase presentation\nA 45-year-old man had a myxofibrosarcoma of the "
            "axilla and underwent surgical resection.\n")
    assert _last(text, terms) == ("partial response", 18)


def test_an_operation_told_only_by_its_aftermath_ends_the_progression_before_it(terms):
    text = ("We report a case of limb salvage surgery for a large chondrosarcoma of the pelvis. A 60-year-old man "
            "had a swelling of the groin. Considering the rapid progression in recent months, a pelvic resection "
            "was planned. The wound healed in 3 weeks. Post-operative biopsy reported a grade 1 chondrosarcoma. "
            "At 3-year follow-up, he has no sign of recurrence.\n")
    assert _last(text, terms) == ("no evidence of disease", 36)


def test_the_shrinkage_of_the_disease_is_a_response(terms):
    text = PRE + "He received pembrolizumab for 13 cycles with marked shrinkage of his liver disease.\n"
    assert statuses(text, terms) == ["partial response"]


def test_a_percentage_of_a_response_is_the_patients_own(terms):
    text = ("A 66-year-old man had a gastric GIST with liver metastases. After 9 months of imatinib, the scan "
            "showed a 33% partial response of target lesions.\n")
    assert _last(text, terms) == ("partial response", 9)


def test_no_lesions_seen_after_treatment_is_no_evidence_of_disease(terms):
    text = ("A 46-year-old man had a Kaposi sarcoma of the leg. He received radiotherapy. Nine months later, no "
            "nodular lesions were observed.\n")
    assert _last(text, terms) == ("no evidence of disease", 9)


def test_no_lesions_seen_before_treatment_is_no_outcome(terms):
    text = ("A 46-year-old man had a Kaposi sarcoma of the leg. On examination no skin lesions were seen elsewhere. "
            "He received radiotherapy.\n")
    assert statuses(text, terms) == []


@pytest.mark.parametrize("sentence", ["His tumour was found to express PD-L1.",
                                      "His past history included T1 prostatic adenocarcinoma."])
def test_a_protein_or_a_cancers_stage_is_no_vertebra(terms, sentence):
    text = "A 60-year-old man had an angiosarcoma of the scalp. " + sentence + "\n"
    assert ex(text, terms).tumour.levels == []


def test_a_level_after_another_words_hyphen_stays(terms):
    text = "A 60-year-old man had a leiomyosarcoma of the neck spanning the clivus-C2.\n"
    assert [lv.vertebra for lv in ex(text, terms).tumour.levels] == ["C2"]
