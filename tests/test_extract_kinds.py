"""Kinds of writing that unseen reports use (issue #15): one invented sentence each.

Every sentence here was written for this test; none comes from a report.
"""
from __future__ import annotations

import pytest

from sarcokg.extract.rtdose import read

from .extractutil import ex


def rt_of(f, terms):
    rt = [i for i in f.interventions if terms.get("intervention", i.kind).summary_key == "radiotherapy"]
    return (rt[0].dose_gy, rt[0].fractions) if rt else (None, None)


# ------------------------------------------------------------- radiotherapy dose
@pytest.mark.parametrize("sentence,dose,fx", [
    ("She was given 50 Gy in 25 fractions to the tumour bed.", 50, 25),
    ("A total dose of 5400 cGy was given in 30 daily fractions.", 54, 30),
    ("He had 3000 rads to the spine.", 30, None),
    ("Radiotherapy delivered 45 Gy/25 fx to the pelvis.", 45, 25),
    ("The field received 28 fractions of 1.8 Gy.", 50.4, 28),
    ("Irradiation was 2 Gy x 30 to the chest wall.", 60, 30),
    ("Irradiation was 30 x 2 Gy to the chest wall.", 60, 30),
    ("Radiation of 50 Gy in 25 fractions was followed by a 16 Gy boost in 8 fractions.", 66, 33),
    ("Radiotherapy was planned to 60 Gy but was stopped after 36 Gy because of mucositis.", 36, None),
    ("Radiotherapy (39 Gy/13 fr) was given.", 39, 13),
    ("She had 5,040 cGy in 28 fractions.", 50.4, 28),
])
def test_rt_dose_forms(sentence, dose, fx):
    r = read(sentence)
    assert (r.dose_gy, r.fractions) == (dose, fx)
    for a, b in r.spans:
        assert sentence[a:b].strip()


def test_rt_per_fraction_dose_alone_is_no_total():
    r = read("Radiotherapy was given at 2 Gy per fraction.")
    assert r.dose_gy is None


def test_rt_boost_in_a_later_sentence_adds(terms):
    f = ex("A 50-year-old man had a leiomyosarcoma of the thigh. He received radiotherapy of 50 Gy in 25 fractions. "
           "A boost of 10 Gy in 5 fractions was then given to the tumour bed.", terms)
    assert rt_of(f, terms) == (60, 30)


# ------------------------------------------------------------- year and DOI in publishers' headers
@pytest.mark.parametrize("header,year", [
    ("Case Reports in Imaginary Oncology\nVol. 12, No. 3, 2019\n", 2019),
    ("Volume 7 | Issue 2 | March 2021\n", 2021),
    ("Received: 3 December 2013; Accepted: 20 January 2014\n", 2014),
    ("Received 12 May 2017\n", 2017),
    ("\u00a9 The Author(s) 2020. Open access.\n", 2020),
    ("Imag Case Rep. 2018 Jan-Feb;8(1):33-36.\n", 2018),
    ("Imaginary Tumors 2015, 7(3):5812\n", 2015),
    ("Published: 5th March 2021\n", 2021),
    ("Accepted 2 Feb 2016. Published online 9 March 2016.\n", 2016),
])
def test_year_header_forms(header, year):
    from sarcokg.extract.metadata import extract_metadata
    md = extract_metadata(header + "A 60-year-old man had a sarcoma.\n", None)
    assert md.year is not None and md.year.value == year


def test_year_and_doi_of_the_references_are_not_the_papers():
    from sarcokg.extract.metadata import extract_metadata
    md = extract_metadata("A 60-year-old man had a sarcoma.\nReferences\n1. Doe J. A paper. J Imag. 2010;5:1. "
                          "doi:10.1000/xyz123\n", None)
    assert md.year is None and md.doi is None


@pytest.mark.parametrize("line,doi", [
    ("https://doi.org/10.1186/s99999-019-2001-9Background\n", "10.1186/s99999-019-2001-9"),
    ("doi: 10.1097/MD.0000000000001234. Then text\n", "10.1097/md.0000000000001234"),
    ("DOI 10.3389/fonc.2020.00123Keywords\n", "10.3389/fonc.2020.00123"),
])
def test_doi_glued_to_the_next_word(line, doi):
    from sarcokg.extract.metadata import extract_metadata
    md = extract_metadata(line, None)
    assert md.doi is not None and md.doi.value == doi


# ------------------------------------------------------------- fine-grained anatomy through part-of
def site_keys(f, terms):
    return {terms.get("site", s.site).summary_key or s.site for s in f.tumour.sites}


@pytest.mark.parametrize("sentence,coarse", [
    ("A 30-year-old man had a painless mass of the left humerus, and biopsy showed osteosarcoma.", "upper limb"),
    ("A 45-year-old woman had a synovial sarcoma arising in the popliteal fossa.", "lower limb"),
    ("A 52-year-old man presented with a chondrosarcoma of the clivus.", "skull"),
    ("A 61-year-old woman was found with a leiomyosarcoma involving the duodenum.", "small intestine"),
    ("A 70-year-old man had an angiosarcoma of the scalp.", "head and neck"),
])
def test_fine_anatomy_maps_to_its_coarse_site(terms, sentence, coarse):
    f = ex(sentence, terms)
    assert coarse in site_keys(f, terms)


