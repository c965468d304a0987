"""Validation at scale: cached results, only changed reports re-validated, cross-report rules."""
from __future__ import annotations

import re
import shutil

import pytest

from sarcokg.common.errors import InputError
from sarcokg.store.kgstore import CACHE_DIR
from sarcokg.validate.shacl import PARALLEL_MIN, validate_kg

from .conftest import synth_graphs


def plant(kg) -> None:
    """Problems of every kind in a folder of synthetic reports (which carry about 1%
    of planted shape violations already): a blank-node value, a node of another
    report described and linked to, a duplicate PMID, a report id that is not the file's stem, and text
    that needs escapes or carries a language tag."""
    files = sorted(kg.glob("*.ttl"))
    first, second, third, fourth = (f.read_text() for f in files[:4])
    files[0].write_text(re.sub(r'sko:doi "[^"]+"', "sko:doi []", first))
    own = re.search(r"@prefix : <([^>]+)>", second).group(1)
    other = own.replace(files[1].stem, files[2].stem)
    files[1].write_text(second + f"\n<{other}patient> <{own}x> 1 .\n<{own}patient> <{own}y> <{other}tumour> .\n")
    pmid = re.search(r'sko:pmid "(\d+)"', third).group(1)
    files[3].write_text(re.sub(r'sko:pmid "\d+"', f'sko:pmid "{pmid}"', fourth))
    last = files[-1].read_text()
    files[-1].write_text(last.replace(f'sko:reportId "{files[-1].stem}"', 'sko:reportId "elsewhere"')
                         .replace("sko:curationStatus", 'rdfs:comment "a \\"quoted\\" line\\n\\u00e9"@en ;\n'
                                                        "    sko:curationStatus"))


