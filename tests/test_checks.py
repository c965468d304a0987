"""sarcokg check: every ROBOT/ODK-style check passes on the bundled graph and
fails on a planted defect (a copy of the ontology or a report in tmp)."""
from __future__ import annotations

import re
import shutil

import pytest
import rdflib

from sarcokg.store.kgstore import report_files
from sarcokg.validate.checks import CHECK_DIR, check_files, memory_store, run_checks

from .conftest import GRAPH, ROOT

ONTOLOGY = ROOT / "ontology" / "sarcokg.ttl"
FIRST = sorted(GRAPH.glob("*.ttl"))[0]
RID = FIRST.stem
NAMES = sorted(p.stem[:-len("-violation")] for p in CHECK_DIR.glob("*-violation.rq"))
SKO = "https://w3id.org/sarcokg/ontology#"


def results(ontology=ONTOLOGY, kg=GRAPH):
    return {r.name: r.rows for r in run_checks(memory_store(ontology, report_files(kg)))}


def test_the_ten_checks_exist_with_headers():
    assert NAMES == sorted(["missing-label", "missing-definition", "duplicate-label", "malformed-xref",
                            "deprecated-class-in-use", "missing-license", "vertebra-not-a-vertebra",
                            "report-without-evidence", "multiple-label", "multiple-definition"])
    for path in check_files():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert re.match(r"^# [a-z-]+: \S", first), path
        assert first.startswith(f"# {path.stem[:-len('-violation')]}: ")
        assert re.search(r"SELECT\s+DISTINCT\s+\?entity\s+\?property\s+\?value", path.read_text()), path


def test_bundled_graph_passes(run):
    r = run("check")
    assert r.code == 0, r.out + r.err
    for name in NAMES:
        assert re.search(rf"^ok\s+{name}\s+0\b", r.out, re.M), r.out
    assert "11 checks, 0 failed" in r.out   # 10 SPARQL checks and the curation records


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _ontology(tmp_path, *edits: tuple[str, str], append: str = ""):
    text = ONTOLOGY.read_text(encoding="utf-8")
    for old, new in edits:
        text = _edit(text, old, new)
    path = tmp_path / "sarcokg.ttl"
    path.write_text(text + append, encoding="utf-8")
    return path


def _kg(tmp_path, edit=None, append: str = ""):
    kg = tmp_path / "kg"
    shutil.copytree(GRAPH, kg, ignore=shutil.ignore_patterns(".sarcokg", "curation"))
    if edit or append:
        path = kg / FIRST.name
        text = path.read_text(encoding="utf-8")
        if edit:
            text = _edit(text, *edit)
        path.write_text(text + append, encoding="utf-8")
    return kg


def _only_failure(res: dict, name: str) -> list:
    failed = {n for n, rows in res.items() if rows}
    assert failed == {name}, res
    return res[name]


def test_missing_label(tmp_path):
    onto = _ontology(tmp_path, append='\nsko:Unlabelled a owl:Class ; skos:definition "A test class."@en .\n')
    rows = _only_failure(results(onto), "missing-label")
    assert rows == [("sko:Unlabelled", "rdfs:label", "")]


def test_missing_definition(tmp_path):
    onto = _ontology(tmp_path, append='\nsko:Undefined a owl:Class ; rdfs:label "undefined test class"@en .\n')
    rows = _only_failure(results(onto), "missing-definition")
    assert rows == [("sko:Undefined", "skos:definition", "")]


def test_duplicate_label(tmp_path):
    onto = _ontology(tmp_path, append='\nsko:Lung2 a owl:Class ; rdfs:label "Lung"@en ; '
                                      'skos:definition "A second lung class."@en .\n')
    rows = _only_failure(results(onto), "duplicate-label")
    assert {r[0] for r in rows} == {"sko:Lung", "sko:Lung2"}
    assert {r[2].lower() for r in rows} == {"lung"}


def test_shipped_ontology_has_one_label_and_definition_per_language():
    res = results()
    assert res["multiple-label"] == [] and res["multiple-definition"] == []


def test_multiple_label(tmp_path):
    onto = _ontology(tmp_path, append='\nsko:Lung rdfs:label "lungs"@en .\n')
    rows = _only_failure(results(onto), "multiple-label")
    assert sorted(rows) == [("sko:Lung", "rdfs:label", "lung"), ("sko:Lung", "rdfs:label", "lungs")]


def test_labels_in_two_languages_are_allowed(tmp_path):
    onto = _ontology(tmp_path, append='\nsko:Lung rdfs:label "Lunge"@de .\n')
    res = results(onto)
    assert not any(res.values()), res