def test_every_anatomy_subsite_reaches_one_coarse_site(terms):
    for key, t in terms.by_axis["site"].items():
        assert t.summary_key, key


# ------------------------------------------------------------- regimens by acronym
@pytest.mark.parametrize("sentence,agents", [
    ("He was treated with six cycles of VAC chemotherapy.", {"vincristine", "actinomycin d", "cyclophosphamide"}),
    ("She received chemotherapy with VDC/IE for 14 cycles.",
     {"vincristine", "doxorubicin", "cyclophosphamide", "ifosfamide", "etoposide"}),
    ("Chemotherapy with the VAC/IE protocol was started.",
     {"vincristine", "doxorubicin", "cyclophosphamide", "ifosfamide", "etoposide"}),
    ("Second-line chemotherapy with Gem/Doc was given for four cycles.", {"gemcitabine", "docetaxel"}),
    ("He received two courses of ICE chemotherapy.", {"ifosfamide", "carboplatin", "etoposide"}),
    ("She was given chemotherapy with Taxotere and Gemzar.", {"gemcitabine", "docetaxel"}),
])
def test_regimen_acronyms_and_brands_give_generic_agents(terms, sentence, agents):
    f = ex("A 25-year-old man had a sarcoma of the thigh. " + sentence, terms)
    got = {a for i in f.interventions for a in i.agents} - {"mesna"}
    assert got == agents


# ------------------------------------------------------------- metastatic sites written in many ways
def met_keys(f, terms):
    return {terms.get("site", s.site).summary_key or s.site for s in f.tumour.sites if s.metastatic}


@pytest.mark.parametrize("sentence,met", [
    ("A 40-year-old man had a leiomyosarcoma of the thigh. Two years later the disease had spread to the liver.",
     {"liver"}),
    ("A 40-year-old man had a leiomyosarcoma of the thigh. Imaging found deposits in the lung and pleura.",
     {"lung", "pleura"}),
    ("A 40-year-old man had a leiomyosarcoma of the thigh. CT showed nodules in both lungs.", {"lung"}),
    ("A 40-year-old man had a leiomyosarcoma of the thigh. He developed pulmonary and hepatic metastases.",
     {"lung", "liver"}),
    ("A 40-year-old man had a leiomyosarcoma of the thigh. Staging showed multiple pulmonary nodules.", {"lung"}),
    ("A 40-year-old man had a leiomyosarcoma of the thigh. Metastatic lesions of the liver and brain were found.",
     {"liver", "brain"}),
])
def test_metastasis_phrasings(terms, sentence, met):
    f = ex(sentence, terms)
    assert met_keys(f, terms) == met


def test_primary_before_a_metastasis_list_is_not_metastatic(terms):
    f = ex("A 40-year-old man had a mass in the thigh and lung metastases at diagnosis. Biopsy showed "
           "leiomyosarcoma.", terms)
    assert met_keys(f, terms) == {"lung"}


def test_metastases_of_the_literature_review_do_not_count(terms):
    f = ex("A 40-year-old man had a leiomyosarcoma of the thigh, resected with clear margins.\nDiscussion\n"
           "Leiomyosarcomas usually spread to the lung and liver, as reported in the literature.", terms)
    assert met_keys(f, terms) == set()


# ------------------------------------------------------------- outcome: the status at the last follow-up
def last(f, terms):
    o = f.outcomes[-1] if f.outcomes else None
    st = terms.get("outcome", o.status).summary_key if o and o.status else None
    return st, (o.months if o else None)


START = "A 47-year-old woman had a leiomyosarcoma of the thigh, which was resected with wide margins. "


@pytest.mark.parametrize("story,status,months", [
    ("A local recurrence appeared 10 months later and was excised. She has remained free of recurrence "
     "at 36 months after the first operation.", "no evidence of disease", 36),
    ("Pulmonary metastases were found after 8 months. At the last visit, 20 months after diagnosis, she was "
     "alive with persisting lung metastases.", "alive with disease", 20),
    ("She then received chemotherapy for lung metastases. The lesions remained stable at 14 months.",
     "stable disease", 14),
    ("Lung metastases appeared after a year and she received doxorubicin. The nodules shrank markedly after "
     "four cycles.", "partial response", None),
    ("Her disease progressed despite chemotherapy and she passed away 2 years after diagnosis.", "death", 24),
    ("The follow-up period was 30 months, and she is disease-free.", "no evidence of disease", 30),
    ("She was last seen after approximately 18 months with no evidence of disease.", "no evidence of disease", 18),
])
def test_last_status_kinds(terms, story, status, months):
    f = ex(START + story, terms)
    assert last(f, terms) == (status, months)


def test_recurrence_removed_then_only_follow_up_says_nothing(terms):
    f = ex(START + "A local recurrence was found 6 months later. It was resected. She was seen in clinic "
           "at 30 months of follow-up.", terms)
    assert last(f, terms)[0] is None


def test_tumour_markers_decreasing_is_no_response(terms):
    f = ex(START + "Tumour markers decreased after surgery.", terms)
    assert all(o.status != "partial response" for o in f.outcomes)


