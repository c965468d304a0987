"""The deterministic writer: order-independent bytes, round trip to the same graph."""
from __future__ import annotations

import random

import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic

from sarcokg.model.turtle import Writer, decimal_lexical, ntriples

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
    from sarcokg.model.rdf import rank, report_writer
    for path in sorted(GRAPH.glob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        body = text[text.index("\n\n") + 2:]
        again = report_writer(path.stem).body(triples_of(path), rank)
        assert again == body, path.name


def test_plain_terms_round_trip():
    from sarcokg.model.turtle import BNode, Lit, plain, plain_value, to_ox
    xsd = "http://www.w3.org/2001/XMLSchema#"
    quoted = ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c"))
    n, lit = ox.NamedNode, ox.Literal
    terms = [n("urn:x"), ox.BlankNode("b1"), lit("text"), lit("x", language="en"),
             lit("01", datatype=n(xsd + "integer")), lit("1", datatype=n(xsd + "boolean")),
             lit("2.50", datatype=n(xsd + "decimal")), lit("v", datatype=n("urn:dt")), quoted]
    for t in terms:
        p = plain(t)
        assert to_ox(p) == t
        if not isinstance(t, ox.Triple):
            assert plain_value(p) == t.value
    assert plain(ox.NamedNode("urn:x")) == "urn:x" and type(plain(ox.BlankNode("b1"))) is BNode
    assert plain(ox.Literal("x", language="en")) == Lit("x", language="en")
    assert plain(ox.Literal("t")) == Lit("t") and Lit("t") != "t"


def test_plain_writer_gives_the_same_bytes_as_the_term_writer():
    """Writer.plain_body (ingest's path, from plain terms) writes what Writer.body writes;
    with blank nodes (the ontology) it hands over to body()."""
    from sarcokg.model.rdf import rank, report_writer
    from sarcokg.validate.shacl_fast import plain_index
    xsd = "http://www.w3.org/2001/XMLSchema#"
    n, lit = ox.NamedNode, ox.Literal
    odd = [(n("urn:s"), n("urn:p"), lit(v, datatype=n(xsd + dt))) for v, dt in
           (("01", "integer"), ("1", "boolean"), ("2.", "decimal"), ("-3.5", "decimal"), ("x", "date"))]
    odd += [(n("urn:s"), n("urn:q"), lit('say "hi"\n\u0007', language="en")), (n("urn:s"), n("urn:q"), n("urn:o")),
            (n("urn:t"), n(RDF_TYPE), n("urn:C")), (n("urn:t"), n(RDF_TYPE), n("urn:B"))]
    cases = [(Writer(), triples_of(ROOT / "ontology" / "sarcokg.ttl")), (Writer(), odd)]
    cases += [(report_writer(p.stem), triples_of(p)) for p in sorted(GRAPH.glob("*.ttl"))]
    for w, triples in cases:
        assert w.plain_body(plain_index(triples), rank) == w.body(triples, rank)


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
