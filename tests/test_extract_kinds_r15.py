"""Kinds of writing found reading half of the fifteenth round's fresh sets (issue #15). One
invented sentence each; none comes from a report. The positive cases failed before their
rule; the negative ones guard the rule."""
from __future__ import annotations

import pytest

from .extractutil import ex, kinds, sites, statuses, year

PRE = "Case presentation: A 58-year-old man had a leiomyosarcoma of the thigh. "
_HISTORY = ("Case presentation\nA 66-year-old man had a history of thyroid carcinoma treated with surgery and "
            "radiotherapy at the age of 36. {} MRI showed a mass of the C4 vertebral body. He underwent "
            "corpectomy and fusion; pathology showed a radiation-induced osteosarcoma. His weakness improved "
            "after surgery.\n")


def _levels(text, terms):
    return {lv.vertebra for lv in ex(text, terms).tumour.levels}


@pytest.mark.parametrize("sentence", [
    "He remained disease-free for 30 years, but then developed neck pain and arm weakness.",
    "He was free of disease for 30 years until he noticed a painful mass in the neck.",
    "He remained well for 30 years, but then developed neck pain."])
def test_a_time_free_of_disease_that_a_new_illness_ended_is_history(terms, sentence):
    out = ex(_HISTORY.format(sentence), terms).outcomes
    assert [(o.status, o.months) for o in out] == []


def test_a_time_free_of_disease_since_the_operation_is_still_the_status(terms):
    text = _HISTORY.format("") + "He has remained disease-free for 3 years since the operation.\n"
    assert statuses(text, terms)[-1:] == ["no evidence of disease"]


def test_the_segments_of_a_liver_listed_are_no_sacral_vertebrae(terms):
    text = (PRE.replace("of the thigh", "of the T10 vertebra") + "CT showed two lesions in the S4 and S7 "
            "regions of the liver.\n")
    assert _levels(text, terms) == {"T10"}


def test_a_sacral_vertebra_named_before_another_organ_stays_a_level(terms):
    text = "Case presentation: A 50-year-old man had a chordoma of S4 and S5 with a mass in the pelvis.\n"
    assert {"S4", "S5"} <= _levels(text, terms)


def test_the_examples_of_a_list_whose_head_is_hypothetical_are_no_sites(terms):
    text = (PRE + "The potential primary sites for leiomyosarcoma, including the lung, thyroid, breast and "
            "kidney, were then investigated, without findings.\n")
    assert sites(text, terms) & {"lung", "thyroid", "breast", "kidney"} == set()


def test_the_examples_of_a_list_whose_head_is_found_are_sites(terms):
    text = PRE + "Metastases were found at several sites, including the lung, liver and kidney.\n"
    assert {"lung", "liver", "kidney"} <= sites(text, terms)


def test_an_unsized_response_then_free_at_follow_up_is_no_evidence_of_disease(terms):
    text = (PRE + "He received chemoradiotherapy. Evaluation after treatment showed a good response. No "
            "evidence of recurrence or metastasis was seen at long-term follow-up.\n")
    assert statuses(text, terms)[-1:] == ["no evidence of disease"]


@pytest.mark.parametrize("sentence", [
    "Evaluation after treatment showed a partial response. No recurrence was seen at 2 years of follow-up.",
    "The tumour showed a good response. There was no progression at the 2-year follow-up."])
def test_a_partial_response_or_no_progression_keeps_the_response(terms, sentence):
    text = PRE + "He received chemoradiotherapy. " + sentence + "\n"
    assert statuses(text, terms)[-1:] == ["partial response"]


def test_a_treatment_that_stabilized_the_metastases_gives_stable_disease(terms):
    text = (PRE + "Imatinib was started. Metastases were found in the T8 vertebra three months later. Zoledronic "
            "acid was added, and an MRI one month later showed that the combined treatment had stabilized the "
            "bone metastases.\n")
    assert statuses(text, terms)[-1:] == ["stable disease"]


def test_a_negation_governs_the_pair_after_either(terms):
    text = (PRE + "En bloc resection was carried out. Due to his poor general condition (sepsis and "
            "hypoproteinemia), a decision was made not to subject the patient to either radiation therapy or "
            "chemotherapy.\n")
    assert kinds(text, terms) & {"radiotherapy", "chemotherapy"} == set()


@pytest.mark.parametrize("sentence", ["She received radio- and chemotherapy.", "She started radio and chemotherapy."])
def test_the_radio_of_a_pair_is_radiotherapy(terms, sentence):
    assert {"radiotherapy", "chemotherapy"} <= kinds(PRE + sentence + "\n", terms)


def test_radiofrequency_ablation_is_no_radiotherapy(terms):
    assert "radiotherapy" not in kinds(PRE + "Radiofrequency ablation and chemotherapy were given.\n", terms)


def test_the_lower_back_is_soft_tissue(terms):
    found = sites(PRE.replace("of the thigh", "of the lower back") + "It was excised.\n", terms)
    assert {terms.get("site", k).summary_key for k in found} == {"soft tissue"}


def test_low_back_pain_is_no_site(terms):
    text = ("Case presentation: A 40-year-old woman had low back pain for two months. MRI showed a mass of the L3 "
            "vertebral body; biopsy showed a leiomyosarcoma.\n")
    assert "dorsum" not in sites(text, terms)


def test_the_tissue_an_image_compares_the_mass_with_is_no_site(terms):
    text = ("Case presentation: A 2-year-old girl had a paraspinal alveolar rhabdomyosarcoma at T3-T5. The mass "
            "was isointense to spinal cord on T1WI and hypodense relative to the liver on CT.\n")
    assert sites(text, terms) & {"spinal cord", "liver"} == set()


def test_the_skin_of_a_crease_incision_is_no_site(terms):
    text = ("Case presentation: A 50-year-old man had a chordoma of C2. The anterior part of the chordoma was "
            "removed via a right lateral neck skin crease incision.\n")
    assert "skin" not in sites(text, terms)


@pytest.mark.parametrize("line,expected", [
    ("A. Author et al., PRIMARY LEIOMYOSARCOMA OF THE CALF - A CASE REPORT, Example medical journal, 88(8), "
     "1995, pp. 873-875", 1995),
    ("Reported in: Author A, Author B. J Example Rep. 2021 Apr:15(4):7-16.", 2021)])
def test_a_citation_with_the_year_between_volume_and_pages_or_a_colon_before_the_volume(terms, line, expected):
    assert year(line + "\nWe describe a 47-year-old man with a leiomyosarcoma of the calf.\n", terms) == expected


_ORBIT = "Case presentation: A newborn girl had an embryonal rhabdomyosarcoma of the right orbit. "


def test_an_intracranial_extension_is_the_brain(terms):
    assert "brain" in sites(_ORBIT + "Imaging showed an orbital mass with intracranial extension.\n", terms)


@pytest.mark.parametrize("sentence,site", [
    ("CT showed a large orbital mass and a small ipsilateral pleural effusion.", "pleura"),
    ("The tumour caused raised intracranial pressure.", "brain"),
    ("We review the literature on orbital sarcomas with intracranial metastases and report this case.", "brain")])
def test_an_effusion_a_pressure_or_a_reviewed_topic_is_no_site(terms, sentence, site):
    assert site not in sites(_ORBIT + sentence + "\n", terms)


def test_a_malignant_pleural_effusion_is_the_pleura(terms):
    assert "pleura" in sites(_ORBIT + "CT showed a malignant pleural effusion.\n", terms)