# ------------------------------------------------------------- vertebral levels of the tumour only
@pytest.mark.parametrize("text,want", [
    ("A 50-year-old man had a chordoma of the first and second lumbar vertebrae.", ["L1", "L2"]),
    ("A 50-year-old man had a metastasis in thoracic vertebrae 3 to 5.", ["T3", "T4", "T5"]),
    ("A 50-year-old man had an osteosarcoma of T-11. Posterior fixation T9-L1 was done.", ["T11"]),
    ("A 50-year-old man had a chondrosarcoma destroying the D8 vertebral body.", ["T8"]),
    ("A 50-year-old man had a chordoma of L3. Pedicle screws were placed in L1, L2, L4 and L5.", ["L3"]),
    ("A 50-year-old man had a sarcoma of C5 and C6; fusion from C3 to C7 followed.", ["C5", "C6"]),
])
def test_levels_kinds(terms, text, want):
    f = ex(text, terms)
    assert [lv.vertebra for lv in f.tumour.levels] == want


def test_dorsal_notation_needs_a_spine_sentence(terms):
    f = ex("A 50-year-old man had a leiomyosarcoma of the thigh; the D2 dimer level was raised.", terms)
    assert [lv.vertebra for lv in f.tumour.levels] == []


def test_mri_weightings_are_no_levels_and_ordinal_ranges_of_the_spine(terms):
    f = ex("A 33-year-old man had a chondrosarcoma arising from the 2nd to 4th lumbar spine. "
           "The mass was hypointense on T1-W and bright on T2-WI images.", terms)
    assert [lv.vertebra for lv in f.tumour.levels] == ["L2", "L3", "L4"]


# ------------------------------------------------------------- sites that are not the tumour's
@pytest.mark.parametrize("text,absent", [
    ("A 51-year-old man had a retroperitoneal liposarcoma seen on abdominal computed tomography.", "abdomen"),
    ("A 51-year-old man had a retroperitoneal liposarcoma pushing the left kidney.", "kidney"),
    ("A 51-year-old man with a thigh leiomyosarcoma had no recurrence until he died of ischaemic cardiac disease.",
     "heart"),
    ("A 51-year-old man developed lower extremity deficits from a thoracic chordoma.", "lower limb"),
    ("A 40-year-old woman with a chondrosarcoma of the spine presented with a spinal cord syndrome.", "spinal cord"),
])
def test_sites_named_for_something_else(terms, text, absent):
    f = ex(text, terms)
    assert absent not in site_keys(f, terms)


def test_intramedullary_spine_tumour_is_in_the_cord(terms):
    f = ex("A 35-year-old woman had an intramedullary cervical spine tumour, resected and found to be an MPNST.",
           terms)
    assert "spinal cord" in site_keys(f, terms) and "vertebral column" not in site_keys(f, terms)


def test_the_lesson_of_the_case_is_not_its_course(terms):
    f = ex("A 70-year-old man had a GIST of the stomach, resected; he was free of disease at 2 years. "
           "This case has shown that surgery is effective for GIST with liver metastases.", terms)
    assert "liver" not in site_keys(f, terms)
    assert last(f, terms) == ("no evidence of disease", 24)


# ------------------------------------------------------------- round A kinds
def test_overall_survival_gives_the_time_of_death(terms):
    f = ex(START + "Lung metastases progressed on chemotherapy. The progression-free survival was 4 months and "
           "the overall survival was 11 months. She eventually succumbed to respiratory failure.", terms)
    assert last(f, terms) == ("death", 11)


def test_treated_and_free_of_recurrence_in_one_sentence(terms):
    f = ex("A 30-year-old man had an epithelioid sarcoma of the finger. He was treated with wide excision and "
           "over a 4-year follow-up was free of local recurrence.", terms)
    assert last(f, terms) == ("no evidence of disease", 48)


@pytest.mark.parametrize("header,year", [
    ("Imag Dermatol Rev 2013; XXX, 2: 101-104\n", 2013),
    ("Accepted: March, 2012\nPublished: April, 2012\n", 2012),
])
def test_year_roman_volume_and_month_comma(header, year):
    from sarcokg.extract.metadata import extract_metadata
    md = extract_metadata(header + "A 60-year-old man had a sarcoma.\n", None)
    assert md.year is not None and md.year.value == year


def test_misspelt_drug_with_a_doubled_letter(terms):
    f = ex("A 25-year-old man had a synovial sarcoma of the thigh. He received chemotherapy with "
           "ifosfamide and doxorrubicin.", terms)
    assert {a for i in f.interventions for a in i.agents} == {"ifosfamide", "doxorubicin"}


def test_a_treatment_rejected_afterwards_was_not_given(terms):
    f = ex("A 25-year-old man had an unresectable synovial sarcoma of the mediastinum. The disease progressed "
           "after chemotherapy with doxorubicin, so surgery was finally rejected.", terms)
    assert "surgery" not in kinds_of(f, terms)


def kinds_of(f, terms):
    return {terms.get("intervention", i.kind).summary_key for i in f.interventions} - {None}


# ------------------------------------------------------------- round B kinds
@pytest.mark.parametrize("header,year", [
    ("Ex Rep Med. 2021 Jul 6:12:733190. doi: 10.9999/exrep.2021.733190. eCollection 2021.\n", 2021),
    ("Year : 1995  |  Volume : 41  |  Issue : 2  |  Page : 77-9\n", 1995),
    ("Example Med J (Basel) (2006) 148: 295-297\nPublished online December 9, 2005\n", 2006),
    ("Imag Nerv Syst 2014;\n30:1177-80. [PMID:\n", 2014),
    ("[Received: 01/30/2015] [Accepted: 05/23/2015]\n", 2015),
])
def test_year_more_header_forms(header, year):
    from sarcokg.extract.metadata import extract_metadata
    md = extract_metadata(header + "A 60-year-old man had a sarcoma.\n", None)
    assert md.year is not None and md.year.value == year


