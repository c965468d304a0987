"""The standard SHACL validation report of several report graphs, as Turtle."""
from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from .namespaces import PREFIXES, SH as SH_NS
from .turtle import Writer


def validation_report_turtle(graphs: list[rdflib.Graph], conforms: bool) -> str:
    merged = rdflib.Graph()
    report = rdflib.URIRef("urn:sarcokg:validation-report")
    merged.add((report, RDF.type, SH.ValidationReport))
    merged.add((report, SH.conforms, rdflib.Literal(conforms)))
    for g in graphs:
        own = set(g.subjects(RDF.type, SH.ValidationReport))
        for r in g.subjects(RDF.type, SH.ValidationResult):
            merged.add((report, SH.result, r))
        for s, p, o in g:
            if s not in own:
                merged.add((s, p, o))
    triples = [(t.subject, t.predicate, t.object)
               for t in ox.parse(merged.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)]
    writer = Writer({"sh": SH_NS, **PREFIXES})
    return writer.document(triples, "SHACL validation report of the SarcoKG report graphs.")
