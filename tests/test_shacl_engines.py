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
