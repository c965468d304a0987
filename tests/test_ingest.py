"""sarcokg ingest as a curator runs it: bad input, curated reports, evidence."""
from __future__ import annotations

import shutil

import pytest

from .conftest import GRAPH, SHARED, needs_shared

# A short case description written for these tests (not from any corpus report).
CASE = ("Spinal leiomyosarcoma: a case report\n\n"
        "A 52-year-old woman presented with three months of mid-back pain. MRI showed a lesion "
        "destroying the T9 vertebra. CT-guided biopsy confirmed a high-grade leiomyosarcoma. She "
        "underwent total en bloc spondylectomy followed by radiotherapy, 50 Gy in 25 fractions. "
        "At 24 months after surgery she remains free of disease.\n")


@pytest.fixture
def inputs(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(CASE, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (d / "cp1252.txt").write_bytes(CASE.replace("woman", "woman (caf\u00e9 visit)").encode("cp1252"))
    big = d / "huge.txt"
    with open(big, "wb") as fh:
        fh.write((CASE * 20).encode() * 1000)  # ~20 MB
    (d / "page.html").write_text("<!DOCTYPE html><html><head><title>x</title><script>var a=1;</script></head>"
                                 "<body><p>" + CASE.replace("\n", "</p><p>") + "</p></body></html>", encoding="utf-8")
    (d / "nocase.txt").write_text("Minutes of the hospital parking committee. The new gate opens in May.\n")
    return d


def test_bad_inputs_each_one_line_others_ingested(run, inputs, tmp_path):
    kg = tmp_path / "kg"
    files = sorted(inputs.iterdir()) + [inputs / "missing.txt"]
    r = run("ingest", *files, "--kg", kg)
    assert r.code == 1
    errors = [line for line in r.err.splitlines() if line.startswith("sarcokg:")]
    expect = {"empty.txt": "empty file", "binary.txt": "binary file", "huge.txt": "too large",
              "nocase.txt": "no sarcoma case", "missing.txt": "no such file"}
    for name, words in expect.items():
        hits = [e for e in errors if name in e]
        assert len(hits) == 1 and words in hits[0], (name, errors)
    assert "Traceback" not in r.err
    written = sorted(p.name for p in kg.glob("*.ttl"))
    assert written == ["cp1252.ttl", "good.ttl", "page.ttl"]
    assert "cp1252" in r.err and "HTML" in r.err            # warnings name what happened
    assert not [p for p in kg.iterdir() if p.name.startswith(".") and p.suffix == ".tmp"]
    assert run("validate", "--kg", kg).code == 0
    row = run("query", "case-summary", "--kg", kg, "--format", "csv").out.splitlines()
    good = next(line for line in row if line.startswith("good,"))
    assert ",52,female,LMS,high,T9," in good and "50" in good


def test_html_offsets_point_into_the_page(run, inputs, tmp_path):
    kg = tmp_path / "kg"
    assert run("ingest", inputs / "page.html", "--kg", kg).code == 0
    r = run("evidence", "page", "--kg", kg, "--text", inputs / "page.html")
    assert r.code == 0 and "MISMATCH" not in r.out and "[[T9]]" in r.out


def test_curated_report_is_not_overwritten(run, inputs, tmp_path):
    kg = tmp_path / "kg"
    assert run("ingest", inputs / "good.txt", "--kg", kg).code == 0
    ttl = kg / "good.ttl"
    curated = ttl.read_text().replace("sko:curationStatus sko:MachineDrafted", "sko:curationStatus sko:Curated")
    ttl.write_text(curated)
    r = run("ingest", inputs / "good.txt", "--kg", kg)
    assert r.code == 1 and "curated" in r.err and "--force" in r.err
    assert ttl.read_text() == curated
    assert run("ingest", inputs / "good.txt", "--kg", kg, "--force").code == 0
    assert "sko:MachineDrafted" in ttl.read_text()


def test_curation_record_is_laid_over_the_draft(run, inputs, tmp_path):
    kg = tmp_path / "kg"
    (kg / "curation").mkdir(parents=True)
    (kg / "curation" / "good.json").write_text('{"grade": "intermediate", "agents": ["doxorubicin"]}')
    r = run("ingest", inputs / "good.txt", "--kg", kg)
    assert r.code == 0, r.err
    text = (kg / "good.ttl").read_text()
    assert "sko:Curated" in text and "sko:IntermediateGrade" in text and "sko:Doxorubicin" in text
    assert "sko:CuratorAssertion" in text   # the curator's facts are marked as such
    assert "sko:TotalEnBlocSpondylectomy" in text  # slots the record leaves out keep the draft
    (kg / "curation" / "good.json").write_text('{"grade": "extreme"}')
    r = run("ingest", inputs / "good.txt", "--kg", kg)
    assert r.code == 1 and "good" in r.err


def test_ingest_is_deterministic(run, inputs, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    run("ingest", inputs / "good.txt", "--kg", a)
    run("ingest", inputs / "good.txt", "--kg", b, "--jobs", "2")
    assert (a / "good.ttl").read_bytes() == (b / "good.ttl").read_bytes()


@needs_shared
@needs_shared
def test_evidence_shows_each_fact_in_context(run):
    seed = sorted(GRAPH.glob("*.ttl"))[0].stem
    r = run("evidence", seed, "--text", SHARED / "corpus" / "seeds" / f"{seed}.txt")
    assert r.code == 0, r.err
    assert "MISMATCH" not in r.out and r.out.count("[[") >= 5


def test_evidence_refuses_a_different_text(run, inputs, tmp_path):
    kg = tmp_path / "kg"
    run("ingest", inputs / "good.txt", "--kg", kg)
    other = tmp_path / "other.txt"
    other.write_text(CASE + "edited\n")
    r = run("evidence", "good", "--kg", kg, "--text", other)
    assert r.code == 2 and "SHA-256" in r.err


@needs_shared
def test_seed_graphs_are_what_ingest_makes(run, tmp_path):
    """graph/ is reproducible: ingest of the seed texts with the curation records gives the same bytes."""
    kg = tmp_path / "kg"
    shutil.copytree(GRAPH / "curation", kg / "curation")
    texts = sorted((SHARED / "corpus" / "seeds").glob("*.txt"))
    assert run("ingest", *texts, "--kg", kg).code == 0
    for f in sorted(GRAPH.glob("*.ttl")):
        assert (kg / f.name).read_bytes() == f.read_bytes(), f.name


def test_curated_mark_found_in_any_turtle_form(run, inputs, tmp_path):
    """A curator's file with full IRIs (another tool's output) is still recognised as curated."""
    kg = tmp_path / "kg"
    kg.mkdir()
    sko = "https://w3id.org/sarcokg/ontology#"
    (kg / "good.ttl").write_text(f"<urn:r> <{sko}curationStatus> <{sko}Curated> .\n")
    r = run("ingest", inputs / "good.txt", "--kg", kg)
    assert r.code == 1 and "curated" in r.err


def test_a_graph_that_breaks_the_shapes_is_not_written(tmp_path, monkeypatch):
    """ingest checks its graph in plain terms; a violation gives validate_triples' first
    result in one line and writes nothing."""
    import sarcokg.extract as X
    from sarcokg.common.files import read_report
    from sarcokg.ingest.pipeline import build_report
    from sarcokg.model import facts as F
    from sarcokg.model.rdf import report_triples
    from sarcokg.model.terms import load_terms
    from sarcokg.validate.shacl import validate_triples
    real = X.extract

    def aged_150(text, **kw):
        f = real(text, **kw)
        f.age = F.Value(150, spans=list(f.age.spans))   # the shapes allow 0 to 120
        return f
    monkeypatch.setattr(X, "extract", aged_150)
    src, kg = tmp_path / "r1.txt", tmp_path / "kg"
    src.write_text(CASE, encoding="utf-8")
    kg.mkdir()
    out = build_report(src, kg)
    assert not out.ok and not (kg / "r1.ttl").exists()
    facts = aged_150(CASE, report_id="r1", source_file="r1.txt", source_sha256=read_report(src).sha256)
    problems = validate_triples(report_triples(facts, load_terms()), "r1.ttl")
    first = problems[0]
    assert "ageYears" in first.path and out.message == (
        f"{src}: extracted graph violates the shapes: {first.focus} {first.path}: {first.message} "
        f"({len(problems)} violation{'s' if len(problems) != 1 else ''}); nothing written")


@needs_shared
def test_several_workers_give_the_same_files_and_messages_in_order(run, inputs, tmp_path):
    """--jobs 3: two workers and the command's own process share the reports;
    every file, every message and their order are those of --jobs 1."""
    texts = sorted((SHARED / "corpus").glob("*/*.txt"))
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):   # three copies of every corpus text, so each process takes some
        for t in texts:
            shutil.copy(t, src / f"r{i}-{t.stem}.txt")
    shutil.copy(inputs / "empty.txt", src / "r1-zz-empty.txt")   # a failure in the middle
    files = sorted(src.glob("*.txt"))
    one, three = tmp_path / "one", tmp_path / "three"
    a = run("ingest", "--kg", one, "--jobs", "1", *files)
    b = run("ingest", "--kg", three, "--jobs", "3", *files)
    assert a.code == b.code == 1
    assert a.out == b.out and a.err.replace(str(one), "KG") == b.err.replace(str(three), "KG")
    names = sorted(p.name for p in one.glob("*.ttl"))
    assert len(names) == 3 * len(texts) and names == sorted(p.name for p in three.glob("*.ttl"))
    assert all((one / n).read_bytes() == (three / n).read_bytes() for n in names)
