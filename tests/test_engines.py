"""The named queries give the same rows on another SPARQL engine (rdflib) as on
the project's Oxigraph path, so they mean the same on every store the graph is
pushed to (Virtuoso and Jena ARQ are compared by bench/compare_stores.py).

Rows are compared as RDF terms, numbers by value, in the query's order. The
graphs: the bundled graph with the seed and dev reports ingested from
../shared, and synthetic reports plus hand-made cases that hit what engines
disagree on: a second radiotherapy course without a dose, a last observation
without follow-up months after one with, a case without any follow-up.
"""
from __future__ import annotations

import shutil
import sys

import pytest

from sarcokg.model import facts as F
from sarcokg.model.rdf import report_turtle
from sarcokg.model.terms import load_terms
from sarcokg.query import run as q

from .conftest import GRAPH, ROOT, SHARED, synth_graphs

sys.path.insert(0, str(ROOT / "bench"))
from compare_stores import differences, local_rows, rdflib_graph, rdflib_rows  # noqa: E402

NAMES = list(q.named_queries())


def odd_case(rid: str, courses: list[tuple[float | None, int | None]],
             outcomes: list[tuple[str | None, float | None]], code: str = "CHDM") -> str:
    """A report graph with radiotherapy courses (dose, fractions) and outcome
    observations (status, months), in order."""
    f = F.CaseFacts(rid, f"{rid}.txt", "0" * 64)
    f.age = F.Value(50)
    f.sex = F.Value("female")
    f.tumour.types = [F.Value(code)]
    f.tumour.levels = [F.LevelFact("L2", metastatic=True)]
    f.tumour.sites = [F.SiteFact("vertebral column"), F.SiteFact("lung", metastatic=True)]
    f.interventions = [F.InterventionFact("resection")]
    f.interventions += [F.InterventionFact("radiotherapy", dose_gy=d, fractions=n) for d, n in courses]
    f.outcomes = [F.OutcomeFact(status=s, months=m, since="diagnosis") for s, m in outcomes]
    return report_turtle(f, load_terms())


ODD = {
    # the known dose must not disappear behind a course without one
    "odd-second-course": ([(50.0, 25), (None, None)], [("stable disease", 6.0), ("death", 14.0)]),
    "odd-first-course": ([(None, None), (60.0, None)], [("recurrence", 3.0)]),
    # last observation without months, an earlier one with (no follow-up: the last has no time)
    "odd-last-without-months": ([], [("stable disease", 12.0), ("death", None)]),
    # no follow-up at all, in a group that has some
    "odd-no-follow-up": ([(45.0, 15)], [("death", None)]),
    "odd-no-outcome": ([], []),
    "odd-status-unknown": ([], [(None, 9.0)]),
}


@pytest.fixture(scope="module")
def corpus_kg(tmp_path_factory):
    """The bundled graph plus the seed and dev reports of ../shared, ingested."""
    kg = tmp_path_factory.mktemp("engines") / "kg"
    shutil.copytree(GRAPH, kg, ignore=shutil.ignore_patterns(".sarcokg"))
    texts = sorted((SHARED / "corpus").glob("seeds/*.txt")) + sorted((SHARED / "corpus").glob("dev/*.txt"))
    if texts:
        from sarcokg.ingest.pipeline import ingest_files
        assert ingest_files(texts, kg, validate=False, echo=lambda *a, **k: None) == 0
    return kg


@pytest.fixture(scope="module")
def synth_kg(tmp_path_factory):
    """60 synthetic reports and the odd cases above."""
    kg = tmp_path_factory.mktemp("engines") / "synth"
    synth_graphs(kg, 60)
    for rid, (courses, outcomes) in ODD.items():
        (kg / f"{rid}.ttl").write_text(odd_case(rid, courses, outcomes), encoding="utf-8")
    return kg


_GRAPHS: dict = {}


def _compare(kg, name):
    graph = _GRAPHS.get(kg) or _GRAPHS.setdefault(kg, rdflib_graph(kg))
    cols, mine = local_rows(kg, name)
    text = q.resolve(name, None)[1]
    their_cols, theirs = rdflib_rows(graph, text)
    assert their_cols == cols
    assert differences(cols, mine, theirs) == [], name
    return cols, mine


@pytest.mark.parametrize("name", NAMES)
def test_same_rows_on_rdflib_bundled_and_corpus(corpus_kg, name):
    _compare(corpus_kg, name)


@pytest.mark.parametrize("name", NAMES)
def test_same_rows_on_rdflib_synthetic(synth_kg, name):
    _compare(synth_kg, name)


def test_the_known_dose_survives_a_course_without_one(synth_kg):
    cols, rows = local_rows(synth_kg, "case-summary")
    got = {r[0][1]: dict(zip(cols, r, strict=True)) for r in rows}
    second = got["odd-second-course"]
    assert second["rt_dose_gy"][1] == 50 and second["rt_fractions"][1] == 25
    first = got["odd-first-course"]
    assert first["rt_dose_gy"][1] == 60 and first["rt_fractions"] is None
    # the follow-up is the last observation's own time: an earlier one's 12 months is not it
    assert got["odd-last-without-months"]["follow_up_months"] is None
    assert got["odd-second-course"]["follow_up_months"][1] == 14
    assert got["odd-last-without-months"]["outcome"][1] == "death"
    assert got["odd-no-follow-up"]["follow_up_months"] is None


def test_the_radiotherapy_test_reaches_every_kind():
    """case-summary finds a radiotherapy course by up to four subclass steps
    (not a * path, which Virtuoso 7.2 drops there): every kind of radiotherapy
    in the ontology must be within them."""
    import re

    import pyoxigraph as ox

    from sarcokg.store.kgstore import ontology_path
    store = ox.Store()
    store.load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
    text = q.resolve("case-summary", None)[1]
    test = re.search(r"FILTER\(\?kind = sko:Radiotherapy.*?\)\n", text, re.S)
    assert test is not None
    prefixes = ("PREFIX sko: <https://w3id.org/sarcokg/ontology#> "
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")
    every = {s["kind"] for s in
             store.query(prefixes + "SELECT ?kind WHERE { ?kind rdfs:subClassOf* sko:Radiotherapy }")}
    candidates = "{ ?kind rdfs:subClassOf ?c } UNION { VALUES ?kind { sko:Radiotherapy } } "
    found = {s["kind"] for s in store.query(prefixes + "SELECT DISTINCT ?kind WHERE { " + candidates
                                             + test.group() + "}")}
    assert len(every) > 3 and found == every
