"""The deterministic writer: order-independent bytes, round trip to the same graph."""
from __future__ import annotations

import random

import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic

from sarcokg.turtle import Writer, decimal_lexical, ntriples

from .conftest import GRAPH, ROOT


def triples_of(path):
    with open(path, "rb") as fh:
        return [(t.subject, t.predicate, t.object) for t in ox.parse(fh, format=ox.RdfFormat.TURTLE)]


def test_same_triples_any_order_same_bytes():
    triples = triples_of(ROOT / "ontology" / "sarcokg.ttl")
    a = Writer().document(triples)
    random.Random(1).shuffle(triples)
    assert Writer().document(triples) == a
    assert ntriples(triples) == ntriples(list(reversed(triples)))


def test_round_trip_is_isomorphic():
    for path in [ROOT / "ontology" / "sarcokg.ttl", *sorted(GRAPH.glob("*.ttl"))]:
        text = Writer().document(triples_of(path))
        a = rdflib.Graph().parse(path, format="turtle")
        b = rdflib.Graph().parse(data=text, format="turtle")
        assert isomorphic(a, b), path.name


def test_literals_and_escapes():
    w = Writer()
    assert w.literal(ox.Literal('say "hi"\n')) == '"say \\"hi\\"\\n"'
    assert w.literal(ox.Literal("x", language="en")) == '"x"@en'
    assert decimal_lexical(30) == "30.0" and decimal_lexical(0.25) == "0.25" and decimal_lexical(64.0) == "64.0"
    assert w.iri("https://w3id.org/sarcokg/ontology#L2") == "sko:L2"
    assert w.iri("https://w3id.org/sarcokg/ontology#a/b") == "<https://w3id.org/sarcokg/ontology#a/b>"


def test_bundled_graph_files_are_written_deterministically():
    """Each committed report graph is byte-identical to a fresh write of its own triples."""
    from sarcokg.rdf import rank, report_writer
    for path in sorted(GRAPH.glob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        body = text[text.index("\n\n") + 2:]
        again = report_writer(path.stem).body(triples_of(path), rank)
        assert again == body, path.name