def test_pmid_with_leading_zeros():
    from sarcokg.extract.metadata import extract_metadata
    md = extract_metadata("PMID: 0001234567\nA 60-year-old man had a sarcoma.\n", None)
    assert md.pmid.value == "1234567"


@pytest.mark.parametrize("sentence,age", [
    ("A forty year old male patient came to us with a mass of the hand.", 40),
    ("A twenty-three-year-old woman had a swelling of the calf.", 23),
    ("A fourteen year old boy complained of knee pain.", 14),
])
def test_ages_in_words(terms, sentence, age):
    f = ex(sentence + " Biopsy showed an epithelioid sarcoma.", terms)
    assert f.age is not None and f.age.value == age


def test_the_patient_under_a_discussion_heading_of_an_abstract(terms):
    f = ex("Abstract\nMETHOD\nWe report a 12-year-old girl with an epidural mass at T10. The tumour was removed "
           "completely.\nDISCUSSION\nThe final diagnosis was alveolar rhabdomyosarcoma. She received radiotherapy "
           "and chemotherapy with vincristine and ifosfamide.", terms)
    assert {"radiotherapy", "chemotherapy"} <= kinds_of(f, terms)
    assert {a for i in f.interventions for a in i.agents} == {"vincristine", "ifosfamide"}


def test_levels_of_a_hemilaminectomy_are_the_procedures(terms):
    f = ex("A 12-year-old girl had an epidural sarcoma at T5. She underwent T6 hemilaminectomy.", terms)
    assert [lv.vertebra for lv in f.tumour.levels] == ["T5"]


def test_death_ends_the_timeline(terms):
    f = ex(START + "After an amputation she never regained consciousness and died. At autopsy, metastases were "
           "found in the pleura and kidney.", terms)
    assert last(f, terms)[0] == "death"
    assert {"pleura", "kidney"} <= met_keys(f, terms)


def test_a_metastasis_invading_a_neighbour_makes_it_metastatic(terms):
    f = ex("A 37-year-old man had a dermatofibrosarcoma protuberans of the shoulder that was excised. Three years "
           "later lung metastases were found. The largest nodule was resected with the adjacent parietal pleura "
           "because of infiltration.", terms)
    assert met_keys(f, terms) == {"lung", "pleura"}


def test_a_metastatic_mass_at_levels_and_its_compartments(terms):
    f = ex("A 41-year-old woman had a myxoid liposarcoma of the thigh, resected, and adjuvant chemotherapy. "
           "Eighteen months on, a spinal metastasis eroding the vertebral bodies at the C6-T1 level was seen on MRI. "
           "The lesion had both extradural and intradural parts.", terms)
    assert [lv.vertebra for lv in f.tumour.levels] == ["C6", "C7", "T1"]
    assert {"vertebral column", "spinal canal"} <= met_keys(f, terms)


def test_levels_of_an_epidural_tumour_are_the_canal(terms):
    f = ex("A 12-year-old girl had an epidural mass at the T11-T12 level, removed completely.", terms)
    assert "vertebral column" not in site_keys(f, terms) and "spinal canal" in site_keys(f, terms)


def test_boost_fractions_in_words():
    r = read("24 Gy was given in 15 fractions of 1.6 Gy, followed by a 16 Gy boost in eight fractions of 2 Gy.")
    assert (r.dose_gy, r.fractions) == (40, 23)


@pytest.mark.parametrize("story,status", [
    ("Peritoneal metastases were irradiated. A PET scan 8 weeks later showed a complete metabolic response.",
     "no evidence of disease"),
    ("Peritoneal metastases were irradiated. At 20 weeks the lesions had disappeared, but for three tiny "
     "residual nodules.", "partial response"),
])
def test_response_qualified_or_lesions_gone(terms, story, status):
    f = ex(START + story, terms)
    assert last(f, terms)[0] == status


def test_peritoneal_seeding_is_a_metastasis(terms):
    f = ex(START + "Two years later CT showed peritoneal seeding.", terms)
    assert "peritoneum" in met_keys(f, terms)


def test_tyrosine_kinase_inhibitors_are_targeted_therapy(terms):
    f = ex("A 63-year-old woman whose small-bowel GIST had been given several TKIs came back with a T9 "
           "vertebral tumour.", terms)
    assert "targeted therapy" in kinds_of(f, terms)


def test_monoparesis_is_a_symptom_not_a_site(terms):
    f = ex("A 15-year-old girl presented with a right lower extremity monoparesis due to a T4 osteosarcoma.", terms)
    assert "lower limb" not in site_keys(f, terms)