def test_multiple_definition(tmp_path):
    onto = _ontology(tmp_path, append='\nsko:Lung skos:definition "A second definition."@en .\n')
    rows = _only_failure(results(onto), "multiple-definition")
    assert {r[0] for r in rows} == {"sko:Lung"} and len(rows) == 2
    assert "A second definition." in {r[2] for r in rows}


def test_multiple_definition_across_skos_and_iao(tmp_path):
    onto = _ontology(tmp_path, append='\n@prefix obo: <http://purl.obolibrary.org/obo/> .\n'
                                      'sko:Lung obo:IAO_0000115 "An OBO-style definition."@en .\n')
    rows = _only_failure(results(onto), "multiple-definition")
    assert {(r[0], r[1]) for r in rows} == {("sko:Lung", "skos:definition"), ("sko:Lung", "obo:IAO_0000115")}


def test_definitions_in_two_languages_are_allowed(tmp_path):
    onto = _ontology(tmp_path, append='\nsko:Lung skos:definition "Das Atmungsorgan."@de .\n')
    res = results(onto)
    assert not any(res.values()), res


def test_malformed_xref(tmp_path):
    onto = _ontology(tmp_path, ('oboInOwl:hasDbXref "UBERON:0002048"', 'oboInOwl:hasDbXref "UBERON 0002048"'))
    rows = _only_failure(results(onto), "malformed-xref")
    assert rows == [("sko:Lung", "oboInOwl:hasDbXref", "UBERON 0002048")]


def test_deprecated_class_in_use(tmp_path):
    onto = _ontology(tmp_path, append="\nsko:L2 owl:deprecated true .\n")
    res = results(onto)
    rows = _only_failure(res, "deprecated-class-in-use")
    assert all(r[1] == "sko:vertebra" and r[2] == "sko:L2" for r in rows) and rows


def test_missing_license(tmp_path):
    onto = _ontology(tmp_path, ("    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;\n", ""))
    rows = _only_failure(results(onto), "missing-license")
    assert rows == [("https://w3id.org/sarcokg/ontology", "dcterms:license", "")]


def test_missing_license_as_a_literal(tmp_path):
    onto = _ontology(tmp_path, ("dcterms:license <https://creativecommons.org/licenses/by/4.0/>",
                                'dcterms:license "CC BY 4.0"'))
    rows = _only_failure(results(onto), "missing-license")
    assert rows == [("https://w3id.org/sarcokg/ontology", "dcterms:license", "CC BY 4.0")]


def test_vertebra_not_a_vertebra(tmp_path):
    text = FIRST.read_text(encoding="utf-8")
    m = re.search(r"sko:vertebra sko:(\w+)", text)
    assert m, "the first report has a vertebral level"
    kg = _kg(tmp_path, (m.group(0), "sko:vertebra sko:Lung"))
    rows = _only_failure(results(kg=kg), "vertebra-not-a-vertebra")
    assert [r[1:] for r in rows] == [("sko:vertebra", "sko:Lung")]
    assert rows[0][0].startswith(f"https://w3id.org/sarcokg/report/{RID}/")


def test_report_without_evidence(tmp_path):
    kg = _kg(tmp_path)
    path = kg / FIRST.name
    g = rdflib.Graph().parse(path, format="turtle")
    g.remove((None, rdflib.URIRef(SKO + "hasEvidence"), None))
    g.serialize(path, format="turtle")
    rows = _only_failure(results(kg=kg), "report-without-evidence")
    assert rows == [(f"https://w3id.org/sarcokg/report/{RID}/report", "sko:hasEvidence", "")]


def test_check_cli_fails_and_lists_rows(run, tmp_path):
    onto = _ontology(tmp_path, append='\nsko:Unlabelled a owl:Class ; skos:definition "A test class."@en .\n')
    r = run("check", "--ontology", onto)
    assert r.code == 1, r.err
    assert re.search(r"^FAIL\s+missing-label\s+1\b", r.out, re.M)
    assert "sko:Unlabelled  rdfs:label" in r.out
    assert "11 checks, 1 failed, 1 offending row\n" in r.out


@pytest.mark.parametrize("args,needle", [
    (("--kg", "/nonexistent/kg"), "no such knowledge-graph folder"),
    (("--ontology", "/nonexistent/onto.ttl"), "no such ontology file"),
])
def test_check_cannot_run(run, args, needle):
    r = run("check", *args)
    assert r.code == 2
    assert needle in r.err and len(r.err.strip().splitlines()) == 1


def test_check_malformed_ontology(run, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix : <x:> .\n:a :b \n", encoding="utf-8")
    r = run("check", "--ontology", bad)
    assert r.code == 2 and "malformed Turtle" in r.err and "Traceback" not in r.err