def test_only_changed_reports_are_validated_again(kg_copy):
    files = sorted(kg_copy.glob("*.ttl"))
    cache = kg_copy / "cache.json"
    results, fresh = validate_kg(files, cache_file=cache)
    assert results == [] and fresh == len(files)
    assert validate_kg(files, cache_file=cache)[1] == 0
    target = files[2]
    target.write_text(target.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    results, fresh = validate_kg(files, cache_file=cache)
    assert fresh == 1 and len(results) == 1 and results[0].report == target.name
    # a cached failure is still reported without re-validating
    again, fresh = validate_kg(files, cache_file=cache)
    assert fresh == 0 and again == results


def test_shapes_change_invalidates_the_cache(kg_copy, monkeypatch):
    files = sorted(kg_copy.glob("*.ttl"))
    cache = kg_copy / "cache.json"
    validate_kg(files, cache_file=cache)
    import sarcokg.validate.shacl as v
    alt = kg_copy / "shapes.ttl"
    shutil.copy(v.shapes_path(), alt)
    alt.write_text(alt.read_text() + "\n# edited\n")
    monkeypatch.setattr(v, "shapes_path", lambda ontology_dir=None: alt)
    assert validate_kg(files, cache_file=cache)[1] == len(files)


def test_parallel_gives_the_same_results(kg_copy):
    src = next(kg_copy.glob("*.ttl"))
    for i in range(60):
        text = src.read_text().replace(f'sko:reportId "{src.stem}"', f'sko:reportId "r{i}"').replace(
            f"/report/{src.stem}/", f"/report/r{i}/")   # a report graph of its own (validate/reportgraph.py)
        if i % 20 == 0:
            text = text.replace("sko:ageYears ", "sko:ageYears 1", 1)
        (kg_copy / f"r{i}.ttl").write_text(text)
    files = sorted(kg_copy.glob("*.ttl"))
    serial, _ = validate_kg(files, jobs=1)
    parallel, _ = validate_kg(files, jobs=2)
    assert serial == parallel and len(serial) == 3


def test_cross_report_rules(run, kg_copy):
    src = next(f for f in sorted(kg_copy.glob("*.ttl")) if "sko:pmid" in f.read_text())
    shutil.copy(src, kg_copy / "clash.ttl")           # same report id in two files, same PMID and DOI
    r = run("validate", "--kg", kg_copy)
    assert r.code == 1
    assert "clash.ttl" in r.out and "same PMID" in r.out and "same DOI" in r.out and "file's stem" in r.out
    (kg_copy / "clash.ttl").unlink()
    r = run("validate", "--kg", kg_copy)
    assert r.code == 0, r.out
    assert (kg_copy / CACHE_DIR / "validation-fast.json").exists()


def test_cross_report_rules_incremental_equal_a_full_run(run, kg_copy):
    """After each change the cached, incremental cross-report results equal a full scan."""
    src = next(f for f in sorted(kg_copy.glob("*.ttl")) if "sko:pmid" in f.read_text() and "sko:doi" in f.read_text())
    text = src.read_text().replace(f'sko:reportId "{src.stem}"', 'sko:reportId "twin"').replace(
        f"/report/{src.stem}/", "/report/twin/")   # its own nodes: only the PMID and DOI are shared
    pmid = re.search(r'sko:pmid "(\d+)"', text).group(1)
    doi = re.search(r'sko:doi "([^"]+)"', text).group(1)
    twin = kg_copy / "twin.ttl"

    def both() -> str:
        inc, full = run("validate", "--kg", kg_copy), run("validate", "--kg", kg_copy, "--no-cache")
        assert inc.out == full.out and inc.code == full.code
        return inc.out

    assert "conforms" in both()
    twin.write_text(text)                                    # the same PMID and DOI as src
    out = both()
    assert out.count("same PMID") == 2 and out.count("same DOI") == 2
    twin.write_text(text.replace(f'"{pmid}"', '"1"'))        # PMID fixed, DOI still shared
    out = both()
    assert "same PMID" not in out and out.count("same DOI") == 2 and src.name in out
    twin.write_text(text.replace(f'"{pmid}"', '"1"').replace(f'"{doi}"', '"10.5555/other"'))
    assert "conforms" in both()
    twin.write_text(text)
    assert both().count("same PMID") == 2
    twin.unlink()                                            # removed: src is unique again
    assert "conforms" in both()


def test_blank_node_identifiers_do_not_break_the_incremental_rules(run, kg_copy):
    assert run("validate", "--kg", kg_copy).code == 0
    src = next(f for f in sorted(kg_copy.glob("*.ttl")) if "sko:doi" in f.read_text())
    src.write_text(re.sub(r'sko:doi "[^"]+"', "sko:doi []", src.read_text()))
    inc, full = run("validate", "--kg", kg_copy), run("validate", "--kg", kg_copy, "--no-cache")
    assert inc.code == full.code == 1 and inc.out == full.out and "Traceback" not in inc.err


def test_jobs_2_prints_the_same_bytes_as_jobs_1(inproc, tmp_path):
    """A few hundred reports (enough for workers: PARALLEL_MIN) with problems of
    every kind: text and Turtle output, exit code and the cache written are the
    same whatever the number of jobs."""
    kg = tmp_path / "kg"
    synth_graphs(kg, 300)
    assert len(list(kg.glob("*.ttl"))) >= PARALLEL_MIN
    plant(kg)
    got = {}
    for jobs in (1, 2):
        copy = tmp_path / f"kg{jobs}"
        shutil.copytree(kg, copy)
        text = inproc("validate", "--kg", copy, "--jobs", jobs)
        turtle = inproc("validate", "--kg", copy, "--jobs", jobs, "--no-cache", "--format", "turtle")
        got[jobs] = (text.code, text.out, turtle.code, turtle.out,
                     (copy / CACHE_DIR / "validation-fast.json").read_bytes())
    assert got[1] == got[2]
    code, out = got[1][0], got[1][1]
    assert code == 1
    for expected in ("a blank node", "outside this report's namespace", "link to another report's node",
                     "same PMID", "file's stem",
                     "sko:ageYears"):   # a planted violation of bench/synth.py
        assert expected in out, expected


@pytest.mark.parametrize("where", [0, -1])
def test_a_malformed_file_stops_parallel_validation_with_one_line(tmp_path, where):
    """Among many files, a malformed one is named whether a worker (the first
    chunk) or this process (the last) reads it."""
    kg = tmp_path / "kg"
    synth_graphs(kg, PARALLEL_MIN + 50)
    files = sorted(kg.glob("*.ttl"))
    files[where].write_text(files[where].read_text() + "\n:broken sko:ageYears .\n")
    with pytest.raises(InputError, match=re.escape(files[where].name) + r":\d+: malformed Turtle"):
        validate_kg(files, jobs=2)


# -- the rules across reports against the SPARQL they replaced (the oracle) ------

SKO = "https://w3id.org/sarcokg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _sparql_rules(kg) -> list:
    """The rules across reports as they ran before (SPARQL over a store of the
    folder's files, one named graph each), with a blank-node focus written as
    validate writes any blank node. A blank node is never a shared value (a
    label is the file's own: two files' _:b0 are two nodes, though Oxigraph
    would take them as one when both are loaded with that label), so the
    scan leaves blank nodes out (FILTER), as the incremental SPARQL did."""
    import pyoxigraph as ox

    from sarcokg.model.namespaces import REPORT_BASE, sparql_prefixes
    from sarcokg.store.kgstore import load_memory
    from sarcokg.validate.cross import CROSS_CHECKS, ID_MESSAGE
    from sarcokg.validate.shacl import BLANK, Result
    store = load_memory(kg).store

    def focus(t) -> str:
        return BLANK if isinstance(t, ox.BlankNode) else t.value

    def rid(g) -> str:
        return g.value[len(REPORT_BASE):]

    out = set()
    for prop, message in CROSS_CHECKS.values():
        q = sparql_prefixes() + f"""
            SELECT ?g ?r ?v WHERE {{
              {{ SELECT ?v WHERE {{ GRAPH ?x {{ ?s {prop} ?v }} FILTER(!isBlank(?v)) }}
                 GROUP BY ?v HAVING (COUNT(DISTINCT ?x) > 1) }}
              GRAPH ?g {{ ?r {prop} ?v }}
            }}"""
        for row in store.query(q):
            out.add(Result(f"{rid(row['g'])}.ttl", focus(row["r"]), SKO + prop.split(":")[1], "SPARQL",
                           row["v"].value, message))
    q = sparql_prefixes() + f"""
        SELECT ?g ?r ?id WHERE {{
          {{ SELECT ?g ?r ?id WHERE {{
              GRAPH ?g {{ ?r sko:reportId ?id }}
              FILTER(STR(?g) != CONCAT("{REPORT_BASE}", STR(?id)))
          }} }}
          GRAPH ?g {{ ?r a sko:CaseReport }}
        }}"""
    for row in store.query(q):
        out.add(Result(f"{rid(row['g'])}.ttl", focus(row["r"]), SKO + "reportId", "SPARQL", row["id"].value,
                       ID_MESSAGE))
    return sorted(out)


def _across(results) -> list:
    """The results of the rules across reports among all (the one-report-graph rule has no path)."""
    return [r for r in results if r.component == "SPARQL" and r.path]


def _own(f) -> str:
    return re.search(r"@prefix : <([^>]+)>", f.read_text()).group(1)


def plant_terms(kg) -> None:
    """Values that are the same RDF term, or are not, in ways text alone does
    not show: a datatype or a language (not the same term), xsd:string (the
    same as a plain literal), numbers and booleans the store keeps by value
    ("01" and "1" as xsd:integer are one term there), IRIs against their text,
    blank nodes (never shared) as values and as the node that holds them, a
    report id on a node that is no sko:CaseReport, an IRI as a report id."""
    files = sorted(kg.glob("*.ttl"))[4:]
    lines = [
        '"123"', '"123"^^xsd:string', '"123"@en', '"123"@EN', '"123"^^xsd:integer', '"0123"^^xsd:integer',
        '"1"^^xsd:boolean', '"true"^^xsd:boolean', "<http://example.org/123>", '"http://example.org/123"',
        "<http://example.org/123>", '"1.50"^^xsd:decimal', '"1.5"^^xsd:decimal', '"abc"^^xsd:integer',
        '"abc"^^xsd:integer', '"77"@en-GB',
    ]
    for f, value in zip(files, lines, strict=False):
        f.write_text(f.read_text() + f"\n<{_own(f)}extra> sko:pmid {value} .\n")
    f = files[20]                  # one blank node holds the DOI in two reports, another is the value
    f.write_text(f.read_text() + '\n[] sko:doi "10.9999/shared" .\n<' + _own(f) + "x> sko:doi [] .\n")
    f = files[21]
    f.write_text(f.read_text() + '\n[ a sko:CaseReport ; sko:reportId "bnode-report" ] sko:doi "10.9999/shared" .\n')
    for f in files[24:26]:         # the same label of a blank node in two files: two nodes
        f.write_text(f.read_text() + f"\n<{_own(f)}extra> sko:doi _:b0 .\n")
    f = files[22]                  # an id that is not the stem, on a node that is no sko:CaseReport: no result
    f.write_text(f.read_text() + f'\n<{_own(f)}other> sko:reportId "not-me" .\n')
    f = files[23]                  # an IRI as the report's id
    f.write_text(f.read_text() + f"\n<{_own(f)}report> sko:reportId <http://example.org/id> .\n")


def test_the_rules_across_reports_equal_the_sparql_they_replaced(tmp_path):
    """On a folder with every kind of planted problem and term, after changes,
    a removal, a rename and a report id clash, cached and not: the same
    results as the SPARQL rules over a store of the same files."""
    kg = tmp_path / "kg"
    synth_graphs(kg, 40)
    plant(kg)
    plant_terms(kg)
    cache = tmp_path / "cache.json"

    def agree() -> list:
        files = sorted(kg.glob("*.ttl"))
        want = _sparql_rules(kg)
        cached, _ = validate_kg(files, cache_file=cache)
        assert _across(cached) == want
        assert _across(validate_kg(files)[0]) == want
        return want

    first = agree()
    assert {"pmid", "doi", "reportId"} <= {r.path.rsplit("#", 1)[1] for r in first}
    values = {r.value for r in first}
    assert {"123", "true", "http://example.org/123", "1.5", "abc", "10.9999/shared", "elsewhere",
            "bnode-report", "http://example.org/id"} <= values
    assert "not-me" not in values and "77" not in values
    files = sorted(kg.glob("*.ttl"))
    shutil.copy(files[6], kg / "zz-clash.ttl")                     # two files, one id, same PMID and DOI
    assert len(agree()) > len(first)
    files[5].write_text(files[5].read_text().replace('"123"^^xsd:string', '"124"'))   # changed
    agree()
    files[7].unlink()                                              # removed
    agree()
    files[8].rename(kg / "renamed.ttl")                            # renamed: its id is no longer its stem
    assert any(r.report == "renamed.ttl" and r.path.endswith("reportId") for r in agree())


def test_a_malformed_file_is_named_once_by_a_cold_parallel_validate(inproc, tmp_path):
    kg = tmp_path / "kg"
    synth_graphs(kg, PARALLEL_MIN + 50)
    bad = sorted(kg.glob("*.ttl"))[3]
    bad.write_text(bad.read_text() + "\n:broken sko:ageYears .\n")
    r = inproc("validate", "--kg", kg, "--jobs", 2)
    assert r.code == 2 and "Traceback" not in r.err
    assert re.search(re.escape(bad.name) + r":\d+: malformed Turtle", r.err)


def test_a_file_is_read_again_only_when_its_size_or_mtime_changed(kg_copy):
    """A file whose size and mtime are those cached is not read; one touched
    (same bytes, new mtime) is read and hashed but not validated again, and its
    new mtime is kept; one rewritten is validated again."""
    import os
    files = sorted(kg_copy.glob("*.ttl"))
    cache = kg_copy / "cache.json"
    first, fresh = validate_kg(files, cache_file=cache)
    assert fresh == len(files)
    st = files[0].stat()
    os.utime(files[0], ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))   # touched
    assert validate_kg(files, cache_file=cache) == (first, 0)
    import json
    assert json.loads(cache.read_text())["reports"][files[0].name][2] == st.st_mtime_ns + 10**9
    text = files[1].read_text()
    files[1].write_text(text.replace("sko:ageYears 3", "sko:ageYears 4", 1) if "sko:ageYears 3" in text
                        else text.replace("sko:ageYears ", "sko:ageYears 1", 1))
    assert validate_kg(files, cache_file=cache)[1] == 1


def test_validate_waits_for_a_writer_of_the_folder(inproc, kg_copy, monkeypatch):
    """validate reads the files under the folder's shared lock: while ingest
    (or a store change) holds it alone, validate waits, then says who holds it."""
    from sarcokg.store.lock import kg_lock
    assert inproc("validate", "--kg", kg_copy).code == 0
    monkeypatch.setenv("SARCOKG_LOCK_WAIT", "0.3")
    with kg_lock(kg_copy, exclusive=True):
        r = inproc("validate", "--kg", kg_copy)
    assert r.code == 2 and "another sarcokg command" in r.err, r.err
    assert inproc("validate", "--kg", kg_copy).code == 0
