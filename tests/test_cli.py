"""The command line as a user runs it: exit codes, formats, one-line errors."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
import rdflib

from .conftest import GRAPH, ROOT, sarcokg

SUMMARY_COLUMNS = ["report", "pmid", "doi", "year", "age", "sex", "tumour_type", "grade", "vertebral_levels",
                   "sites", "metastatic_sites", "treatments", "agents", "rt_dose_gy", "rt_fractions",
                   "outcome", "follow_up_months"]


@pytest.fixture
def run(inproc):
    """This module's tests look at exit codes, formats and messages: in process."""
    return inproc


def one_line_error(r, code=2, *words):
    assert r.code == code, (r.code, r.out, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert "Traceback" not in r.err
    for w in words:
        assert w in lines[0], lines[0]


def test_help_on_every_command(run):
    for cmd in ([], ["query"], ["validate"], ["export"], ["reason"], ["ingest"], ["evidence"], ["show"], ["list"],
                ["remove"]):
        r = run(*cmd, "--help")
        assert r.code == 0 and "Usage:" in r.out, cmd


def test_query_json_is_w3c_results(run):
    r = run("query", "case-summary", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["head"]["vars"] == SUMMARY_COLUMNS
    assert len(data["results"]["bindings"]) == len(list(GRAPH.glob("*.ttl")))


def test_query_csv_and_tsv(run):
    r = run("query", "case-summary", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert r.code == 0 and list(rows[0]) == SUMMARY_COLUMNS
    r = run("query", "case-summary", "--format", "tsv")
    assert r.code == 0 and r.out.splitlines()[0].split("\t") == ["?" + c for c in SUMMARY_COLUMNS]


def test_query_table_file_and_inline(run, tmp_path):
    r = run("query", "follow-up-by-outcome")
    assert r.code == 0 and r.out.splitlines()[0].startswith("outcome") and "rows)" in r.out
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?r a sko:CaseReport }")
    r = run("query", str(rq), "--format", "csv")
    assert r.code == 0 and r.out.split() == ["n", str(len(list(GRAPH.glob("*.ttl"))))]
    r = run("query", "--sparql", "ASK { ?r a sko:CaseReport }")
    assert r.code == 0 and r.out.strip() == "yes"


def test_param_is_bound_as_a_term_not_pasted(run):
    r = run("query", "cases-by-vertebral-level", "--param", "within=sko:LumbarSpine", "--format", "csv")
    assert r.code == 0, r.err
    levels = {row["vertebra"] for row in csv.DictReader(io.StringIO(r.out))}
    assert levels and all(v.startswith("L") for v in levels)
    # A value that would break the query if pasted in stays one literal term.
    r = run("query", "--sparql", "SELECT ?x WHERE { }", "--param", 'x="} DROP ALL {"', "--format", "csv")
    assert r.code == 0 and r.out.splitlines()[1] == "} DROP ALL {"


def test_list_queries(run):
    r = run("query", "--list")
    names = {p.stem for p in (ROOT / "queries").glob("*.rq")}
    assert r.code == 0 and {line.split()[0] for line in r.out.splitlines() if not line.startswith(" ")} == names


@pytest.mark.parametrize("args,words", [
    (["query", "no-such-query"], ["unknown query", "no-such-query"]),
    (["query", "--sparql", "SELECT ?x WHERE { ?x"], ["SPARQL syntax error"]),
    (["query", "case-summary", "--format", "xml"], ["xml"]),
    (["query", "case-summary", "--param", "novalue"], ["novalue", "name=value"]),
    (["query", "case-summary", "--param", "x=nope:thing"], ["unknown prefix", "nope:"]),
    (["query", "case-summary", "--param", "x=<not an iri>"], ["malformed IRI"]),
    (["query", "case-summary", "--param", "1x=2"], ["not a SPARQL variable name"]),
    (["query", "missing.rq"], ["missing.rq", "no such query file"]),
    (["export", "--format", "rdfxml"], ["rdfxml"]),
])
def test_bad_input_one_line_exit_2(run, args, words):
    one_line_error(run(*args), 2, *words)


def test_kg_missing_or_empty(run, tmp_path):
    one_line_error(run("query", "case-summary", "--kg", tmp_path / "nope"), 2, "nope", "no such")
    (tmp_path / "empty").mkdir()
    for cmd in ("query", "validate", "export"):
        args = [cmd, "case-summary"] if cmd == "query" else [cmd]
        one_line_error(run(*args, "--kg", tmp_path / "empty"), 2, "no report graphs")


def test_malformed_turtle_names_file_and_line(kg_copy):
    run = sarcokg   # one command per process: the store of a failed command is not reopened in this one
    bad = kg_copy / "broken.ttl"
    bad.write_text("@prefix sko: <https://w3id.org/sarcokg/ontology#> .\n\nsko:a sko:b sko:c ;\n  sko:d \"open .\n")
    for cmd in (["query", "case-summary"], ["export"], ["validate"]):
        r = run(*cmd, "--kg", kg_copy)
        one_line_error(r, 2, "broken.ttl", "malformed Turtle")
    assert "broken.ttl:4" in run("query", "case-summary", "--kg", kg_copy).err


def test_error_writes_nothing(run, kg_copy, tmp_path):
    out = tmp_path / "out.ttl"
    out.write_text("what the user had\n")
    (kg_copy / "broken.ttl").write_text("this is not turtle")
    r = run("export", "--kg", kg_copy, "-o", out)
    assert r.code == 2 and out.read_text() == "what the user had\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_validate_exit_codes_and_turtle_report(run, kg_copy):
    r = run("validate")
    assert r.code == 0 and r.out.startswith("conforms"), r.out + r.err
    target = next(kg_copy.glob("*.ttl"))
    text = target.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1)  # 35 -> 135
    target.write_text(text)
    r = run("validate", "--kg", kg_copy)
    assert r.code == 1
    assert f"{target.name}:" in r.out and "0 to 120" in r.out and "does not conform" in r.out
    r = run("validate", "--kg", kg_copy, "--format", "turtle")
    assert r.code == 1
    g = rdflib.Graph().parse(data=r.out, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    report = next(g.subjects(rdflib.RDF.type, sh.ValidationReport))
    assert g.value(report, sh.conforms).toPython() is False
    assert len(list(g.objects(report, sh.result))) == 1


def test_export_deterministic_and_parses(run, tmp_path):
    for fmt, parser in (("turtle", "turtle"), ("nt", "nt"), ("trig", "trig"), ("jsonld", "json-ld")):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        assert run("export", "--format", fmt, "-o", a).code == 0
        assert run("export", "--format", fmt, "-o", b).code == 0
        assert a.read_bytes() == b.read_bytes(), fmt
        ds = rdflib.Dataset()
        ds.parse(a, format=parser)
        assert len(ds) > 4000, fmt


def test_reason(run, monkeypatch):
    if shutil.which("java") is None:
        pytest.skip("no Java here")
    r = run("reason")
    assert r.code == 0 and r.out.startswith("consistent"), r.out + r.err


def test_reason_without_java(tmp_path):
    import os
    import subprocess
    import sys
    env = dict(os.environ, PATH=str(tmp_path))
    p = subprocess.run([sys.executable, "-m", "sarcokg.cli", "reason"], capture_output=True, text=True,
                       env=env, cwd=ROOT)
    assert p.returncode == 2 and "Java" in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_export_of_hand_written_files(run, kg_copy, tmp_path):
    """A report file in another layout (here rdflib's) exports to the same triples."""
    from rdflib.compare import isomorphic
    target = sorted(kg_copy.glob("*.ttl"))[0]
    g = rdflib.Graph().parse(target, format="turtle")
    target.write_text(g.serialize(format="turtle"))
    a = rdflib.Graph().parse(data=run("export").out, format="turtle")
    b = rdflib.Graph().parse(data=run("export", "--kg", kg_copy).out, format="turtle")
    assert isomorphic(a, b)


def test_export_trusts_only_what_the_store_parsed(run, kg_copy, monkeypatch):
    """Files whose content the store has loaded are copied without parsing them
    again; a file changed since is parsed, and a malformed one still stops the export."""
    import sarcokg.interop.export as ex
    from sarcokg.store.kgstore import load, release, report_files
    load(kg_copy)
    release(kg_copy)
    parsed = []
    real = ex.read_triples
    monkeypatch.setattr(ex, "read_triples", lambda path: parsed.append(path.name) or real(path))
    first = b"".join(ex.chunks(report_files(kg_copy), "turtle"))
    assert parsed == [ex.ontology_path().name]
    target = sorted(kg_copy.glob("*.ttl"))[2]
    target.write_text(target.read_text() + "\n:oops sko:ageYears .\n")
    r = run("export", "--kg", kg_copy)
    assert r.code == 2 and target.name in r.err and "malformed Turtle" in r.err
    target.write_text(target.read_text().replace("\n:oops sko:ageYears .\n", ""))
    parsed.clear()      # the content the store loaded again: trusted
    assert b"".join(ex.chunks(report_files(kg_copy), "turtle")) == first
    assert parsed == [ex.ontology_path().name]
    target.write_text(target.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    parsed.clear()      # valid, but not what the store loaded: parsed
    assert b"".join(ex.chunks(report_files(kg_copy), "turtle")) != first
    assert parsed == [ex.ontology_path().name, target.name]
