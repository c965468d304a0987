"""Kinds of writing that unseen reports use (issue #15): one invented sentence each.

Every sentence here was written for this test; none comes from a report.
"""
from __future__ import annotations

import pytest

from sarcokg.extract import extract
from sarcokg.extract.rtdose import read
from sarcokg.terms import load_terms


@pytest.fixture(scope="module")
def terms():
    return load_terms()


def ex(text, terms):
    return extract(text, report_id="t", source_file="t.txt", source_sha256="0" * 64, terms=terms)


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
