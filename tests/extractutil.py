"""Shared by the extraction tests: one invented text through the extractor (the `terms` fixture
is in conftest.py)."""
from __future__ import annotations

from sarcokg.extract import extract


def ex(text, terms):
    """The case facts of one invented text."""
    return extract(text, report_id="t", source_file="t.txt", source_sha256="0" * 64, terms=terms)


def kinds(text, terms):
    """The intervention kinds of one invented text."""
    return {i.kind for i in ex(text, terms).interventions}


def sites(text, terms):
    """The site keys of one invented text."""
    return {s.site for s in ex(text, terms).tumour.sites}


def statuses(text, terms):
    """The outcome statuses of one invented text, in timeline order."""
    return [o.status for o in ex(text, terms).outcomes]


def metastatic(text, terms):
    """Each site key of one invented text with whether it is a metastasis."""
    return {s.site: s.metastatic for s in ex(text, terms).tumour.sites}


def year(text, terms):
    """The publication year of one invented text, None when none is read."""
    y = ex(text, terms).metadata.year
    return y and y.value


def grade(text, terms):
    """The tumour grade of one invented text, None when none is read."""
    g = ex(text, terms).tumour.grade
    return g and g.value
