"""Export the ontology and the report graphs: Turtle, N-Triples, TriG, JSON-LD.

Deterministic: the same files give the same bytes. Each report is parsed and
written on its own (no giant in-memory graph), ontology first, reports in file
order; in Turtle and TriG each report section redefines the ':' prefix to its
own namespace, which keeps report sections as readable as their source files.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from .errors import InputError
from .namespaces import ONTOLOGY_IRI, PREFIXES, REPORT_BASE, report_ns
from .rdf import rank as report_rank
from .store import ontology_path
from .turtle import Writer, canonical_bnodes, ntriples

ONTO_RANK = {"http://www.w3.org/2002/07/owl#Ontology": 0, "http://www.w3.org/2002/07/owl#AnnotationProperty": 1,
             "http://www.w3.org/2002/07/owl#ObjectProperty": 2, "http://www.w3.org/2002/07/owl#DatatypeProperty": 3,
             "http://www.w3.org/2002/07/owl#Class": 4, "http://www.w3.org/2002/07/owl#NamedIndividual": 5}


def onto_rank(subject: str, types: list[str]) -> int:
    return min((ONTO_RANK.get(t, 9) for t in types), default=9)


def read_triples(path: Path) -> list[tuple]:
    try:
        with open(path, "rb") as fh:
            return [(t.subject, t.predicate, t.object) for t in ox.parse(fh, format=ox.RdfFormat.TURTLE)]
    except SyntaxError as e:
        raise InputError(f"{path}:{e.lineno}: malformed Turtle: {str(e.msg).split(': ', 1)[-1]}") from None


def _reports(files: list[Path]) -> Iterator[tuple[str, list[tuple]]]:
    for f in files:
        yield f.stem, read_triples(f)


def export(files: list[Path], fmt: str) -> bytes:
    onto = read_triples(ontology_path())
    out = io.StringIO()
    base = Writer()
    if fmt == "turtle":
        out.write("# SarcoKG export: the ontology and every report graph.\n")
        out.write(base.header() + "\n")
        out.write(base.body(onto, onto_rank))
        for rid, triples in _reports(files):
            w = Writer({"": report_ns(rid), **PREFIXES})
            out.write(f"\n# report {rid}\n@prefix : <{report_ns(rid)}> .\n\n")
            out.write(w.body(triples, report_rank))
    elif fmt == "trig":
        out.write("# SarcoKG export: the ontology and one named graph per report.\n")
        out.write(base.header() + "\n")
        out.write(f"<{ONTOLOGY_IRI}> {{\n{base.body(onto, onto_rank, indent='  ')}}}\n")
        for rid, triples in _reports(files):
            w = Writer({"": report_ns(rid), **PREFIXES})
            out.write(f"\n@prefix : <{report_ns(rid)}> .\n")
            out.write(f"<{REPORT_BASE}{rid}> {{\n{w.body(triples, report_rank, indent='  ')}}}\n")
    elif fmt == "nt":
        lines = ntriples(onto)
        for _, triples in _reports(files):
            lines.extend(ntriples(triples))
        out.write("".join(sorted(set(lines))))
    elif fmt == "jsonld":
        quads = [ox.Quad(s, p, o, ox.NamedNode(ONTOLOGY_IRI)) for s, p, o in canonical_bnodes(onto)]
        for rid, triples in _reports(files):
            g = ox.NamedNode(REPORT_BASE + rid)
            quads.extend(ox.Quad(s, p, o, g) for s, p, o in triples)
        quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
        data = ox.serialize(quads, format=ox.RdfFormat.JSON_LD, prefixes=dict(PREFIXES))
        return data if data.endswith(b"\n") else data + b"\n"
    else:
        raise InputError(f"unknown export format {fmt!r}")
    return out.getvalue().encode("utf-8")