# ------------------------------------------------------------- more drugs and radiotherapy techniques by name
@pytest.mark.parametrize("sentence,agents,modality", [
    ("After progression on imatinib she was switched to Qinlock.", {"imatinib", "ripretinib"}, "targeted therapy"),
    ("Isolated limb perfusion with melphalan and TNF-alpha was performed.", {"melphalan", "tasonermin"},
     "chemotherapy"),
    ("Hormonal therapy with Arimidex was started.", {"anastrozole"}, "hormone therapy"),
])
def test_more_drugs_by_generic_or_brand(terms, sentence, agents, modality):
    f = ex("A 55-year-old woman had a sarcoma of the thigh. " + sentence, terms)
    assert agents <= {a for i in f.interventions for a in i.agents}
    assert modality in kinds_of(f, terms)


def test_radiotherapy_techniques_by_name(terms):
    f = ex("A 55-year-old woman had a sarcoma of the sacrum. She was treated with CyberKnife, 24 Gy in 3 fractions.",
           terms)
    assert "radiotherapy" in kinds_of(f, terms) and rt_of(f, terms) == (24, 3)


PRESENT = "A 40-year-old man presented with a leiomyosarcoma of the thigh. "


@pytest.mark.parametrize("sentence,met", [
    ("Staging CT showed multiple metastases including the lung, liver and bone.", {"lung", "liver", "bone"}),
    ("Staging showed metastatic disease involving the liver and both lungs.", {"liver", "lung"}),
    ("Metastases were found in the right lung and in the left adrenal gland.", {"lung", "adrenal gland"}),
    ("A bone scan showed uptake in the ribs, consistent with metastases.", {"rib"}),
    ("There were no metastases in the lung or liver.", set()),
])
def test_metastases_at_presentation_phrasings(terms, sentence, met):
    f = ex(PRESENT + sentence, terms)
    assert met_keys(f, terms) == met


@pytest.mark.parametrize("story,status,months", [
    ("Lung metastases were treated with doxorubicin. Eight months later a CT scan showed stable pulmonary nodules.",
     "stable disease", None),
    ("She was treated for lung metastases and remains disease-free 4 years after diagnosis.",
     "no evidence of disease", 48),
    ("She has been followed for 3 years without recurrence.", "no evidence of disease", 36),
])
def test_more_last_status_kinds(terms, story, status, months):
    f = ex(START + story, terms)
    st, mo = last(f, terms)
    assert st == status and (months is None or mo == months)


@pytest.mark.parametrize("sentence,dose,fx", [
    ("Carbon-ion radiotherapy of 70.4 Gy (RBE) in 16 fractions was given.", 70.4, 16),
    ("Proton therapy delivered 74 GyE in 37 fractions.", 74, 37),
    ("Protons were given to 73.8 CGE in 41 fractions.", 73.8, 41),
    ("A single fraction of 8 Gy was given for pain.", 8, 1),
])
def test_rt_particle_units_and_single_fraction(sentence, dose, fx):
    r = read(sentence)
    assert (r.dose_gy, r.fractions) == (dose, fx)


@pytest.mark.parametrize("header,year", [
    ("Case Reports in Imaginary Medicine\nVolume 2016, Article ID 1234567, 4 pages\n", 2016),
    ("J Imag Case Rep 2019, 13:62\n", 2019),
    ("Date of Publication: 03/12/2018\n", 2018),
])
def test_year_article_id_bmc_and_numeric_forms(header, year):
    from sarcokg.extract.metadata import extract_metadata
    md = extract_metadata(header + "A 60-year-old man had a sarcoma.\n", None)
    assert md.year is not None and md.year.value == year


@pytest.mark.parametrize("text,absent", [
    ("A 50-year-old man had a leiomyosarcoma of the thigh, resected and covered with a gluteal flap.", "pelvis"),
    ("A 50-year-old man had a leiomyosarcoma of the thigh, resected under anaesthesia with a laryngeal mask.",
     "head and neck"),
    ("A 50-year-old man with an inguinal hernia had a liposarcoma of the thigh, which was resected.", "pelvis"),
])
def test_site_words_naming_a_flap_device_or_other_condition(terms, text, absent):
    f = ex(text, terms)
    assert absent not in site_keys(f, terms) and "thigh" in site_keys(f, terms)


