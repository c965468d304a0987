"""Exports for other tools: GA4GH Phenopackets v2, JSON-LD with the published
context, and Turtle read by a second parser."""
from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
import rdflib
from google.protobuf import json_format
from phenopackets import Phenopacket, RadiationTherapy
from rdflib.compare import isomorphic

from sarcokg.interop.export import CONTEXT_FILE, build_context, load_context, read_triples
from sarcokg.interop.phenopacket import duration
from sarcokg.model.namespaces import ONTOLOGY_IRI, PREFIXES

from .conftest import GRAPH, ROOT

REPORTS = sorted(p.stem for p in GRAPH.glob("*.ttl"))
CURIE = re.compile(r"^[A-Z][A-Z0-9_]*:[^\s:]\S*$")
ISO_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+D)?$")


@pytest.fixture(scope="module")
def kg_module(tmp_path_factory):
    import shutil
    kg = tmp_path_factory.mktemp("pp-kg") / "kg"
    shutil.copytree(GRAPH, kg, ignore=shutil.ignore_patterns(".sarcokg"))
    return kg


@pytest.fixture(scope="module")
def packets(tmp_path_factory, kg_module):
    from .conftest import sarcokg
    out = tmp_path_factory.mktemp("pp") / "pp"
    r = sarcokg("export", "--format", "phenopacket", "-o", out, "--kg", kg_module)
    assert r.code == 0, r.err
    return out


def _parse(path) -> Phenopacket:
    return json_format.Parse(path.read_text(encoding="utf-8"), Phenopacket(), ignore_unknown_fields=False)


def _classes(msg):
    """Every OntologyClass in a message, recursively."""
    for field, value in msg.ListFields():
        items = value if field.is_repeated else [value]
        for item in items:
            if hasattr(item, "DESCRIPTOR"):
                if item.DESCRIPTOR.name == "OntologyClass":
                    yield item
                else:
                    yield from _classes(item)


def test_one_file_per_report_parsing_with_the_schema(packets):
    assert sorted(p.stem for p in packets.glob("*.json")) == REPORTS
    assert not [p for p in packets.iterdir() if p.name.startswith(".")], "no temporary files left"
    for path in packets.glob("*.json"):
        pp = _parse(path)
        # Required by the Phenopacket v2 schema: id, subject id, meta data with created,
        # created_by, the schema version and a resource for every prefix used.
        assert pp.id == path.stem and pp.subject.id
        meta = pp.meta_data
        assert meta.HasField("created") and meta.created_by.startswith("SarcoKG ")
        assert meta.phenopacket_schema_version == "2.0"
        prefixes = {r.namespace_prefix for r in meta.resources}
        for r in meta.resources:
            assert r.id and r.name and r.url and r.version and r.namespace_prefix and r.iri_prefix
        for oc in _classes(pp):
            assert CURIE.match(oc.id) and oc.label, oc
            assert oc.id.split(":")[0] in prefixes, oc.id
        assert pp.diseases, "every case has its tumour type"
        for d in pp.diseases:
            assert d.term.id.startswith(("NCIT:", "ONCOTREE:", "SKO:"))
            if d.HasField("onset"):
                assert ISO_DURATION.match(d.onset.age.iso8601duration)
        for a in pp.medical_actions:
            kind = a.WhichOneof("action")
            assert kind in ("procedure", "treatment", "radiation_therapy", "therapeutic_regimen")
            if kind == "radiation_therapy":
                rt: RadiationTherapy = a.radiation_therapy
                assert rt.modality.id and rt.body_site.id and rt.dosage > 0 and rt.fractions > 0
            if kind == "treatment":
                assert a.treatment.agent.id
        for f in pp.phenotypic_features:
            if f.HasField("onset"):
                assert ISO_DURATION.match(f.onset.age.iso8601duration)


