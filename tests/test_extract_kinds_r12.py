"""Kinds of writing found reading the blind sets of the eleventh round (issue #15,
twelfth round). One invented sentence each; none comes from a report. The
positive cases failed before their rule; the negative ones guard the rule."""
from __future__ import annotations

import pytest

from .extractutil import ex, metastatic, sites, statuses, year

PRE = "A 61-year-old man had a leiomyosarcoma of the tibia. "


@pytest.mark.parametrize("verb", ["introducing", "presenting", "describing", "reporting"])
def test_a_case_told_by_a_verb_in_ing_is_the_case_not_the_literature(terms, verb):
    # the sentence also speaks of the disease in general ('the understanding of'): the case it tells is ours
    text = ("Myxoid tumours of this kind are uncommon and often spread to distant organs. "
            f"This paper hopes to add to the understanding of the disease by {verb} a case of hepatic "
            "metastasis of a myxoid liposarcoma of the calf. The patient was a 50-year-old woman.\n")
    assert metastatic(text, terms).get("liver") is True


def test_a_generic_sentence_without_the_case_stays_the_literatures(terms):
    text = ("Myxoid tumours of this kind are uncommon and often spread to distant organs. "
            "Hepatic metastasis of myxoid liposarcoma of the calf is usually seen late. "
            "The patient was a 50-year-old woman with a myxoid liposarcoma of the calf.\n")
    assert "liver" not in sites(text, terms)


def test_the_regions_a_scan_covers_written_straight_after_it_are_no_sites(terms):
    text = ("A 54-year-old woman had a uterine leiomyosarcoma resected. Two years later a nodule on the scalp "
            "proved to be a deposit of it. Follow-up CT head, chest, abdomen and pelvis and an MRI head were "
            "clear of recurrence or metastases.\n")
    assert sites(text, terms) == {"uterus", "scalp"}


def test_a_region_named_after_a_scan_with_a_finding_in_it_stays_a_site(terms):
    text = PRE + "CT showed a second mass in the pelvis.\n"
    assert "pelvis" in sites(text, terms)


@pytest.mark.parametrize("sentence", [
    "MRI showed a mass well defined from the surrounding bone and muscles.",
    "At surgery the mass was separate from the adjacent bone.",
    "The mass was clearly demarcated from the bone.",
])
def test_a_tissue_the_tumour_is_told_apart_from_is_no_site(terms, sentence):
    assert "bone" not in sites(PRE + sentence + "\n", terms)


def test_a_tissue_the_tumour_invades_stays_a_site(terms):
    assert "bone" in sites(PRE + "MRI showed a soft-tissue mass invading the surrounding bone.\n", terms)


@pytest.mark.parametrize("sentence", [
    "The wide excision left a skin and soft-tissue defect that a flap covered.",
    "After resection, the skin defect was closed with a graft.",
    "The tumour was resected through anterior and retroperitoneal approaches.",
])
def test_the_wound_or_the_way_in_of_an_operation_is_no_site(terms, sentence):
    assert sites(PRE + sentence + "\n", terms) == {"tibia"}


@pytest.mark.parametrize("name", ["thyroid cartilage", "cricoid cartilage"])
def test_a_laryngeal_cartilage_is_the_larynx_not_the_thyroid_gland(terms, name):
    text = f"A 52-year-old man had a chondrosarcoma of the {name}. It was resected.\n"
    got = sites(text, terms)
    assert "thyroid" not in got and got == {"laryngeal cartilage"}
    assert terms.get("site", "laryngeal cartilage").summary_key == "head and neck"


_THIGH = "A 50-year-old man had a leiomyosarcoma of the thigh. It was widely excised. "


def test_metastases_after_the_therapy_that_followed_the_operation_are_a_progression(terms):
    text = _THIGH + ("Adjuvant doxorubicin was given for six cycles. Restaging CT after the last cycle showed new "
                     "lung metastases.\n")
    assert statuses(text, terms) == ["distant metastasis"]
    assert terms.get("outcome", "distant metastasis").summary_key == "progressive disease"


