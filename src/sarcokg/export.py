"""Export the ontology and the report graphs: Turtle, N-Triples, TriG, JSON-LD.

Deterministic: the same files give the same bytes. Each report is parsed and
written on its own (no giant in-memory graph), ontology first, reports in file
order; in Turtle and TriG each report section redefines the ':' prefix to its
own namespace, which keeps report sections as readable as their source files.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Optional

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


def chunks(files: list[Path], fmt: str) -> Iterator[bytes]:
    """The export, one report at a time: memory stays flat however many reports."""
    onto = read_triples(ontology_path())
    base = Writer()

    def enc(text: str) -> bytes:
        return text.encode("utf-8")

    if fmt == "turtle":
        yield enc("# SarcoKG export: the ontology and every report graph.\n" + base.header() + "\n")
        yield enc(base.body(onto, onto_rank))
        for rid, triples in _reports(files):
            w = Writer({"": report_ns(rid), **PREFIXES})
            yield enc(f"\n# report {rid}\n@prefix : <{report_ns(rid)}> .\n\n" + w.body(triples, report_rank))
    elif fmt == "trig":
        yield enc("# SarcoKG export: the ontology and one named graph per report.\n" + base.header() + "\n")
        yield enc(f"<{ONTOLOGY_IRI}> {{\n{base.body(onto, onto_rank, indent='  ')}}}\n")
        for rid, triples in _reports(files):
            w = Writer({"": report_ns(rid), **PREFIXES})
            yield enc(f"\n@prefix : <{report_ns(rid)}> .\n"
                      f"<{REPORT_BASE}{rid}> {{\n{w.body(triples, report_rank, indent='  ')}}}\n")
    elif fmt == "nt":
        yield enc("".join(ntriples(onto)))
        for _, triples in _reports(files):
            yield enc("".join(ntriples(triples)))
    elif fmt == "jsonld":
        # One JSON-LD document: an array of named graphs, the ontology first.
        def graph_json(graph: str, triples: list[tuple]) -> bytes:
            quads = sorted((ox.Quad(s, p, o, ox.NamedNode(graph)) for s, p, o in canonical_bnodes(triples)),
                           key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))
            data = ox.serialize(quads, format=ox.RdfFormat.JSON_LD, prefixes=dict(PREFIXES)).strip()
            return data[1:-1] if data.startswith(b"[") else data
        yield b"[" + graph_json(ONTOLOGY_IRI, onto)
        for rid, triples in _reports(files):
            yield b",\n" + graph_json(REPORT_BASE + rid, triples)
        yield b"]\n"
    else:
        raise InputError(f"unknown export format {fmt!r}")


def export(files: list[Path], fmt: str) -> bytes:
    return b"".join(chunks(files, fmt))


def export_to(files: list[Path], fmt: str, output: Optional[Path]) -> None:
    """Stream the export to stdout, or atomically to output."""
    import sys
    from .files import atomic_output
    if output is None:
        for c in chunks(files, fmt):
            sys.stdout.buffer.write(c)
        sys.stdout.buffer.flush()
        return
    with atomic_output(output) as fh:
        for c in chunks(files, fmt):
            fh.write(c)
