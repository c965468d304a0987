"""Kinds of writing met on fresh real reports after their blind score was taken
(issue #15, third round). One invented sentence each; none comes from a report.
The positive cases failed before their rule; the negative ones guard the rule."""
from __future__ import annotations

import pytest

from sarcokg.extract import extract
from sarcokg.model.terms import load_terms


@pytest.fixture(scope="module")
def terms():
    return load_terms()


def ex(text, terms):
    return extract(text, report_id="t", source_file="t.txt", source_sha256="0" * 64, terms=terms)


def kinds(text, terms):
    return {i.kind for i in ex(text, terms).interventions}


def sites(text, terms):
    return {s.site for s in ex(text, terms).tumour.sites}


def test_procedure_plurals_in_y_are_matched(terms):
    text = "A 52-year-old woman had an angiosarcoma of the breast. She had bilateral mastectomies in May."
    assert "mastectomy" in kinds(text, terms)


@pytest.mark.parametrize("text,expected", [
    # one negation governs the whole list
    ("A 50-year-old woman had an angiosarcoma of the breast. Over the mass there were no skin changes, "
     "ulcers, or enlarged lymph nodes.", {"breast"}),
    ("A 50-year-old woman had a sarcoma of the thigh. No cough, fever, or lung nodules were found.", {"thigh"}),
    # an item that opens with its own negation does not negate the items after it
    ("A 50-year-old woman had a sarcoma. CT found a pelvic mass, without bowel contact, and several liver "
     "metastases.", {"pelvis", "liver"}),
    # a clause after the comma is no list item
    ("A 50-year-old woman had a sarcoma of the thigh with no necrosis, and the tumour invaded the femur.",
     {"thigh", "femur"}),
])
def test_a_negation_governs_a_list_of_findings(text, expected, terms):
    assert sites(text, terms) == expected


def test_a_tumour_acronym_is_not_a_site(terms):
    text = ("A 12-year-old boy had an alveolar rhabdomyosarcoma (ARMS) of the left calf. ARMS is rare at this "
            "age; the ARMS tumour grew fast.")
    assert "upper limb" not in sites(text, terms)


@pytest.mark.parametrize("text", [
    "A 60-year-old man had a chondrosarcoma of L4 causing radiculopathy down his right leg.",
    "A 60-year-old man had a chondrosarcoma of L4; light touch sensation was reduced in the L5 dermatome "
    "of the right leg.",
    "A 60-year-old man had a leiomyosarcoma of T9. The tumour left him with a neurogenic bowel and bladder.",
])
def test_a_body_part_named_for_a_neurological_finding_is_not_a_site(text, terms):
    assert sites(text, terms) == {"vertebral column"}


RIS = ("TY  - JOUR\nT1  - Spinal leiomyosarcoma of the ninth thoracic vertebra\nAU  - Doe, Jane\nPY  - 2011/3\n"
       "DO  - 10.1234/abcd.5678\nAB  - We describe a 50-year-old man with a leiomyosarcoma of the T9 vertebra "
       "treated by resection.\nER  - \n")


def test_a_ris_record_gives_title_and_year_and_its_tags_are_no_vertebrae(terms):
    c = ex(RIS, terms)
    assert c.metadata.year.value == 2011
    assert c.metadata.title.value == "Spinal leiomyosarcoma of the ninth thoracic vertebra"
    assert [lv.vertebra for lv in c.tumour.levels] == ["T9"]


def test_a_tag_like_line_outside_a_ris_record_is_read_as_text(terms):
    text = "Case report\nT1 - T2 instability followed. A 50-year-old man had a leiomyosarcoma of T1.\n"
    assert "T1" in [lv.vertebra for lv in ex(text, terms).tumour.levels]