def test_metastases_after_the_operation_alone_stay_a_distant_relapse(terms):
    assert statuses(_THIGH + "Two years later, CT showed new lung metastases.\n", terms) == ["recurrence"]


def test_a_survival_time_after_a_hedge_word_is_the_time_of_death(terms):
    text = ("A 60-year-old woman had a renal leiomyosarcoma resected. After 40 months, a local recurrence was "
            "found. She died of the disease, and her survival period was just 44 months.\n")
    got = [(o.status, o.months) for o in ex(text, terms).outcomes if o.status]
    assert got[-1] == ("death", 44.0)


def test_an_abstract_whose_subject_is_the_case_report_tells_the_case(terms):
    text = ("Abstract\nThe present case report aimed to add to what is known of clear cell sarcoma. The records of "
            "one patient were reviewed together with earlier studies. The mass was excised, followed by "
            "radiotherapy. During follow-up, no recurrence was observed.\nIntroduction\nClear cell sarcoma is a rare "
            "tumour of young adults.\n")
    f = ex(text, terms)
    assert {i.kind for i in f.interventions} >= {"radiotherapy"}
    assert [o.status for o in f.outcomes if o.status][-1] == "no evidence of disease"


def test_metastases_named_where_the_case_is_introduced_are_no_event_of_its_course(terms):
    text = ("Abstract\nA 39-year-old man had a clear cell sarcoma of the foot resected, then chemotherapy. During "
            "follow-up, no recurrence was observed.\nCase report\nWe describe the case of a patient with clear cell "
            "sarcoma and lung metastases. He presented with a mass of the foot.\n")
    assert [o.status for o in ex(text, terms).outcomes if o.status][-1] == "no evidence of disease"


def test_metastases_the_patient_developed_stay_an_event(terms):
    text = ("A 62-year-old man had a leiomyosarcoma of the adrenal gland resected. Chemotherapy followed. "
            "During follow-up the patient developed liver metastases.\n")
    assert [o.status for o in ex(text, terms).outcomes if o.status][-1] == "distant metastasis"


def test_a_share_of_the_tumour_gone_is_a_partial_response(terms):
    text = ("A 7-year-old boy had a rhabdomyosarcoma of the nasal cavity. It was debulked, then chemotherapy and "
            "radiotherapy were given. A CT scan a month after treatment showed over 80% tumour reduction.\n")
    assert [(o.status, o.months) for o in ex(text, terms).outcomes if o.status] == [("partial response", 1)]


def test_a_share_of_something_else_cut_is_no_response(terms):
    text = ("A 7-year-old boy had a rhabdomyosarcoma of the nasal cavity. It was debulked, then chemotherapy was "
            "given. A 25% reduction in dose was needed.\n")
    assert [o.status for o in ex(text, terms).outcomes if o.status] == []


def test_a_share_of_the_specimen_dead_is_no_response(terms):
    text = ("A 7-year-old boy had a rhabdomyosarcoma of the nasal cavity. It was resected after chemotherapy. "
            "Histology showed 90% tumour necrosis.\n")
    assert [o.status for o in ex(text, terms).outcomes if o.status] == []


@pytest.mark.parametrize("heading", ["\u2022 Male", "Male"])
def test_the_sex_the_pages_index_terms_give(terms, heading):
    text = (f"Ewing sarcoma of the jaw in a child\nMeSH terms\n\u2022 Child\n{heading}\n\u2022 Humans\n"
            "A 7-year-old child had a Ewing sarcoma of the mandible. It was resected.\n")
    got = ex(text, terms).sex
    assert got is not None and got.value == "male" and got.spans[0].text == "Male"


def test_index_terms_giving_both_sexes_give_none(terms):
    text = ("Ewing sarcoma of the jaw in a child\nMeSH terms\n\u2022 Male\n\u2022 Female\n"
            "A 7-year-old child had a Ewing sarcoma of the mandible. It was resected.\n")
    assert ex(text, terms).sex is None


@pytest.mark.parametrize("sentence, grade", [
    ("The tumour was of low histological grade.", "low"),
    ("Histology: subcutaneous leiomyosarcoma pT2 - grade 1 (NCI system).", "low"),
])
def test_a_grade_with_its_kind_or_after_the_stage(terms, sentence, grade):
    got = ex("An 80-year-old woman had a mass of the shoulder. " + sentence + "\n", terms).tumour.grade
    assert got is not None and got.value == grade


