"""Bucket tallies: adjusted file by file, they equal tallies computed afresh."""
from __future__ import annotations

import gc
import json
import random
import shutil

from sarcokg.common.settings import Settings
from sarcokg.store import kgstore as S
from sarcokg.store import tally
from sarcokg.store.kgstore import CACHE_DIR, complete, load, release

from .conftest import GRAPH, synth_graphs


def test_adjusting_a_tally_file_by_file_equals_counting_afresh():
    rng = random.Random(7)
    files: dict[str, str] = {}
    held = tally.tallies([])
    for step in range(2000):
        name = f"r{rng.randrange(300)}.ttl"
        new = None if rng.random() < 0.3 else f"{rng.randrange(5):064x}"
        tally.adjust(held, name, files.get(name), new)
        if new is None:
            files.pop(name, None)
        else:
            files[name] = new
        if step % 97 == 0:
            assert held == tally.tallies(files.items())
    assert held == tally.tallies(files.items()) and tally.well_formed(held, len(files))
    # a digest that differs in one place changes its bucket's tally, and only that one
    name = next(iter(files))
    before = dict(held)
    tally.adjust(held, name, files[name], files[name][:-1] + ("0" if files[name][-1] != "0" else "1"))
    assert [b for b in held if held[b] != before[b]] == [tally.bucket_of(name)]


def test_members_are_the_names_of_the_wanted_buckets_in_order():
    names = sorted(f"report-{i}.ttl" for i in range(500))
    wanted = {tally.bucket_of(names[3]), tally.bucket_of(names[100])}
    got = tally.members(names, wanted)
    assert set(got) == wanted
    for b, ns in got.items():
        assert ns == [n for n in names if tally.bucket_of(n) == b]
    assert tally.members(names, []) == {}


def _check(kg):
    """The store's tallies (on the KG and in its manifest) equal those counted from its digests."""
    kgraph = load(kg)
    fresh = tally.tallies(kgraph.digests.items())
    manifest = json.loads((kg / CACHE_DIR / "manifest.json").read_text())
    assert kgraph.tallies == fresh
    assert manifest["tallies"] == fresh
    assert sum(c for c, _ in fresh.values()) == len(list(kg.glob("*.ttl")))
    del kgraph


def test_the_store_keeps_its_tallies_in_step_with_the_files(tmp_path):
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)       # more than 20 files: the bulk load
    try:
        _check(kg)
        files = sorted(kg.glob("*.ttl"))
        text = files[0].read_text()
        files[0].write_text(text.replace("sko:ageYears ", "sko:ageYears 1", 1))    # changed
        files[1].rename(kg / "renamed.ttl")                                        # renamed
        files[2].unlink()                                                          # removed
        shutil.copy(GRAPH / sorted(p.name for p in GRAPH.glob("*.ttl"))[0], kg)    # added
        _check(kg)
        files[0].write_text(text)                                                  # changed back
        _check(kg)
        # tallies missing or damaged (an earlier version's manifest): counted again and kept
        manifest = kg / CACHE_DIR / "manifest.json"
        for bad in (None, {"00": [1, "zz"]}, {"00": [10**6, "1"]}):
            data = json.loads(manifest.read_text())
            if bad is None:
                data.pop("tallies")
            else:
                data["tallies"] = bad
            release(kg)
            gc.collect()
            manifest.write_text(json.dumps(data))
            _check(kg)
    finally:
        release(kg)


def test_tallies_follow_a_file_changed_before_its_evidence_is_loaded(tmp_path, monkeypatch):
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    try:
        kgraph = load(kg, evidence=False, settings=Settings(defer_evidence_min=21))
        assert kgraph.deferred
        victim = sorted(kg.glob("*.ttl"))[5]
        victim.write_text(victim.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
        complete(kgraph)    # reloads the changed file whole, with its new digest
        assert kgraph.tallies == tally.tallies(kgraph.digests.items())
        assert kgraph.digests[victim.name] == S.sha256(victim)
        del kgraph
        _check(kg)
    finally:
        release(kg)


def test_the_names_of_a_changed_bucket_are_found_without_missing_an_added_one():
    from sarcokg.query.rowcache import _members
    names = sorted(f"report-{i:04d}.ttl" for i in range(400))
    b = tally.bucket_of(names[0])
    mine = [n for n in names if tally.bucket_of(n) == b]
    others = [n for n in names if tally.bucket_of(n) != b]
    caches = {b: {"rows": {n: ["digest", "", ""] for n in mine}}}

    def members(now):
        counts = tally.tallies((n, "d") for n in now)
        return _members(now, [b], caches, counts).get(b, [])

    assert members(names) == mine                                         # unchanged
    assert members([n for n in names if n != mine[1]]) == mine[:1] + mine[2:]   # one gone
    new = next(f"new-{i}.ttl" for i in range(1000) if tally.bucket_of(f"new-{i}.ttl") == b)
    assert members(sorted(names + [new])) == sorted(mine + [new])         # one added
    swapped = sorted([n for n in names if n != mine[1]] + [new])          # one gone, one added: as many
    assert members(swapped) == sorted(mine[:1] + mine[2:] + [new])
    assert members(others) == []                                          # the bucket emptied
