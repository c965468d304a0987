"""Each named query returns the expected rows on the bundled seed graph.

Expected values come from the curation records (graph/curation/*.json), the
curated truth the seed graphs were made from, not from the query output.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sarcokg.model.terms import load_terms
from sarcokg.query import run as q
from sarcokg.store.kgstore import load

from .conftest import GRAPH, ROOT, SHARED, needs_shared

RECORDS = {p.stem: json.loads(p.read_text()) for p in sorted((GRAPH / "curation").glob("*.json"))}


@pytest.fixture(scope="module")
def kg():
    return load(GRAPH, persistent=False)


def rows(kg, name, *params):
    label, text = q.resolve(name, None)
    res = q.run(kg.store, label, text, list(params))
    names = [v.value for v in res.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in res]


def spine_key(level):
    return load_terms().get("vertebra", level).order


def test_every_query_has_a_header_comment():
    for path in (ROOT / "queries").glob("*.rq"):
        first = path.read_text().splitlines()[0]
        assert first.startswith(f"# {path.stem}:"), path.name


def test_case_summary_matches_the_curated_records(kg):
    got = {r["report"]: r for r in rows(kg, "case-summary")}
    assert set(got) == set(RECORDS)
    for rid, rec in RECORDS.items():
        row = got[rid]
        assert row["age"] == str(rec["patient"]["age_years"])
        assert row["sex"] == rec["patient"]["sex"]
        assert row["tumour_type"] == rec["tumour_type"][0]
        assert row["grade"] == rec["grade"]
        assert (row["vertebral_levels"] or "") == "|".join(sorted(rec["vertebral_levels"], key=spine_key))
        assert (row["sites"] or "") == "|".join(sorted(rec["sites"]))
        assert (row["metastatic_sites"] or "") == "|".join(sorted(rec["metastatic_sites"]))
        assert (row["treatments"] or "") == "|".join(sorted(rec["treatments"]))
        assert (row["agents"] or "") == "|".join(sorted(rec["agents"]))
        assert row["outcome"] == rec["outcome"]["status"]
        fu = rec["outcome"]["follow_up_months"]
        assert (float(row["follow_up_months"]) if row["follow_up_months"] else None) == fu
        dose = rec["radiotherapy"]["dose_gy"]
        assert (float(row["rt_dose_gy"]) if row["rt_dose_gy"] else None) == dose
        assert row["pmid"] == rec["metadata"]["pmid"] and row["doi"] == rec["metadata"]["doi"]


def test_levels_are_in_spine_order(kg):
    # Plant a multi-level case in a scratch store: T11 before L2 before S1.
    import pyoxigraph as ox

    from sarcokg.model import facts as F
    from sarcokg.model.rdf import report_triples
    f = F.CaseFacts("scratch", "scratch.txt", "0" * 64)
    f.tumour.types = [F.Value("CHDM")]
    f.tumour.levels = [F.LevelFact(v) for v in ("S1", "L2", "T11", "C7")]
    store = ox.Store()
    for quad in kg.store:
        store.add(quad)
    for s, p, o in report_triples(f, load_terms()):
        store.add(ox.Quad(s, p, o, ox.NamedNode("urn:scratch")))
    label, text = q.resolve("case-summary", None)
    res = {s["report"].value: s["vertebral_levels"].value for s in q.run(store, label, text, [])
           if s["vertebral_levels"] is not None}
    assert res["scratch"] == "C7|T11|L2|S1"


def test_cases_by_region_through_part_of(kg):
    expected = {(rid, lv) for rid, rec in RECORDS.items() for lv in rec["vertebral_levels"] if lv.startswith("L")}
    got = {(r["report"], r["vertebra"]) for r in rows(kg, "cases-by-vertebral-level", "within=sko:LumbarSpine")}
    assert got == expected and expected
    everything = {(rid, lv) for rid, rec in RECORDS.items() for lv in rec["vertebral_levels"]}
    assert {(r["report"], r["vertebra"]) for r in rows(kg, "cases-by-vertebral-level")} == everything
    one = rows(kg, "cases-by-vertebral-level", "within=sko:T11")
    assert {r["vertebra"] for r in one} <= {"T11"}


def test_vertebral_range_expands_across_regions(kg):
    got = rows(kg, "vertebral-range", "from=sko:T11", "to=sko:L2")
    assert [r["vertebra"] for r in got] == ["T11", "T12", "L1", "L2"]
    assert got[1]["above"] == "T11" and got[1]["below"] == "L1"


def test_interventions_and_outcomes_per_tumour_type(kg):
    got = rows(kg, "interventions-by-tumour-type")
    expected = {(rec["tumour_type"][0], t, rec["outcome"]["status"] or "not stated")
                for rec in RECORDS.values() for t in rec["treatments"]}
    assert {(r["tumour_type"], r["modality"], r["outcome"]) for r in got if r["modality"]} == expected
    per_type = {}
    for rec in RECORDS.values():
        per_type[rec["tumour_type"][0]] = per_type.get(rec["tumour_type"][0], 0) + 1
    assert all(1 <= int(r["cases"]) <= per_type[r["tumour_type"]] for r in got)
    out = rows(kg, "outcomes-by-tumour-type")
    assert sum(int(r["cases"]) for r in out) == len(RECORDS)


def test_metastatic_sites_per_tumour_type(kg):
    expected = {(rec["tumour_type"][0], s) for rec in RECORDS.values() for s in rec["metastatic_sites"]}
    got = {(r["tumour_type"], r["site"]) for r in rows(kg, "metastatic-sites-by-tumour-type")}
    assert got == expected


def test_metastatic_vertebral_levels_per_tumour_type_in_spine_order(kg):
    expected = sorted(((rec["tumour_type"][0], lv) for rec in RECORDS.values()
                       if "vertebral column" in rec["metastatic_sites"] for lv in rec["vertebral_levels"]),
                      key=lambda tl: (tl[0], spine_key(tl[1])))
    got = rows(kg, "metastatic-levels-by-tumour-type")
    assert [(r["tumour_type"], r["vertebra"]) for r in got] == expected and expected
    assert all(r["cases"] == "1" and r["region"].endswith("region of vertebral column") for r in got)


def test_follow_up_by_outcome(kg):
    got = {r["outcome"]: r for r in rows(kg, "follow-up-by-outcome")}
    statuses = [rec["outcome"]["status"] or "not stated" for rec in RECORDS.values()]
    assert {k: int(v["cases"]) for k, v in got.items()} == {s: statuses.count(s) for s in set(statuses)}


@needs_shared
def test_case_summary_scores_f1_1_on_the_seeds(tmp_path):
    out = tmp_path / "s.json"
    p = subprocess.run([sys.executable, "-m", "sarcokg.cli", "query", "case-summary", "--format", "json",
                        "-o", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    score = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), "--gold",
                            str(SHARED / "corpus" / "seeds"), "--pred", str(out)], capture_output=True, text=True)
    assert score.stdout.strip().splitlines()[-1].endswith("F1 1.000"), score.stdout
