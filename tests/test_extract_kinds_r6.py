"""Kinds of writing met on fresh real reports after their blind score was taken
(issue #15, sixth round: blind sets 14 and 15 read). One invented sentence each;
none comes from a report. The positive cases failed before their rule; the
negative ones guard the rule."""
from __future__ import annotations

from .extractutil import ex


def test_the_sex_noun_after_the_patients_age_said_again(terms):
    text = ("Chordoma of the sacrum in a 79-year-old. Methods. We detail a 79-year-old male who presented with "
            "back pain; a chordoma of S2 was resected.")
    sex = ex(text, terms).sex
    assert sex is not None and sex.value == "male"


def test_another_age_with_a_sex_noun_says_nothing_of_the_patient(terms):
    text = ("Chordoma of the sacrum in a 79-year-old. Methods. The oldest patient reported before was a "
            "68-year-old woman; a chordoma of S2 was resected.")
    assert ex(text, terms).sex is None
