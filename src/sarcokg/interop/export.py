"""Export the ontology and the report graphs: Turtle, N-Triples, TriG, JSON-LD.

Deterministic: the same files give the same bytes. Each report is parsed and
written on its own (no giant in-memory graph), ontology first, reports in file
order; in Turtle and TriG each report section redefines the ':' prefix to its
own namespace, which keeps report sections as readable as their source files.

JSON-LD is compact JSON-LD 1.1 written here (no JSON-LD library): one document
whose "@context" is the published context ontology/context.jsonld (its
content embedded, so no processor has to fetch anything) and whose "@graph"
holds one named graph per report, the ontology first. Each property with a
term in the context is written by its term ("ageYears": "35"); a literal is a
JSON string when the term's type coercion gives its datatype (so the lexical
form is kept exactly) and a value object otherwise; IRIs are compacted with
the project prefixes. A processor gets the same triples as from the Turtle
export (tested with rdflib and pyoxigraph).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.common.resources import CONTEXT_FILE as CONTEXT_NAME
from sarcokg.common.resources import bundled_graph, ontology_dir
from sarcokg.model.namespaces import ONTOLOGY_IRI, OWL, PREFIXES, RDF, RDFS, REPORT_BASE, SKO, XSD, report_ns
from sarcokg.model.rdf import rank as report_rank
from sarcokg.model.turtle import Writer, canonical_bnodes, ntriples
from sarcokg.store.kgstore import loaded_digests, ontology_path, read_triples, writer_body_start

ONTO_RANK = {"http://www.w3.org/2002/07/owl#Ontology": 0, "http://www.w3.org/2002/07/owl#AnnotationProperty": 1,
             "http://www.w3.org/2002/07/owl#ObjectProperty": 2, "http://www.w3.org/2002/07/owl#DatatypeProperty": 3,
             "http://www.w3.org/2002/07/owl#Class": 4, "http://www.w3.org/2002/07/owl#NamedIndividual": 5}


def onto_rank(subject: str, types: list[str]) -> int:
    return min((ONTO_RANK.get(t, 9) for t in types), default=9)


def _reports(files: Sequence[Path]) -> Iterator[tuple[str, list[tuple]]]:
    for f in files:
        yield f.stem, read_triples(f)


def _canonical_body(path: Path, rid: str, parsed: str | None = None) -> str | None:
    """The statements of a report file that sarcokg wrote (comment lines, then
    the fixed prefix block of its id), else None. The file is parsed all the
    same, so a malformed one is still reported with its line, unless its
    SHA-256 is parsed: the digest of the content the store loaded from it."""
    data = path.read_bytes()
    start = writer_body_start(data, rid)
    if start is None:
        return None
    if parsed is None or hashlib.sha256(data).hexdigest() != parsed:
        read_triples(path)
    body = data[start:].decode("utf-8")
    return body if body.endswith("\n") else body + "\n"


def chunks(files: Sequence[Path], fmt: str) -> Iterator[bytes]:
    """The export, one report at a time: memory stays flat however many reports."""
    onto = read_triples(ontology_path())
    parsed = loaded_digests(files[0].parent) if files else {}
    base = Writer()

    def enc(text: str) -> bytes:
        return text.encode("utf-8")

    if fmt == "turtle":
        yield enc("# SarcoKG export: the ontology and every report graph.\n" + base.header() + "\n")
        yield enc(base.body(onto, onto_rank))
        for f in files:
            rid = f.stem
            # A file sarcokg wrote is already in canonical form: copy its statements.
            body = _canonical_body(f, rid, parsed.get(f.name))
            if body is None:
                body = Writer({"": report_ns(rid), **PREFIXES}).body(read_triples(f), report_rank)
            yield enc(f"\n# report {rid}\n@prefix : <{report_ns(rid)}> .\n\n" + body)
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
        ctx = load_context()
        jw = JsonLdWriter(ctx)
        yield enc('{"@context": ' + json.dumps(ctx, ensure_ascii=False, indent=1, sort_keys=True)
                  + ',\n"@graph": [\n' + jw.graph(ONTOLOGY_IRI, onto))
        for rid, triples in _reports(files):
            yield enc(",\n" + jw.graph(REPORT_BASE + rid, triples))
        yield b"\n]}\n"
    else:
        raise InputError(f"unknown export format {fmt!r}")


CONTEXT_FILE = ontology_dir() / CONTEXT_NAME
CONTEXT_URL = "https://w3id.org/sarcokg/context.jsonld"
_COERCED = {XSD + t for t in ("decimal", "integer", "boolean", "nonNegativeInteger", "date", "dateTime")}


def _compact(iri: str) -> str:
    for p, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
            return f"{p}:{iri[len(ns):]}"
    return iri


def build_context(onto: list[tuple]) -> dict:
    """The JSON-LD context of the ontology's properties: the published ontology/context.jsonld.

    A term per object and datatype property (of sko:, oa: and prov:) and per
    sko: annotation property: object properties coerce to @id; datatype
    properties with a decimal, integer, boolean or nonNegativeInteger range to
    that datatype; string properties are plain. Annotation properties take
    their coercion from their values in the ontology (IRIs, or one datatype)."""
    types: dict = {}
    ranges: dict = {}
    values: dict = {}
    for s, p, o in onto:
        if not isinstance(s, ox.NamedNode):
            continue
        if p.value == RDF + "type" and isinstance(o, ox.NamedNode):
            types.setdefault(s.value, set()).add(o.value)
        elif p.value == RDFS + "range" and isinstance(o, ox.NamedNode):
            ranges[s.value] = o.value
        values.setdefault(p.value, []).append(o)
    terms: dict = {}
    for iri in sorted(types):
        kinds = types[iri]
        ns = next((PREFIXES[k] for k in ("sko", "oa", "prov") if iri.startswith(PREFIXES[k])), None)
        if ns is None:
            continue
        name = iri[len(ns):]
        if OWL + "ObjectProperty" in kinds:
            terms[name] = {"@id": _compact(iri), "@type": "@id"}
        elif OWL + "DatatypeProperty" in kinds:
            rng = ranges.get(iri)
            terms[name] = {"@id": _compact(iri), "@type": _compact(rng)} if rng in _COERCED else _compact(iri)
        elif OWL + "AnnotationProperty" in kinds and ns == SKO:
            vals = values.get(iri, [])
            if vals and all(isinstance(v, ox.NamedNode) for v in vals):
                terms[name] = {"@id": _compact(iri), "@type": "@id"}
            elif vals and all(isinstance(v, ox.Literal) and v.datatype.value in _COERCED for v in vals) \
                    and len({v.datatype.value for v in vals}) == 1:
                terms[name] = {"@id": _compact(iri), "@type": _compact(vals[0].datatype.value)}
            else:
                terms[name] = _compact(iri)
    standard = {"label": "rdfs:label", "comment": "rdfs:comment", "definition": "skos:definition",
                "notation": "skos:notation", "hasDbXref": "oboInOwl:hasDbXref",
                "hasExactSynonym": "oboInOwl:hasExactSynonym", "hasRelatedSynonym": "oboInOwl:hasRelatedSynonym",
                "subClassOf": {"@id": "rdfs:subClassOf", "@type": "@id"},
                "exactMatch": {"@id": "skos:exactMatch", "@type": "@id"}}
    return {**PREFIXES, **{k: v for k, v in standard.items() if k not in terms}, **terms}


def context_json(onto: list[tuple] | None = None) -> str:
    """The text of ontology/context.jsonld, generated from the ontology (and, for
    annotation properties only the data uses, the bundled graph)."""
    if onto is None:
        onto = read_triples(ontology_path())
        for f in sorted((bundled_graph()).glob("*.ttl")):
            onto += [t for t in read_triples(f) if t[1].value == SKO + "evidenceProperty"]
    ctx = build_context(onto)
    doc = {"@context": ctx}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def load_context(path: Path = CONTEXT_FILE) -> dict:
    """The "@context" object of the published context file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        ctx = doc["@context"]
        if not isinstance(ctx, dict):
            raise ValueError("@context is not an object")
    except FileNotFoundError:
        raise InputError(f"{path}: the JSON-LD context file is missing") from None
    except (ValueError, KeyError, TypeError) as e:
        raise InputError(f"{path}: not a JSON-LD context ({e})") from None
    return ctx