def test_heading_fast_rejection_changes_nothing():
    """heading_of's one-match rejection is a superset test: on every corpus line and sentence it
    gives what the plain prefix test gives."""
    from pathlib import Path

    from sarcokg.extract import textprep as tp

    def plain(line):
        s = line.strip().lstrip("-\u2022*# ").strip()
        if not s or not s.lstrip("0123456789. ").lower().startswith(tp._HEAD_PREFIXES):
            return None
        return "maybe"

    corpus = Path(__file__).parents[1] / ".." / "shared" / "corpus"
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*/*.txt"))]
    if not texts:
        pytest.skip("shared corpus not present")
    for t in texts:
        for x in t.split("\n") + [s.text for s in tp.split_sentences(t)]:
            if plain(x) is None:
                assert tp.heading_of(x) is None
            else:
                assert tp._HEAD_START_RX.match(x), x[:60]


@pytest.mark.parametrize("story,dose,fx", [
    ("Radiotherapy was planned to 70 Gy in 35 fractions. He received 46 Gy in 23 fractions before it was stopped "
     "for toxicity.", 46, 23),
    ("Proton therapy of 70.2 GyE was planned; treatment was interrupted after 30 fractions (54 GyE).", 54, 30),
])
def test_rt_delivered_over_planned_across_sentences(terms, story, dose, fx):
    f = ex("A 50-year-old man had a chordoma of the sacrum. " + story, terms)
    assert rt_of(f, terms) == (dose, fx)


# ------------------------------------------------------------- fresh-train round (extract2): text layout
def test_hard_wrapped_lines_are_one_sentence(terms):
    """A PDF's hard wrap inside a sentence: the site on the next line still belongs to the tumour."""
    f = ex("Here we describe an unusual case of a myxoid\nliposarcoma in a middle-aged female.\n"
           "The woman was found to have a myxoid liposarcoma placed\nin the left upper arm, for which she had\n"
           "surgery.", terms)
    assert "upper limb" in site_keys(f, terms)
    assert f.sex.value == "female"


def test_structured_abstract_heading_run_into_its_text(terms):
    """'Conclusions Doxorubicin ...' with a space only: the heading closes the case, its text is no fact."""
    f = ex("Case presentation A 30-year-old woman had a leiomyosarcoma of the thigh. She underwent resection. "
           "Conclusions Doxorubicin is the usual first drug in such tumours.", terms)
    assert [a for i in f.interventions for a in i.agents] == []
    g = ex("Background Such tumours are rare. Case presentation Nine years old girl with an embryonal "
           "rhabdomyosarcoma of the bladder was treated with chemotherapy.", terms)
    assert g.age.value == 9 and g.sex.value == "female"


def test_age_with_a_half_year(terms):
    f = ex("A 12 1/2-year-old boy had an osteosarcoma of the femur.", terms)
    assert f.age.value == 12


def test_boost_with_unstated_fractions_leaves_the_count_open(terms):
    f = ex("A 40-year-old man had a synovial sarcoma of the thigh. He received 45 Gy/25 fr to the limb and a "
           "9 Gy sequential boost to the tumour bed.", terms)
    assert rt_of(f, terms) == (54, None)


# ------------------------------------------------------------- fresh-train round (extract2): outcome and time
@pytest.mark.parametrize("story,status,months", [
    # the disease a time is counted from is no new event
    ("Liver metastases appeared 5 months later and were resected. She is well and free of tumour 30 months "
     "after the diagnosis of the metastatic disease.", "no evidence of disease", 30),
    # one negation over a list of findings
    ("No evidence of local recurrence and distal lung metastasis was seen 20 months after the operation.",
     "no evidence of disease", 20),
    # disease held in check: stable
    ("A single lung metastasis then appeared and was treated with oral chemotherapy. The metastasis has been "
     "well controlled for 13 months.", "stable disease", 13),
    # a half year in the time
    ("She remains free of disease 4 1/2 years after the surgery.", "no evidence of disease", 54),
    # 'subsequent to'
    ("A complete response was seen on imaging 3 months subsequent to chemotherapy.", "no evidence of disease", 3),
])
def test_outcome_kinds_fresh(terms, story, status, months):
    assert last(ex(START + story, terms), terms) == (status, months)


def test_progression_free_survival_is_no_status(terms):
    f = ex(START + "She then had chemotherapy, with a progression-free survival of 9 months.", terms)
    assert last(f, terms)[0] is None


def test_time_from_a_hospital_stay_is_no_follow_up(terms):
    f = ex(START + "Liver metastases followed, and she died 10 days after discharge from the ward.", terms)
    assert last(f, terms) == ("death", None)


# ------------------------------------------------------------- fresh-train round (extract2): knowledge
@pytest.mark.parametrize("sentence", [
    "A 30-year-old woman with an osteosarcoma of the jaw underwent segmental mandibulectomy.",
    "A 41-year-old man with a Ewing sarcoma of the seventh rib had a costectomy.",
    "A 50-year-old woman with a leiomyosarcoma of L2 underwent partial spondylectomy.",
    "A 62-year-old man with a synovial sarcoma had a pulmonary metastasectomy.",
])
def test_resections_named_by_the_organ(terms, sentence):
    assert "surgery" in {terms.get("intervention", i.kind).summary_key for i in ex(sentence, terms).interventions}


@pytest.mark.parametrize("sentence,agent", [
    ("A 70-year-old woman with lung metastases of a leiomyosarcoma was given oral TS-1 chemotherapy.", "tegafur"),
    ("A 25-year-old man with a round cell sarcoma received chemotherapy with pirarubicin and ifosfamide.",
     "pirarubicin"),
])
def test_more_agents_by_name(terms, sentence, agent):
    f = ex(sentence, terms)
    assert agent in {terms.get("agent", a).label for i in f.interventions for a in i.agents}


@pytest.mark.parametrize("header,year", [
    ("Example Radiation Science (Mar 2014)\n", 2014),          # journal name with the issue's month and year
    ("Example Journal | Ausgabe 3/2016\n", 2016),                # issue/year
    ("Example J Med no.7 Lisbon oct. 2020  Epub 12-Oct-2020\n", 2020),   # an Epub date with dashes
])
def test_year_fresh_header_forms(terms, header, year):
    f = ex(header + "Chordoma of the sacrum: a case report\nA 60-year-old man had a chordoma of the sacrum.", terms)
    assert f.metadata.year is not None and f.metadata.year.value == year


def test_multiple_bone_metastases_keep_bone_beside_the_named_one(terms):
    f = ex("A 30-year-old woman had a synovial sarcoma of the thigh, which was excised. A year later she developed "
           "multiple bone metastases, one of them in the sacrum.", terms)
    assert {"bone", "sacrum"} <= met_keys(f, terms)
    g = ex("A 30-year-old woman had a synovial sarcoma of the thigh, which was excised. A year later she developed "
           "a bone metastasis in the sacrum.", terms)
    assert "bone" not in site_keys(g, terms)


def test_a_reconstruction_names_no_site(terms):
    f = ex("A 14-year-old boy had an osteosarcoma of the mandible, resected with immediate bone reconstruction.",
           terms)
    assert "bone" not in site_keys(f, terms) and "head and neck" in site_keys(f, terms)


# ------------------------------------------------------------- fresh-train round 2 (extract2)
@pytest.mark.parametrize("story,status,months", [
    ("Lung metastases followed, and forty-three months after the diagnosis she died.", "death", 43),
    ("She is free of disease at the 3rd year follow-up, with no evidence of local recurrence, metastasis or "
     "hardware failure.", "no evidence of disease", 36),
    ("A brain metastasis was resected later. She is alive and well 5 years after that operation.",
     "no evidence of disease", 60),
    ("She refused further treatment. At the last visit, 8 months later, the tumour remains under control.",
     "stable disease", 8),
])
def test_outcome_kinds_fresh_round2(terms, story, status, months):
    assert last(ex(START + story, terms), terms) == (status, months)


def test_a_study_that_presents_a_case_opens_the_case(terms):
    f = ex("Abstract\nSuch tumours usually arise in soft tissue. The present study describes a case of an epithelioid "
           "angiosarcoma destroying the L3 vertebra. It was treated with decompression and posterior fixation.",
           terms)
    assert [lv.vertebra for lv in f.tumour.levels] == ["L3"]
    assert "surgery" in {terms.get("intervention", i.kind).summary_key for i in f.interventions}


def test_rt_slash_and_a_singular_fraction_noun():
    r = read("Proton therapy (66 GyE / 30 fraction) was given.")
    assert (r.dose_gy, r.fractions) == (66, 30)


def test_treatment_for_another_tumour_and_radiation_as_a_cause(terms):
    f = ex("We describe a radiation-induced MPNST of the fifth cervical nerve in a 39-year-old woman, 20 years after "
           "cranial radiotherapy of 54 Gy for a medulloblastoma.", terms)
    assert rt_of(f, terms) == (None, None) and "radiotherapy" not in kinds_of(f, terms)
    assert "brain" not in site_keys(f, terms)


def test_mri_weightings_in_a_list_are_no_levels(terms):
    f = ex("A 50-year-old man had a chordoma at C3, hypointense on T1 and T2-weighted images.", terms)
    assert [lv.vertebra for lv in f.tumour.levels] == ["C3"]


@pytest.mark.parametrize("text,absent", [
    ("A 61-year-old man had a sarcoma of the T9 vertebra. The spinal cord was compressed and displaced by the "
     "tumour.", "spinal cord"),
    ("A 40-year-old woman had an intradural angiosarcoma at L1 with paralysis of both lower limbs.", "lower limb"),
    ("A 40-year-old woman had an intradural angiosarcoma at L1; a small tumour remnant lay below the conus "
     "medullaris.", "spinal cord"),
])
def test_sites_that_are_only_pressed_paralysed_or_a_landmark(terms, text, absent):
    assert absent not in site_keys(ex(text, terms), terms)


@pytest.mark.parametrize("header,year", [
    ("Exp. Sarc., 12 March 2021\n", 2021),                     # journal abbreviation with the publication date
    ("Cite\nDoe, J., & Roe, R. (2012). Chordoma of the sacrum: a case report.\n", 2012),   # author-date citation
])
def test_year_fresh_header_forms_round2(terms, header, year):
    f = ex(header + "Chordoma of the sacrum: a case report\nA 60-year-old man had a chordoma of the sacrum.", terms)
    assert f.metadata.year is not None and f.metadata.year.value == year


def test_a_research_topic_line_is_no_title(terms):
    f = ex("Part of the Research Topic: Progress in abdominal sarcoma surgery\n"
           "Dedifferentiated liposarcoma of the retroperitoneum: a case report\n"
           "A 58-year-old man had a dedifferentiated liposarcoma of the retroperitoneum.", terms)
    assert f.metadata.title.value.startswith("Dedifferentiated liposarcoma")


def test_a_treatment_judged_too_hard_was_not_given(terms):
    f = ex("A 70-year-old man had a sarcoma of the T10 vertebra, where corpectomy would have been too risky. "
           "En bloc spondylectomy was considered to be too challenging; carbon ion radiotherapy was given.", terms)
    assert kinds_of(f, terms) == {"radiotherapy"}


def test_a_remaining_mass_is_disease_left(terms):
    f = ex(START + "Three weeks after the operation, MRI showed that a small mass remained in the popliteal fossa.",
           terms)
    assert last(f, terms)[0] == "alive with disease"


# ------------------------------------------------------------- fresh-train round 3 (extract2)
@pytest.mark.parametrize("sentence,code", [
    ("A 15-year-old boy had an osteogenic sarcoma of the tibia.", "OS"),
    ("A 30-year-old woman had a neurofibrosarcoma of the sciatic region.", "MPNST"),
    ("A 20-year-old man had a synovial cell sarcoma of the knee.", "SYNS"),
])
def test_older_names_of_tumour_types(terms, sentence, code):
    f = ex(sentence, terms)
    assert f.tumour.types and f.tumour.types[0].value == code


def test_levels_of_a_fusion_range_and_of_a_kyphosis_are_not_the_tumours(terms):
    f = ex("A 16-year-old boy had an osteosarcoma of C2, resected with a fusion between the cranium and the fourth "
           "cervical vertebra. Later a mild C5/6 junctional kyphosis was seen.", terms)
    assert [lv.vertebra for lv in f.tumour.levels] == ["C2"]


def test_tumour_free_margins_are_no_status(terms):
    f = ex("A 60-year-old man had a chordoma of the sacrum, excised with tumour-free margins.", terms)
    assert last(f, terms)[0] is None


def test_a_radiation_field_names_no_site(terms):
    f = ex("A 60-year-old man had a chordoma of the sacrum. Pelvic box tumour dose: 50 Gy in 25 fractions.",
           terms)
    assert "pelvis" not in site_keys(f, terms)


def test_metastatic_tumour_involving_an_organ(terms):
    f = ex("A 45-year-old man had a synovial sarcoma of the forearm, resected with wide margins. Three years later he "
           "had metastatic synovial sarcoma involving the wall of the small bowel.", terms)
    assert "small intestine" in met_keys(f, terms)


@pytest.mark.parametrize("header,year", [
    ("Imaginary J Spine Surg. 2019 Volume 12 Number 3.\n", 2019),
    ("Roe, A. and Doe, B. (2016) Chordoma of the sacrum. Imaginary Oncology, 4, 1-5.\n", 2016),
])
def test_year_fresh_header_forms_round3(terms, header, year):
    f = ex(header + "Chordoma of the sacrum: a case report\nA 60-year-old man had a chordoma of the sacrum.", terms)
    assert f.metadata.year is not None and f.metadata.year.value == year


def test_a_time_at_the_time_of_writing_is_the_follow_up(terms):
    f = ex(START + "At the time of writing, 30 months after the operation, she was in good health.", terms)
    assert last(f, terms)[1] == 30


# ------------------------------------------------------------- fresh-train round 4 (extract2)
def test_a_resemblance_is_not_the_diagnosis_nor_a_components_grade(terms):
    f = ex("A 40-year-old man had a tumour of the humerus. The specimen held one focus of low-grade chondrosarcoma "
           "beside areas with Ewing-like features; the diagnosis was dedifferentiated chondrosarcoma.", terms)
    assert f.tumour.types[0].value == "DDCHS"
    assert f.tumour.grade is None


def test_a_sustained_response_after_refractory_disease(terms):
    f = ex("We report a woman with a uterine leiomyosarcoma, refractory to doxorubicin, who had a sustained and deep "
           "response to eribulin.", terms)
    assert last(f, terms)[0] == "partial response"


def test_prognostic_factors_are_generic(terms):
    f = ex("We report a case of chondrosarcoma of the femur in a 70-year-old man. The most important factors "
           "affecting survival include prompt diagnosis and wide resection.", terms)
    assert "surgery" not in kinds_of(f, terms)


def test_abdominal_regions_are_the_abdomen(terms):
    f = ex("A 50-year-old man had an epithelioid sarcoma presenting as a mass in the epigastric region.", terms)
    assert "abdomen" in site_keys(f, terms)


def test_a_drug_with_two_letters_swapped(terms):
    f = ex("A 40-year-old woman had a metastatic leiomyosarcoma treated with many lines of chemotherapy. Among them "
           "we saw a long response to gemictabine given alone.", terms)
    assert "gemcitabine" in {terms.get("agent", a).label for i in f.interventions for a in i.agents}


def test_metastases_seen_at_the_last_follow_up(terms):
    f = ex(START + "Lung metastases appeared a year later despite chemotherapy. The latest follow-up CT, 4 years "
           "after diagnosis, showed multiple lung metastases.", terms)
    assert last(f, terms) == ("alive with disease", 48)


# ------------------------------------------------------------- fresh-train round 5 (extract2)
@pytest.mark.parametrize("sentence,own", [
    # no coarse site names these organs: they keep their own word (the gold schema: 'add it anyway')
    ("A 52-year-old woman had a leiomyosarcoma of the inferior vena cava, resected en bloc.", "inferior vena cava"),
    ("A 38-year-old man had a liposarcoma of the spermatic cord.", "spermatic cord"),
    ("A 41-year-old woman had an epithelioid sarcoma of the vulva.", "vulva"),
    ("A 30-year-old man had a synovial sarcoma of the left buttock.", "buttock"),
])
def test_an_organ_no_coarse_site_names_keeps_its_word(terms, sentence, own):
    assert site_keys(ex(sentence, terms), terms) == {own}


def test_a_bounded_time_in_parentheses(terms):
    f = ex(START + "Two recurrences were resected later, which led to a long survival (at least 6 years); she is still "
           "alive.", terms)
    assert last(f, terms)[1] == 72


def test_year_of_an_issue_dated_by_month_beats_the_acceptance(terms):
    f = ex("Case Report\nVolume 6, Number 3, June 2015, pages 10-14\nManuscript accepted for publication May 2, 2014\n"
           "Chordoma of the sacrum: a case report\nA 60-year-old man had a chordoma of the sacrum.", terms)
    assert f.metadata.year.value == 2015
