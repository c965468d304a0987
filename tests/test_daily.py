"""The commands a curator uses every day: evidence, show, list, remove; ingest's
folder and --quiet; tables that fit the terminal; JSON that ends with a newline;
counts in the right number. In process with click's CliRunner."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sarcokg.cli import main

from .conftest import GRAPH, SHARED, needs_shared

CASE = ("Spinal chondrosarcoma treated by resection: a case report\n\n"
        "A 47-year-old man presented with four months of low back pain. Imaging showed a tumour of the "
        "L3 vertebra. Biopsy confirmed a chondrosarcoma. He underwent total en bloc spondylectomy. "
        "At 18 months after surgery he remains free of disease.\n")
RID = sorted(p.stem for p in GRAPH.glob("*.ttl"))[0]


def cli(*args: object, env: dict[str, str] | None = None, columns: int | None = None):
    env = dict(env or {})
    if columns is not None:
        env["COLUMNS"] = str(columns)
    r = CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)
    return r


def one_line(r, code: int, *words: str) -> str:
    assert r.exit_code == code, (r.exit_code, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def text(tmp_path) -> Path:
    d = tmp_path / "texts"
    d.mkdir()
    p = d / "case.txt"
    p.write_text(CASE, encoding="utf-8")
    return p


@pytest.fixture
def kg(tmp_path, text) -> Path:
    kg = tmp_path / "kg"
    r = cli("ingest", text, "--kg", kg, "--quiet")
    assert r.exit_code == 0, r.stderr
    return kg


# -- evidence -------------------------------------------------------------------

def test_evidence_on_the_bundled_graph_without_text_shows_stored_mentions():
    r = cli("evidence", RID)
    assert r.exit_code == 0, r.stderr
    first = r.stdout.splitlines()[0]
    assert "stored mentions" in first and "not at hand" in first
    assert r.stdout.count('"') >= 10 and "[[" not in r.stdout


def test_evidence_after_ingest_finds_the_text_where_ingest_read_it(kg, text):
    index = (kg / "sources.tsv").read_text(encoding="utf-8").splitlines()
    assert index[0] == "report\tsha256\ttext" and index[1].split("\t")[0] == "case"
    assert index[1].split("\t")[2] == str(text.resolve())
    r = cli("evidence", "case", "--kg", kg)
    assert r.exit_code == 0, r.stderr
    assert f"context from {text.resolve()}" in r.stdout
    assert "[[chondrosarcoma]]" in r.stdout.lower() and "MISMATCH" not in r.stdout


def test_evidence_json_has_each_mention_with_offsets_and_context(kg):
    r = cli("evidence", "case", "--kg", kg, "--format", "json")
    assert r.exit_code == 0 and r.stdout.endswith("}\n")
    data = json.loads(r.stdout)
    assert data["report"] == "case" and data["text"]
    spans = [m for m in data["mentions"] if m["start"] is not None]
    assert spans and all(m["matches"] is True for m in spans)
    assert all(CASE[m["start"]:m["end"]] == m["exact"] for m in spans)
    assert all(m["before"] is not None for m in spans)


def test_evidence_when_the_text_changed_still_shows_stored_mentions(kg, text):
    text.write_text(CASE.replace("47-year-old", "48-year-old"), encoding="utf-8")
    r = cli("evidence", "case", "--kg", kg, "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["text"] is None and "changed since ingest" in data["note"]
    assert all(m["before"] is None for m in data["mentions"]) and data["mentions"]


def test_report_graphs_do_not_depend_on_the_folder_the_text_was_read_from(tmp_path, text):
    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy(text, other / text.name)
    a, b = tmp_path / "a", tmp_path / "b"
    assert cli("ingest", text, "--kg", a, "-q").exit_code == 0
    assert cli("ingest", other / text.name, "--kg", b, "-q").exit_code == 0
    assert (a / "case.ttl").read_bytes() == (b / "case.ttl").read_bytes()
    assert (a / "sources.tsv").read_text() != (b / "sources.tsv").read_text()


@needs_shared
def test_evidence_with_the_seed_text_shows_context():
    r = cli("evidence", RID, "--text", SHARED / "corpus" / "seeds" / f"{RID}.txt")
    assert r.exit_code == 0 and r.stdout.count("[[") >= 5 and "MISMATCH" not in r.stdout


# -- ingest's folder and messages -------------------------------------------------

def test_ingest_and_remove_need_a_folder(text, tmp_path):
    for args in (("ingest", text), ("remove", RID)):
        one_line(cli(*args), 2, "--kg", "SARCOKG_KG")
    assert sorted(p.stem for p in GRAPH.glob("*.ttl"))[0] == RID   # nothing written to or removed from graph/
    assert not (GRAPH / "case.ttl").exists() and not (GRAPH / "sources.tsv").exists()
    kg = tmp_path / "from-env"
    r = cli("ingest", text, env={"SARCOKG_KG": str(kg)})
    assert r.exit_code == 0 and (kg / "case.ttl").is_file()


def test_ingest_quiet_and_plurals(text, tmp_path):
    r = cli("ingest", text, "--kg", tmp_path / "a")
    assert r.exit_code == 0
    assert "ingested 1 of 1 report into" in r.stderr and ", 2 interventions," in r.stdout
    r = cli("ingest", text, "--kg", tmp_path / "b", "--quiet")
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == ""
    bad = tmp_path / "missing.txt"
    r = cli("ingest", text, bad, "--kg", tmp_path / "c", "--quiet")
    assert r.exit_code == 1 and r.stdout == ""
    assert "missing.txt" in r.stderr and "ingested 1 of 2 reports" in r.stderr


def test_plural_words():
    from sarcokg.common.text import plural
    from sarcokg.ingest.pipeline import summarise
    from sarcokg.model import facts as F
    case = F.CaseFacts("x", "x.txt", "0" * 64, interventions=[F.InterventionFact("biopsy")])
    case.tumour.types.append(F.Value("CHS"))
    assert summarise(case) == "CHS, 1 intervention"
    assert [plural(n, "report") for n in (0, 1, 2)] == ["0 reports", "1 report", "2 reports"]
    assert plural(2, "query") == "2 queries" and plural(1, "query") == "1 query"


# -- show, list, remove ---------------------------------------------------------------

def test_show_is_the_case_in_the_model_sections():
    r = cli("show", RID)
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert out.splitlines()[0] == f"{RID} (curated)"
    order = [out.index(s) for s in ("\npatient\n", "\ntumour\n", "  sites\n", "\ninterventions\n", "\noutcomes\n")]
    assert order == sorted(order)
    assert "tumourType: Alveolar Soft Part Sarcoma" in out and "sex: male" in out


def test_show_a_draft_and_a_missing_report(kg):
    r = cli("show", "case", "--kg", kg)
    assert r.exit_code == 0 and r.stdout.startswith("case (draft)")
    assert "interventionType: total en bloc spondylectomy" in r.stdout
    one_line(cli("show", "nope", "--kg", kg), 2, "nope.ttl", "no such report graph")


def test_list_reports_with_status(kg):
    r = cli("list", "--format", "json")
    rows = json.loads(r.stdout)
    assert r.exit_code == 0 and [x["report"] for x in rows] == sorted(p.stem for p in GRAPH.glob("*.ttl"))
    assert {x["status"] for x in rows} == {"curated"} and rows[1]["year"] == "2020"
    assert rows[0]["tumour_type"] == "ASPS"
    r = cli("list", "--kg", kg)
    assert r.exit_code == 0 and "case" in r.stdout and "draft" in r.stdout and r.stdout.endswith("(1 report)\n")


def test_remove_keeps_the_curation_record_unless_asked(tmp_path):
    kg = tmp_path / "kg"
    shutil.copytree(GRAPH, kg, ignore=shutil.ignore_patterns(".sarcokg"))
    first, second = sorted(p.stem for p in GRAPH.glob("*.ttl"))[:2]
    r = cli("remove", first, "--kg", kg)
    assert r.exit_code == 0 and r.stderr.strip() == f"removed {first} from {kg}"
    assert not (kg / f"{first}.ttl").exists() and (kg / "curation" / f"{first}.json").exists()
    r = cli("remove", second, "--kg", kg, "--with-curation")
    assert r.exit_code == 0 and "curation record removed too" in r.stderr
    assert not (kg / "curation" / f"{second}.json").exists()
    rows = json.loads(cli("list", "--kg", kg, "--format", "json").stdout)
    assert first not in {x["report"] for x in rows} and len(rows) == 3
    one_line(cli("remove", first, "--kg", kg), 2, f"{first}.ttl", "no such report graph")


def test_remove_drops_the_sources_line(kg):
    assert "case\t" in (kg / "sources.tsv").read_text()
    assert cli("remove", "case", "--kg", kg).exit_code == 0
    assert (kg / "sources.tsv").read_text() == "report\tsha256\ttext\n"


# -- tables, lists and JSON ---------------------------------------------------------------

def test_case_summary_table_fits_the_terminal():
    for columns in (80, 120, 200):
        r = cli("query", "case-summary", columns=columns)
        assert r.exit_code == 0, r.stderr
        assert max(len(line) for line in r.stdout.splitlines()) <= columns, columns
        assert r.stdout.endswith("(5 rows)\n")
    narrow = cli("query", "case-summary", columns=80).stdout
    assert f"report            {RID}" in narrow   # a record per row
    wide = cli("query", "case-summary", columns=400).stdout
    assert wide.splitlines()[0].split()[:3] == ["report", "pmid", "doi"]   # columns when they fit


def test_table_wraps_cells_when_that_is_enough():
    from sarcokg.views.table import render
    out = render(["id", "title"], [["a", "one two three four five six seven eight"]], width=24)
    lines = out.splitlines()
    assert max(len(x) for x in lines) <= 24 and lines[-1] == "(1 row)"
    assert " ".join(x[4:].strip() for x in lines[2:-1]) == "one two three four five six seven eight"
    out = render(["a", "b"], [["x", "y"], ["z", "w"]], width=80)
    assert out.splitlines() == ["a  b", "-  -", "x  y", "z  w", "(2 rows)"]


def test_kept_results_give_the_same_table(tmp_path):
    kg = tmp_path / "kg"
    shutil.copytree(GRAPH, kg, ignore=shutil.ignore_patterns(".sarcokg"))
    first = cli("query", "case-summary", "--kg", kg, columns=100).stdout
    assert cli("query", "case-summary", "--kg", kg, columns=100).stdout == first


def test_query_list_shows_whole_descriptions_wrapped():
    r = cli("query", "--list", columns=80)
    assert r.exit_code == 0 and max(len(x) for x in r.stdout.splitlines()) <= 80
    flat = " ".join(r.stdout.split())
    assert "Multi-valued cells joined by '|'." in flat and "sarcokg:per-report" not in flat


def test_json_output_ends_with_a_newline():
    for args in (("query", "follow-up-by-outcome", "--format", "json"), ("list", "--format", "json")):
        r = cli(*args)
        assert r.exit_code == 0 and r.stdout.endswith("\n") and not r.stdout.endswith("\n\n")
        json.loads(r.stdout)


def test_validate_counts_in_the_right_number(tmp_path):
    from sarcokg.validate.shacl import format_text
    assert format_text([], 1) == "conforms: 1 report graph, 0 violations\n"
    assert format_text([], 2) == "conforms: 2 report graphs, 0 violations\n"


def test_a_table_to_a_file_or_pipe_keeps_its_natural_width(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    r = cli("query", "case-summary")      # CliRunner's output is no terminal
    assert r.exit_code == 0 and r.stdout.splitlines()[0].split()[:3] == ["report", "pmid", "doi"]
    assert max(len(x) for x in r.stdout.splitlines()) > 200
