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


def test_results_validated_ahead_are_taken_only_for_the_bytes_the_store_loaded(tmp_path):
    """validate/ahead.py validates before the store is loaded; a file changed in
    between is validated again, so the results are those of validating after."""
    from sarcokg.store.kgstore import sha256
    from sarcokg.validate import ahead
    kg = tmp_path / "kg"
    synth_graphs(kg, PARALLEL_MIN + 50)
    plant(kg)
    early = ahead.start(kg, "fast", 2, None)
    assert early is not None
    done = early.finish()
    files = sorted(kg.glob("*.ttl"))
    assert set(done) == {f.name for f in files}
    changed = files[7]   # changed after it was validated ahead (as if while the store loaded)
    changed.write_text(changed.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    digests = {f.name: sha256(f) for f in files}
    assert done[changed.name][0] != digests[changed.name]
    expected, _ = validate_kg(files, jobs=1, digests=digests)
    got, fresh = validate_kg(files, jobs=1, digests=digests, ahead=done)
    assert got == expected and fresh == len(files)
    assert any(r.report == changed.name and r.path.endswith("ageYears") for r in got)


def test_nothing_is_validated_ahead_that_the_cache_knows(tmp_path):
    from sarcokg.validate import ahead
    kg = tmp_path / "kg"
    synth_graphs(kg, PARALLEL_MIN + 50)
    cache = tmp_path / "cache.json"
    assert ahead.start(kg, "fast", 1, cache) is None          # one job: nothing beside the store build
    assert ahead.start(kg, "pyshacl", 2, cache) is None
    validate_kg(sorted(kg.glob("*.ttl")), cache_file=cache)
    assert ahead.start(kg, "fast", 2, cache) is None          # every report known to the cache
    assert ahead.start(kg, "fast", 2, tmp_path / "none.json") is not None


def test_a_malformed_file_is_named_once_by_a_cold_parallel_validate(inproc, tmp_path):
    kg = tmp_path / "kg"
    synth_graphs(kg, PARALLEL_MIN + 50)
    bad = sorted(kg.glob("*.ttl"))[3]
    bad.write_text(bad.read_text() + "\n:broken sko:ageYears .\n")
    r = inproc("validate", "--kg", kg, "--jobs", 2)
    assert r.code == 2 and "Traceback" not in r.err
    assert re.search(re.escape(bad.name) + r":\d+: malformed Turtle", r.err)
