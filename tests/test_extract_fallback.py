"""A page whose case part names no tumour type still gets the type it names
elsewhere (issue #15): a report that was not recognised as a case would
otherwise fail ingest as 'describes no sarcoma case', and with it a whole
batch's exit code. Invented texts only."""
from __future__ import annotations

from sarcokg.extract import extract


def types(text, terms):
    f = extract(text, report_id="t", source_file="t.txt", source_sha256="0" * 64, terms=terms)
    return [(v.value, v.confidence) for v in f.tumour.types]


ONLY_BACKGROUND = (
    "Introduction\n"
    "Myxoid liposarcoma is a fat-forming tumour of adults that favours the limbs. "
    "It is sometimes mistaken for a benign lesion.\n"
    "Keywords: myxoid liposarcoma; limb; excision\n")


def test_type_named_only_outside_the_case_is_taken_with_low_confidence(terms):
    assert types(ONLY_BACKGROUND, terms) == [("MRLS", 0.5)]


def test_a_case_sentence_still_decides_when_there_is_one(terms):
    text = ONLY_BACKGROUND + "Case report\nA 61-year-old woman was diagnosed with a synovial sarcoma of the knee.\n"
    assert types(text, terms)[0] == ("SYNS", 0.9)


def test_references_negations_and_differentials_give_no_type(terms):
    text = ("Introduction\nThe differential diagnosis included myxoid liposarcoma.\n"
            "There was no evidence of angiosarcoma.\n"
            "References\n1. Author A. Chordoma of the clivus. J Example. 2001;3:1-4.\n")
    assert types(text, terms) == []


def test_the_type_named_most_often_wins(terms):
    text = ("Abstract\nChordoma is rare. Chordoma arises from notochord remnants. "
            "A chondrosarcoma can look similar on imaging.\n")
    assert types(text, terms)[0][0] == "CHDM"


def test_an_unspecified_sarcoma_is_sarcoma_nos(terms):
    assert types("A 45-year-old woman had a sarcoma of the right atrium, which was resected.", terms)[0][0] == "SARCNOS"


def test_a_page_that_only_says_sarcoma_still_gets_a_type(terms):
    text = "Introduction\nSarcoma of the heart is rare and hard to treat.\nReferences\n1. A chordoma paper.\n"
    assert types(text, terms)[0][0] == "SARCNOS"


def test_a_kind_of_sarcoma_named_elsewhere_beats_a_bare_sarcoma_in_the_case(terms):
    intro = "Spine tumours\nIntroduction\nPrimary intradural extraskeletal Ewing sarcoma of the neck is very rare.\n"
    case = "Case report\nA 30-year-old man had a sarcoma of the cervical spine, which was resected.\n"
    assert types(intro + case, terms)[0][0] == "ESST"
    benign = "Introduction\nA cardiac myxoma can look much the same on imaging.\n"
    assert types(benign + case, terms)[0][0] == "SARCNOS"
