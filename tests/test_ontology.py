"""The ontology: loads in owlready2, labels and definitions, identifiers from ../shared/vocab or
ontology/xrefs-verified.tsv only."""
from __future__ import annotations

import csv
import re
import tomllib

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from sarcokg.model.namespaces import SKO
from sarcokg.model.terms import load_terms

from .conftest import ROOT, SHARED, needs_shared

ONTO = ROOT / "ontology" / "sarcokg.ttl"
OBOINOWL = rdflib.Namespace("http://www.geneontology.org/formats/oboInOwl#")
SKO_NS = rdflib.Namespace(SKO)


@pytest.fixture(scope="module")
def g() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(ONTO, format="turtle")
    return graph


def test_loads_in_owlready2(tmp_path):
    import owlready2
    nt = tmp_path / "onto.nt"
    with open(ONTO, "rb") as fh:
        nt.write_bytes(ox.serialize(ox.parse(fh, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES))
    world = owlready2.World()
    onto = world.get_ontology(nt.as_uri()).load(format="ntriples")
    names = {c.name for c in onto.classes()}
    assert {"Tumour", "Sarcoma", "Leiomyosarcoma", "L2", "TotalEnBlocSpondylectomy", "Doxorubicin"} <= names


def test_header(g):
    onto = rdflib.URIRef("https://w3id.org/sarcokg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in g
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert g.value(onto, OWL.versionIRI) == rdflib.URIRef(f"https://w3id.org/sarcokg/ontology/{version}")
    assert str(g.value(onto, OWL.versionInfo)) == version
    for p in ("title", "description", "license"):
        assert g.value(onto, rdflib.DCTERMS[p]) is not None, p


def test_every_class_has_label_and_definition(g):
    classes = set(g.subjects(RDF.type, OWL.Class))
    assert len(classes) > 300
    missing = [c for c in classes if isinstance(c, rdflib.URIRef)
               and (g.value(c, RDFS.label) is None or g.value(c, SKOS.definition) is None)]
    assert missing == []


def test_no_duplicate_labels_within_an_axis():
    T = load_terms()
    for axis, terms in T.by_axis.items():
        labels = [t.label.lower() for t in terms.values()]
        dupes = {lab for lab in labels if labels.count(lab) > 1}
        assert not dupes, (axis, dupes)


def _vocab_ids() -> set[str]:
    ids = set()
    for f in (SHARED / "vocab").glob("*.tsv"):
        with open(f, encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                for col, v in row.items():
                    if col and v and not col.endswith("label") and col not in ("synonyms", "name", "label", "key"):
                        ids.update(x.strip() for x in v.split(";"))
    return ids


VERIFIED = ROOT / "ontology" / "xrefs-verified.tsv"
SOURCE = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}:\S+$")   # owner/repo@commit:path


def _verified_rows() -> list[dict[str, str]]:
    lines = [ln for ln in VERIFIED.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _verified() -> dict[str, set[str]]:
    """sko term (local name) -> the cross-references ontology/xrefs-verified.tsv verified for it."""
    out: dict[str, set[str]] = {}
    for row in _verified_rows():
        out.setdefault(row["term"], set()).add(row["xref"])
    return out


def _unverified(g: rdflib.Graph, ids: set[str], verified: dict[str, set[str]]) -> list[str]:
    """Every cross-reference that neither the vocab tables give nor the verified table gives its term."""
    bad = []
    for s, _, x in g.triples((None, OBOINOWL.hasDbXref, None)):
        prefix, local = str(x).split(":", 1)
        value = local if prefix in ("NCIT", "UMLS", "ONCOTREE", "SCTID", "DRUGBANK") else str(x)
        if value not in ids and str(x) not in verified.get(str(s).removeprefix(SKO), set()):
            bad.append(f"{str(s).removeprefix(SKO)} {x}")
    return bad


@needs_shared
def test_every_identifier_comes_from_the_vocab_tables_or_was_verified_for_its_term(g):
    ids = _vocab_ids()
    verified = _verified()
    assert _unverified(g, ids, verified) == [], "not in ../shared/vocab nor in ontology/xrefs-verified.tsv"
    assert len(list(g.triples((None, OBOINOWL.hasDbXref, None)))) > 500
    for p in ("icdoMorphology", "icdoTopography", "oncotreeCode"):
        for _, _, x in g.triples((None, rdflib.URIRef(SKO + p), None)):
            assert str(x) in ids, f"{p} {x} is not in ../shared/vocab"
    for _, _, x in g.triples((None, SKOS.exactMatch, None)):
        curie = re.sub(r"^http://purl.obolibrary.org/obo/([A-Za-z]+)_", r"\1:", str(x))
        assert curie in ids or curie.removeprefix("NCIT:") in ids, x
    # an invented identifier fails, and so does a verified one on a term its row does not name
    g2 = rdflib.Graph()
    g2.add((SKO_NS.Vinorelbine, OBOINOWL.hasDbXref, rdflib.Literal("NCIT:C99999999")))
    g2.add((SKO_NS.Erlotinib, OBOINOWL.hasDbXref, rdflib.Literal("NCIT:C1275")))    # vinorelbine's
    g2.add((SKO_NS.Left, OBOINOWL.hasDbXref, rdflib.Literal("HP:0012835")))
    assert sorted(_unverified(g2, ids, verified)) == ["Erlotinib NCIT:C1275", "Vinorelbine NCIT:C99999999"]


def test_verified_table_names_its_sources_and_every_row_is_in_the_ontology(g):
    """Each row: a term of the ontology that carries the xref, the source's label, the file it was
    read in (repository@commit:path), and a prefix ontology/resources.tsv gives a version."""
    from sarcokg.interop.phenopacket import load_resources
    rows = _verified_rows()
    assert len(rows) >= 20
    known = load_resources()
    xrefs = [r["xref"] for r in rows]
    assert len(xrefs) == len(set(xrefs)), "an identifier verified for two terms"
    for r in rows:
        term = SKO_NS[r["term"]]
        assert (term, OBOINOWL.hasDbXref, rdflib.Literal(r["xref"])) in g, f"{r['term']} lacks {r['xref']}"
        assert re.fullmatch(r"[A-Z]+:[A-Z]?\d+", r["xref"]), r
        assert r["label"].strip() and SOURCE.match(r["source"]), r
        assert r["xref"].split(":")[0] in known, f"no resources.tsv row for {r['xref']}"


def test_vertebrae_ordered_and_part_of_their_region():
    T = load_terms()
    vs = T.vertebrae()
    assert [v.key for v in vs][:8] == ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "T1"]
    assert len(vs) == 33 and [v.order for v in vs] == list(range(1, 34))
    assert T.get("vertebra", "L2").summary_key == "vertebral column"
    assert T.get("vertebra", "S2").summary_key == "sacrum"
    lumbar = T.terms[SKO + "LumbarVertebra"]
    assert T.part_of[lumbar.iri] == [SKO + "LumbarSpine"]


def test_tumour_hierarchy_and_sarcoma_grouping():
    T = load_terms()
    lms = T.get("tumour", "LMS")
    assert T.is_subclass(lms.iri, SKO + "Sarcoma") and T.is_subclass(lms.iri, SKO + "Tumour")
    assert T.is_subclass(T.get("tumour", "ARMS").iri, T.get("tumour", "RMS").iri)
    assert not T.is_subclass(T.get("tumour", "LM").iri, SKO + "Sarcoma")      # leiomyoma is benign
    assert not T.is_subclass(T.get("tumour", "UCS").iri, SKO + "Sarcoma")     # a carcinosarcoma
    assert T.get("intervention", "total en bloc spondylectomy").summary_key == "surgery"
    assert T.get("intervention", "ct-guided biopsy").summary_key is None
    assert T.get("outcome", "complete response").summary_key == "no evidence of disease"


def test_every_regimen_names_drugs_of_the_ontology(g):
    """A regimen's sko:regimenAgent values are drug classes, each one found: a
    misspelt class would silently drop a drug from every report naming the regimen."""
    terms = load_terms()
    regimens = terms.by_axis["regimen"]
    assert len(regimens) >= 10
    for key, t in regimens.items():
        named = set(g.objects(rdflib.URIRef(t.iri), SKO_NS.regimenAgent))
        assert named and len(t.components) == len(named), key
        assert all(terms.find("agent", c) is not None for c in t.components), key
        assert t.abbreviations, key    # matched by its acronym