def test_actinomycin_d_written_glued(terms):
    text = ("A 2-year-old boy had an embryonal rhabdomyosarcoma of the neck. Chemotherapy with vincristine, "
            "actinomycinD and cyclophosphamide was given.\n")
    assert [a for i in ex(text, terms).interventions for a in i.agents] == [
        "vincristine", "actinomycin d", "cyclophosphamide"]


def test_the_year_of_a_pages_journal_label_line(terms):
    text = ("Case report: a synovial sarcoma of the heart\n\nJournal: Example Oncology, 2024\n\nPublisher: "
            "Example Media\n\nAbstract\n\nHerein, we present the case of a 35-year-old woman with a synovial sarcoma "
            "of the heart treated with surgery.\n")
    assert year(text, terms) == 2024


@pytest.mark.parametrize("sentence", [
    "Laparoscopic S1/S3/S4/S5 hepatectomy was performed.",
    "A metastasis in liver segments S2 and S3 was resected.",
])
def test_liver_segments_are_no_sacral_vertebrae(terms, sentence):
    f = ex("A 51-year-old woman had a sarcoma of the spleen. Liver metastases were found. " + sentence + "\n", terms)
    assert f.tumour.levels == [] and "sacrum" not in {s.site for s in f.tumour.sites}


def test_sacral_levels_written_with_a_slash_stay(terms):
    f = ex("A 51-year-old woman had a chondrosarcoma of the sacrum involving S1/S2.\n", terms)
    assert [lv.vertebra for lv in f.tumour.levels] == ["S1", "S2"]


@pytest.mark.parametrize("sentence", [
    "A 14-year-old boy had a paratesticular rhabdomyosarcoma with a retroperitoneal lymph node mass.",
    "A 17-year-old man had a paratesticular rhabdomyosarcoma with progressive paraaortic lymphnodes.",
])
def test_a_sarcomas_lymph_nodes_are_where_it_spread(terms, sentence):
    assert metastatic(sentence + " He had surgery.\n", terms).get("lymph node") is True


def test_lymph_nodes_that_are_all_the_tumour_is_are_its_own_place(terms):
    text = "A 51-year-old woman had a follicular dendritic cell sarcoma of the lymph nodes. It was excised.\n"
    assert metastatic(text, terms) == {"lymph node": False}


def test_peritoneal_carcinomatosis_is_a_metastasis(terms):
    text = "A 52-year-old man had a GIST of the stomach with peritoneal carcinomatosis. He received imatinib.\n"
    assert metastatic(text, terms).get("peritoneum") is True


@pytest.mark.parametrize("sentence", [
    "Sentinel lymph node biopsy was used to stage the axilla.",
    "CT showed the tumour and a reactive lymph node in the axilla.",
])
def test_a_staging_procedures_or_a_reactive_node_is_no_site(terms, sentence):
    text = "A 54-year-old man had an epithelioid sarcoma of the palm. It was excised. " + sentence + "\n"
    assert "lymph node" not in sites(text, terms)


def test_a_positive_sentinel_node_stays_a_metastasis(terms):
    text = ("A 54-year-old man had an epithelioid sarcoma of the palm. It was excised. The sentinel lymph node was "
            "positive for metastasis.\n")
    assert metastatic(text, terms).get("lymph node") is True


@pytest.mark.parametrize("words, age", [("a nine years girl", 9), ("a forty-year man", 40)])
def test_an_age_in_words_without_old(terms, words, age):
    text = f"In this report we present {words} with a mass of the left hand. It was excised.\n"
    got = ex(text, terms).age
    assert got is not None and got.value == age


def test_a_journal_label_line_with_the_year_alone(terms):
    text = ("A synovial sarcoma of the pelvis\n\nJournal: 2023\n\nAbstract\n\nWe present the case of a 32-year-old "
            "man with a synovial sarcoma of the pelvis treated with surgery.\n")
    got = ex(text, terms).metadata.year
    assert got is not None and got.value == 2023