class JsonLdWriter:
    """Compact JSON-LD for one named graph at a time, under a fixed context."""

    def __init__(self, ctx: dict):
        self.by_iri: dict[str, tuple[str, str | None]] = {}
        for name, d in ctx.items():
            if name.startswith("@") or name in PREFIXES:
                continue
            iri, coerce = (d, None) if isinstance(d, str) else (d.get("@id"), d.get("@type"))
            full = self._expand(iri)
            if full not in self.by_iri:
                self.by_iri[full] = (name, self._expand(coerce) if coerce not in (None, "@id") else coerce)

    @staticmethod
    def _expand(curie: str) -> str:
        p, _, local = curie.partition(":")
        return PREFIXES[p] + local if p in PREFIXES and not local.startswith("//") else curie

    @staticmethod
    def _id(term) -> str:
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else _compact(term.value)

    def _value(self, o, coerce: str | None):
        if isinstance(o, (ox.NamedNode, ox.BlankNode)):
            return self._id(o) if coerce == "@id" else {"@id": self._id(o)}
        if o.language:
            return {"@language": o.language, "@value": o.value}
        dt = o.datatype.value
        if coerce is None and dt == XSD + "string":
            return o.value
        if coerce == dt:
            return o.value
        if dt == XSD + "string":
            return {"@value": o.value}
        return {"@type": _compact(dt), "@value": o.value}

    def node(self, subject, pos: list[tuple]) -> dict:
        out: dict = {"@id": self._id(subject)}
        types = sorted(self._id(o) for p, o in pos if p.value == RDF + "type" and not isinstance(o, ox.Literal))
        if types:
            out["@type"] = types if len(types) > 1 else types[0]
        grouped: dict[str, list] = {}
        for p, o in pos:
            if p.value == RDF + "type" and not isinstance(o, ox.Literal):
                continue
            name, coerce = self.by_iri.get(p.value, (_compact(p.value), None))
            grouped.setdefault(name, []).append(self._value(o, coerce))
        for name, vals in grouped.items():
            vals = sorted(vals, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
            out[name] = vals if len(vals) > 1 else vals[0]
        return out

    def graph(self, name: str, triples: list[tuple]) -> str:
        by_subject: dict = {}
        for s, p, o in canonical_bnodes(triples):
            by_subject.setdefault(s, []).append((p, o))
        nodes = sorted((self.node(s, pos) for s, pos in by_subject.items()), key=lambda n: n["@id"])
        body = ",\n".join("  " + json.dumps(n, ensure_ascii=False, sort_keys=True) for n in nodes)
        return f'{{"@id": "{name}", "@graph": [\n{body}\n]}}'


def export(files: list[Path], fmt: str) -> bytes:
    return b"".join(chunks(files, fmt))


def export_to(files: Sequence[Path], fmt: str, output: Path | None) -> None:
    """Stream the export to stdout, or atomically to output."""
    from sarcokg.common.files import atomic_output, stdout_output
    with (stdout_output() if output is None else atomic_output(output)) as fh:
        for c in chunks(files, fmt):
            fh.write(c)
