"""Each SHACL shape catches a planted violation, and the clean graph passes."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from sarcokg.model.namespaces import OA, PROV, SKO, report_ns
from sarcokg.validate.shacl import ENGINES, validate_triples

from .conftest import GRAPH

S = rdflib.Namespace(SKO)
SEED = "000_5319ae1f09e49777"
N = rdflib.Namespace(report_ns(SEED))


def seed() -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(GRAPH / f"{SEED}.ttl", format="turtle")
    return g


def first(g, p):
    return next(g.subjects(p, None))


def set_value(p, value):
    def mutate(g):
        s = first(g, p)
        g.remove((s, p, None))
        g.add((s, p, value))
    return mutate


def remove(p):
    def mutate(g):
        g.remove((None, p, None))
    return mutate


def add(s, p, o):
    def mutate(g):
        g.add((s, p, o))
    return mutate


def evidence_swap(g):
    ev = first(g, URIRef(OA + "start"))
    g.set((ev, URIRef(OA + "start"), Literal(500, datatype=XSD.nonNegativeInteger)))
    g.set((ev, URIRef(OA + "end"), Literal(400, datatype=XSD.nonNegativeInteger)))


def outcome_empty(g):
    o = N["outcome-1"]
    g.remove((o, S.outcomeStatus, None))
    g.remove((o, S.followUpMonths, None))


VIOLATIONS = [
    ("age above 120", set_value(S.ageYears, Literal(150)), "0 to 120"),
    ("negative age", set_value(S.ageYears, Literal(-1)), "0 to 120"),
    ("age as text", set_value(S.ageYears, Literal("35")), "whole number"),
    ("dose 0 Gy", set_value(S.totalDoseGy, Literal("0.0", datatype=XSD.decimal)), "above 0 Gy"),
    ("0 fractions", set_value(S.fractions, Literal(0)), "1 or more"),
    ("negative follow-up", set_value(S.followUpMonths, Literal("-3.0", datatype=XSD.decimal)), "0 or more"),
    ("a region as vertebral level", set_value(S.vertebra, S.LumbarSpine), "C1 to Co4"),
    ("a dermatome-like non-vertebra", set_value(S.vertebra, S.Lung), "C1 to Co4"),
    ("a site as tumour type", set_value(S.tumourType, S.Lung), "tumour-type hierarchy"),
    ("two tumour types", add(N.tumour, S.tumourType, S.Leiomyosarcoma), "tumour-type hierarchy"),
    ("a tumour type as site", set_value(S.site, S.Leiomyosarcoma), "anatomic-site class"),
    ("a drug that is not a drug", add(N["intervention-1"], S.agent, S.Lung), "drug class"),
    ("intervention without type", remove(S.interventionType), "exactly one intervention class"),
    ("no source", remove(S.sourceFile), "source"),
    ("no checksum", remove(S.sourceSha256), "SHA-256"),
    ("bad sex", set_value(S.sex, S.HighGrade), "sko:Female or sko:Male"),
    ("bad grade", set_value(S.grade, S.Male), "HighGrade"),
    ("uppercase DOI", add(N.report, S.doi, Literal("10.4103/AJNS.AJNS_290_20")), "DOI"),
    ("PMID with letters", add(N.report, S.pmid, Literal("PMID123")), "PMID"),
    ("year out of range", add(N.report, S.publicationYear, Literal(3020)), "year"),
    ("outcome with neither status nor time", outcome_empty, "status or a follow-up"),
    ("evidence ends before it starts", evidence_swap, "start before it ends"),
    ("evidence without quote", remove(URIRef(OA + "exact")), "exact quote"),
    ("evidence without offsets", remove(URIRef(OA + "start")), "unless a curator"),
    ("evidence without method", remove(URIRef(PROV + "wasGeneratedBy")), "how it was found"),
    ("patient without tumour", remove(S.hasTumour), "at least one tumour"),
    ("metastatic flag missing", remove(S.metastatic), "metastasis"),
    ("two journals", lambda g: [add(N.report, S.journal, Literal(j))(g) for j in ("J One", "J Two")], "journal"),
    ("author list as a number", add(N.report, S.authorList, Literal(3)), "author list"),
    ("treatment before diagnosis", add(N["intervention-1"], S.monthsAfterDiagnosis,
                                       Literal("-2.0", datatype=XSD.decimal)), "after diagnosis"),
    ("an outcome status as survival measure", add(N["outcome-1"], S.survivalMeasure, S.NoEvidenceOfDisease),
     "sko:SurvivalMeasure"),
]


def to_ox(g: rdflib.Graph) -> list[tuple]:
    return [(t.subject, t.predicate, t.object)
            for t in ox.parse(g.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)]


@pytest.mark.parametrize("engine", ENGINES)
def test_clean_seed_graphs_conform(engine):
    for path in sorted(GRAPH.glob("*.ttl")):
        g = rdflib.Graph()
        g.parse(path, format="turtle")
        results = validate_triples(to_ox(g), path.name, engine)
        assert results == [], (path.name, results[:3])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name,mutate,expected", VIOLATIONS, ids=[v[0] for v in VIOLATIONS])
def test_shape_catches_planted_violation(name, mutate, expected, engine):
    g = seed()
    mutate(g)
    results = validate_triples(to_ox(g), "planted.ttl", engine)
    assert results, f"{name}: no violation reported"
    messages = " | ".join(r.message for r in results)
    assert expected in messages, messages
    assert all(r.message for r in results), "every result has a curator message"