def test_content_matches_the_case_summary(packets, run, kg_module):
    rows = {r["report"]["value"]: r for r in
            json.loads(run("query", "case-summary", "--format", "json", "--kg", kg_module).out)["results"]["bindings"]}
    for rid, row in rows.items():
        pp = _parse(packets / f"{rid}.json")
        if "age" in row:
            assert pp.diseases[0].onset.age.iso8601duration == f"P{row['age']['value']}Y"
        if "sex" in row:
            assert pp.subject.sex == {"male": 2, "female": 1}[row["sex"]["value"]]
        if "rt_dose_gy" in row:
            rt = [a.radiation_therapy for a in pp.medical_actions if a.HasField("radiation_therapy")]
            if rt:
                assert rt[0].dosage == round(float(row["rt_dose_gy"]["value"]))
                assert rt[0].fractions == int(row["rt_fractions"]["value"])
        if "agents" in row:
            agents = {a.treatment.agent.label.lower() for a in pp.medical_actions if a.HasField("treatment")}
            assert agents == set(row["agents"]["value"].split("|"))
        if "pmid" in row:
            assert f"PMID:{row['pmid']['value']}" in [r.id for r in pp.meta_data.external_references]
        if "doi" in row:
            assert f"DOI:{row['doi']['value']}" in [r.id for r in pp.meta_data.external_references]
        if "outcome" in row:
            assert pp.subject.vital_status.status in (1, 2)  # ALIVE, DECEASED


def test_phenopackets_are_deterministic(packets, run, tmp_path, kg_module):
    again = tmp_path / "again"
    assert run("export", "--format", "phenopacket", "-o", again, "--kg", kg_module).code == 0
    for p in packets.glob("*.json"):
        assert (again / p.name).read_bytes() == p.read_bytes()
        assert '"created": "1970-01-01T00:00:00Z"' in p.read_text()


def test_phenopacket_needs_a_folder(run, tmp_path):
    r = run("export", "--format", "phenopacket")
    assert r.code == 2 and "-o DIR" in r.err
    f = tmp_path / "file"
    f.write_text("x")
    r = run("export", "--format", "phenopacket", "-o", f)
    assert r.code == 2 and "not a folder" in r.err and f.read_text() == "x"


@pytest.mark.parametrize("months,iso", [("420", "P35Y"), ("428", "P35Y8M"), ("428.5", "P35Y8M15D"),
                                        ("0", "P0D"), ("7", "P7M")])
def test_iso_durations(months, iso):
    from decimal import Decimal
    assert duration(Decimal(months)) == iso


# -- JSON-LD with the published context --------------------------------------

def test_context_file_is_the_ontology_context():
    ctx = load_context()
    for p, ns in PREFIXES.items():
        assert ctx[p] == ns
    generated = build_context(read_triples(ROOT / "ontology" / "sarcokg.ttl"))
    for term, d in generated.items():
        if term in ctx and isinstance(d, dict):
            assert ctx[term] == d, term  # what the context says agrees with the ontology's declarations
    assert ctx["ageYears"] == {"@id": "sko:ageYears", "@type": "xsd:integer"}
    assert ctx["followUpMonths"] == {"@id": "sko:followUpMonths", "@type": "xsd:decimal"}
    assert ctx["metastatic"] == {"@id": "sko:metastatic", "@type": "xsd:boolean"}
    assert ctx["hasTumour"] == {"@id": "sko:hasTumour", "@type": "@id"}
    assert json.loads(CONTEXT_FILE.read_text())["@context"] == ctx
    # and it is exactly what the ontology generates now: a new property is not missing
    from sarcokg.interop.export import context_json
    assert CONTEXT_FILE.read_text(encoding="utf-8") == context_json(), \
        "ontology/context.jsonld is stale: regenerate it (see the README's Layout)"


@pytest.fixture(scope="module")
def exports(tmp_path_factory, kg_module):
    from .conftest import sarcokg
    d = tmp_path_factory.mktemp("exports")
    for fmt in ("trig", "jsonld", "turtle"):
        r = sarcokg("export", "--format", fmt, "-o", d / f"x.{fmt}", "--kg", kg_module)
        assert r.code == 0, r.err
    return d


