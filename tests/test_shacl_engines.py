"""The fast SHACL engine gives the same results as pySHACL, the reference."""
from __future__ import annotations

import pytest
import rdflib

from sarcokg.validate.shacl import validate_triples

from .conftest import GRAPH
from .test_shapes import VIOLATIONS, seed, to_ox


def both(g: rdflib.Graph):
    triples = to_ox(g)
    return set(validate_triples(triples, "x.ttl", "fast")), set(validate_triples(triples, "x.ttl", "pyshacl"))


def test_same_on_clean_graphs():
    for path in sorted(GRAPH.glob("*.ttl")):
        fast, ref = both(rdflib.Graph().parse(path, format="turtle"))
        assert fast == ref == set(), path.name


@pytest.mark.parametrize("name,mutate,expected", VIOLATIONS, ids=[v[0] for v in VIOLATIONS])
def test_same_on_planted_violations(name, mutate, expected):
    g = seed()
    mutate(g)
    fast, ref = both(g)
    assert fast, name
    assert fast == ref


def test_ingest_check_agrees_with_validate():
    """ingest checks its plain-term graphs with FastValidator.validate_index; it must
    judge every clean graph and every planted violation as validate_triples does."""
    from sarcokg.ingest.pipeline import conforms
    from sarcokg.validate.shacl_fast import plain_index
    graphs = [rdflib.Graph().parse(path, format="turtle") for path in sorted(GRAPH.glob("*.ttl"))]
    for _name, mutate, _expected in VIOLATIONS:
        g = seed()
        mutate(g)
        graphs.append(g)
    for g in graphs:
        triples = to_ox(g)
        assert conforms(plain_index(triples)) == (validate_triples(triples, "x.ttl", "fast") == [])


ODD_TEXT = """@prefix : <https://w3id.org/sarcokg/report/odd/> .
@prefix sko: <https://w3id.org/sarcokg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:report a sko:CaseReport ; sko:reportId "odd" ;
    rdfs:comment "a \\"quoted\\" word\\tand a tab\\n\\u00e9 \\U0001F600"@en-GB, 'single'@fr, \"\"\"long
text\"\"\" ;
    sko:doi [ rdfs:label "inline" ] ; sko:pmid _:b1 ; sko:describesPatient :patient .
_:b1 rdfs:label "labelled"^^xsd:token .
:patient a sko:Patient ; sko:ageYears "35" , 1.5e0, -0.0, true ; sko:hasSymptom ( :a :b ) .
<https://w3id.org/sarcokg/report/other/x> rdfs:label "not ours" .
"""


def _no_labels(index: dict) -> dict:
    """A plain-term index with every blank node as "_:" (parsers name them as they please)."""
    from sarcokg.model.turtle import BNode

    def term(t):
        return "_:" if type(t) is BNode else t
    out: dict = {}
    for s, preds in index.items():
        for p, objs in preds.items():
            out.setdefault(term(s), {}).setdefault(p, []).extend(sorted(map(term, objs), key=repr))
    return {s: {p: sorted(v, key=repr) for p, v in preds.items()} for s, preds in out.items()}


def test_validate_file_reads_as_the_pyoxigraph_triples_do(tmp_path):
    """validate_file parses a report file straight into plain terms (shacl_fast.parse_index):
    on the clean graphs, every planted violation and a file of odd terms (escapes, language
    tags, long strings, blank nodes, a list, a node of another report) it gives the index
    and the results that the pyoxigraph triples give."""
    from sarcokg.store.reportfiles import read_triples
    from sarcokg.validate.reportgraph import COMPONENT, report_graph_problems
    from sarcokg.validate.shacl import Result, validate_file
    from sarcokg.validate.shacl_fast import parse_index, plain_index
    files = sorted(GRAPH.glob("*.ttl"))
    for i, (_name, mutate, _expected) in enumerate(VIOLATIONS):
        g = seed()
        mutate(g)
        files.append(tmp_path / f"planted{i}.ttl")
        files[-1].write_text(g.serialize(format="turtle"))
    files.append(tmp_path / "odd.ttl")
    files[-1].write_text(ODD_TEXT)
    for path in files:
        triples = read_triples(path)
        assert _no_labels(parse_index(path.read_bytes())) == _no_labels(plain_index(triples)), path.name
        rule = [Result(path.name, f, "", COMPONENT, v, m) for f, v, m in report_graph_problems(path.stem, triples)]
        assert validate_file(path) == sorted(set(validate_triples(triples, path.name) + rule)), path.name
    odd = validate_file(files[-1])
    assert any("outside this report's namespace" in r.message for r in odd)
