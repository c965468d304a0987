"""Kinds of writing found by probing the extractor with invented pages of common
publishers' layouts (issue #15, tenth round). One invented sentence each; none
comes from a report. The positive cases failed before their rule; the negative
ones guard the rule."""
from __future__ import annotations

import pytest

from .extractutil import ex

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