def test_jsonld_uses_the_context_and_gives_the_same_triples(exports):
    doc = json.loads((exports / "x.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == load_context()
    assert [g["@id"] for g in doc["@graph"]][0] == ONTOLOGY_IRI
    text = (exports / "x.jsonld").read_text(encoding="utf-8")
    assert '"ageYears": "' in text and '"hasTumour": "https://w3id.org/sarcokg/report/' in text
    # rdflib: graph by graph isomorphic with the TriG export.
    a = rdflib.Dataset().parse(exports / "x.trig", format="trig")
    b = rdflib.Dataset().parse(exports / "x.jsonld", format="json-ld")
    ga = {str(g.identifier): g for g in a.graphs() if len(g)}
    gb = {str(g.identifier): g for g in b.graphs() if len(g)}
    assert sorted(ga) == sorted(gb) and len(ga) == len(REPORTS) + 1
    for k in ga:
        assert isomorphic(ga[k], gb[k]), k
    # pyoxigraph: the same canonical dataset.
    da = ox.Dataset(ox.parse(path=str(exports / "x.trig"), format=ox.RdfFormat.TRIG))
    db = ox.Dataset(ox.parse(path=str(exports / "x.jsonld"), format=ox.RdfFormat.JSON_LD))
    da.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    db.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert len(da) == len(db) > 4000
    assert set(map(str, da)) == set(map(str, db))


def test_turtle_export_parses_in_two_parsers(exports):
    g = rdflib.Graph().parse(exports / "x.turtle", format="turtle")
    ts = list(ox.parse(path=str(exports / "x.turtle"), format=ox.RdfFormat.TURTLE))
    assert len(g) == len(set(map(str, ts))) > 4000
    a = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in ts)
    b = ox.Dataset(ox.Quad(*(ox.BlankNode(x) if isinstance(x, rdflib.BNode) else
                             ox.NamedNode(str(x)) if isinstance(x, rdflib.URIRef) else
                             ox.Literal(str(x), language=x.language) if x.language else
                             ox.Literal(str(x), datatype=ox.NamedNode(str(x.datatype or
                                                                          "http://www.w3.org/2001/XMLSchema#string")))
                             for x in t)) for t in g)
    a.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    b.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert set(map(str, a)) == set(map(str, b))


# -- public identifiers, resources, treatments and outcomes as the schema means them --

def _graph_store(kg):
    from sarcokg.store.kgstore import load
    return load(kg).store


def test_sko_only_where_the_ontology_has_no_public_identifier(packets, kg_module):
    from sarcokg.interop.phenopacket import PREFERRED, Terms
    terms = Terms(_graph_store(kg_module))
    public = {p for axis in PREFERRED.values() for p in axis}
    seen = 0
    for path in packets.glob("*.json"):
        for oc in _classes(_parse(path)):
            if oc.id.startswith("SKO:"):
                seen += 1
                iri = "https://w3id.org/sarcokg/ontology#" + oc.id[4:]
                assert not set(terms.xrefs.get(iri, {})) & public, f"{oc.id} has a public identifier"
    assert seen, "the bundled graph uses a few terms without public identifiers (intents)"


def test_a_term_with_a_public_identifier_is_exported_with_it():
    from sarcokg.interop.phenopacket import Terms
    from sarcokg.validate.checks import memory_store
    terms = Terms(memory_store(ROOT / "ontology" / "sarcokg.ttl", []))
    sko = "https://w3id.org/sarcokg/ontology#"
    assert terms.oc(sko + "Hand", "site").id == "UBERON:0002398"
    # from ontology/xrefs-verified.tsv: intents (NCIt), laterality (HPO), drugs and procedures
    assert terms.oc(sko + "AdjuvantIntent", "intent").id == "NCIT:C15675"
    assert terms.oc(sko + "Left", "laterality").id == "HP:0012835"
    assert terms.oc(sko + "Vinorelbine", "agent").id == "NCIT:C1275"
    assert terms.oc(sko + "Hysterectomy", "intervention").id == "MAXO:0001058"
    assert terms.oc(sko + "CarbonIonRadiotherapy", "intervention").id == "NCIT:C160816"
    assert terms.used >= {"NCIT", "HP", "MAXO", "UBERON"}
    # no public term found: kept private, and its resource is this ontology
    assert terms.oc(sko + "SalvageIntent", "intent").id == "SKO:SalvageIntent"
    assert terms.oc(sko + "Sacrectomy", "intervention").id == "SKO:Sacrectomy"


def test_every_resource_has_its_release(packets):
    from sarcokg.interop.phenopacket import load_resources
    from sarcokg.model.namespaces import VERSION
    known = load_resources()
    assert known["SKO"].version == VERSION and known["UBERON"].version == "2026-04-01"
    for path in packets.glob("*.json"):
        for r in _parse(path).meta_data.resources:
            assert r.version and r.version != "unknown", r
            want = known[r.namespace_prefix]
            assert (r.version, r.iri_prefix) == (want.version, want.iri_prefix)


def test_resources_file_needs_every_field(tmp_path):
    from sarcokg.common.errors import InputError
    from sarcokg.interop.phenopacket import load_resources
    bad = tmp_path / "resources.tsv"
    bad.write_text("prefix\tid\tname\turl\tiri_prefix\tversion\tnote\nNCIT\tncit\tNCI Thesaurus\thttp://x\thttp://y\t\t\n")
    with pytest.raises(InputError, match="NCIT"):
        load_resources(bad)


Q_RT = """SELECT ?p ?dose ?fx WHERE { ?p sko:receivedIntervention ?iv . ?iv sko:interventionType ?t .
  ?t rdfs:subClassOf* sko:Radiotherapy . OPTIONAL { ?iv sko:totalDoseGy ?dose } OPTIONAL { ?iv sko:fractions ?fx } }"""


def test_radiotherapy_structured_when_the_dose_is_known_else_a_procedure_with_body_site(packets, kg_module):
    from sarcokg.model.namespaces import PREFIXES
    store = _graph_store(kg_module)
    rows = list(store.query(Q_RT, use_default_graph_as_union=True, prefixes=dict(PREFIXES)))
    assert rows
    for path in packets.glob("*.json"):
        pp = _parse(path)
        rt = [a.radiation_therapy for a in pp.medical_actions if a.HasField("radiation_therapy")]
        for r in rt:
            assert r.body_site.id == pp.diseases[0].primary_site.id and r.dosage > 0 and r.fractions > 0
        for a in pp.medical_actions:
            if a.HasField("procedure") and pp.diseases[0].HasField("primary_site"):
                assert a.procedure.body_site.id == pp.diseases[0].primary_site.id
    dosed = sum(1 for r in rows if r["dose"] is not None and r["fx"] is not None)
    structured = sum(1 for path in packets.glob("*.json") for a in _parse(path).medical_actions
                     if a.HasField("radiation_therapy"))
    assert structured == dosed > 0


def test_outcomes_are_responses_and_disease_course_not_features(packets, kg_module):
    for path in packets.glob("*.json"):
        pp = _parse(path)
        for f in pp.phenotypic_features:
            assert f.modifiers and f.description.startswith("metastatic site"), f
    # 002: progression, partial response, then no evidence of disease at 41 months since diagnosis
    # (the text tells the liver metastases regressing further, no recurrence); no treatment has a
    # time: the first status is the response of the last treatment (ifosfamide), and with no
    # recurrence nothing says why it ended; the disease resolved at 66 y + 41 months
    pp = _parse(packets / "002_2c3740a5c6caac8c.json")
    last = pp.medical_actions[-1]
    assert last.treatment.agent.label == "ifosfamide"
    assert last.response_to_treatment.label == "progressive disease"
    assert not last.HasField("treatment_termination_reason")
    assert pp.diseases[0].resolution.age.iso8601duration == "P69Y5M" and len(pp.diseases) == 1
    # 003: no evidence of disease after surgery, then a recurrence: resolved, then a second
    # Disease of the same type whose stage says so
    pp = _parse(packets / "003_c445cf327705193a.json")
    # (both counted since treatment, whose time is not known: no ages)
    first, again = pp.diseases
    assert again.term == first.term and again.primary_site == first.primary_site
    assert not first.HasField("resolution") and not again.HasField("onset")
    assert [s.label for s in again.disease_stage] == ["recurrence"]
    assert pp.medical_actions[-1].HasField("procedure")
    assert not pp.medical_actions[-1].HasField("treatment_termination_reason")  # a procedure is not terminated


def test_every_report_with_a_pmid_or_doi_has_its_reference(packets, kg_module):
    from sarcokg.model.namespaces import PREFIXES
    store = _graph_store(kg_module)
    q = ("SELECT ?rid ?pmid ?doi WHERE { ?r sko:reportId ?rid "
         "OPTIONAL { ?r sko:pmid ?pmid } OPTIONAL { ?r sko:doi ?doi } }")
    n = 0
    for row in store.query(q, use_default_graph_as_union=True, prefixes=dict(PREFIXES)):
        ids = [r.id for r in _parse(packets / f"{row['rid'].value}.json").meta_data.external_references]
        want = [f"PMID:{row['pmid'].value}"] if row["pmid"] else []
        want += [f"DOI:{row['doi'].value}"] if row["doi"] else []
        assert ids == want
        n += bool(want)
    assert n >= 2


def test_every_prefix_the_export_can_choose_has_a_resource():
    from sarcokg.interop.phenopacket import PREFERRED, load_resources
    known = load_resources()
    assert {p for axis in PREFERRED.values() for p in axis} | {"SKO"} <= set(known)


# -- the seed and dev reports ingested: public ids wherever the ontology has one --

@pytest.fixture(scope="module")
def corpus_packets(tmp_path_factory, kg_module):
    """The bundled graph plus every seed and dev report of ../shared ingested, exported."""
    import shutil

    from .conftest import SHARED, sarcokg_inproc
    if not (SHARED / "corpus" / "dev").is_dir():
        pytest.skip("../shared corpus not present")
    kg = tmp_path_factory.mktemp("pp-corpus") / "kg"
    shutil.copytree(kg_module, kg, ignore=shutil.ignore_patterns(".sarcokg"))
    texts = sorted((SHARED / "corpus" / "seeds").glob("*.txt")) + sorted((SHARED / "corpus" / "dev").glob("*.txt"))
    r = sarcokg_inproc("ingest", *texts, "--kg", kg, "--no-validate", "--quiet")
    assert r.code == 0, r.err
    out = kg.parent / "pp"
    r = sarcokg_inproc("export", "--format", "phenopacket", "-o", out, "--kg", kg)
    assert r.code == 0, r.err
    return kg, out


def test_corpus_packets_parse_and_use_sko_only_without_a_public_term(corpus_packets):
    from sarcokg.interop.phenopacket import PREFERRED, Terms, load_resources
    kg, out = corpus_packets
    files = sorted(out.glob("*.json"))
    assert len(files) >= 45
    terms = Terms(_graph_store(kg))
    public = {p for axis in PREFERRED.values() for p in axis}
    verified = {ln.split("\t")[0] for ln in (ROOT / "ontology" / "xrefs-verified.tsv").read_text().splitlines()
                if ln and not ln.startswith(("#", "term\t"))}
    known = load_resources()
    sko, hp = set(), 0
    for path in files:
        pp = _parse(path)   # strict: an unknown field fails
        used = {r.namespace_prefix: r for r in pp.meta_data.resources}
        for oc in _classes(pp):
            prefix = oc.id.split(":")[0]
            assert used[prefix].version == known[prefix].version, oc.id
            if prefix == "SKO":
                sko.add(oc.id[4:])
            hp += prefix == "HP"
        for d in pp.diseases:
            if d.HasField("laterality"):
                assert d.laterality.id in ("HP:0012835", "HP:0012834", "HP:0012832"), d.laterality
    assert hp > 0 and sko, "the corpus has lateralities, and a few terms without a public id"
    for name in sko:
        assert not set(terms.xrefs.get("https://w3id.org/sarcokg/ontology#" + name, {})) & public, name
    assert not sko & verified, f"verified but exported as SKO: {sko & verified}"


def test_sko_ids_script_counts_what_the_packets_hold(corpus_packets, capsys):
    import sys
    sys.path.insert(0, str(ROOT / "scripts"))
    import sko_ids
    _, out = corpus_packets
    assert sko_ids.main([str(out)]) == 0
    text = capsys.readouterr().out
    n = len(list(out.glob("*.json")))
    assert f"{n} phenopackets in {out}, {n} parse strictly" in text
    uses = sum(1 for p in out.glob("*.json") for oc in _classes(_parse(p)) if oc.id.startswith("SKO:"))
    assert f"SKO ids: {uses} uses," in text
    (out / "zz-broken.json").write_text('{"id": "x", "unknownField": 1}')
    try:
        assert sko_ids.main([str(out)]) == 1
        assert "does not parse: zz-broken.json" in capsys.readouterr().out
    finally:
        (out / "zz-broken.json").unlink()
