"""Kept renderings of a cached result: a patched rendering equals a fresh one."""
from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from sarcokg.query import renders
from sarcokg.query import run as q
from sarcokg.store.kgstore import CACHE_DIR, load, release

from .conftest import synth_graphs

FORMATS = [ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV]
HEAD = b"?report\t?value\t?n"
# values that each format must escape or quote: quotes, commas, tabs, newlines, non-ASCII
ODD = ['"plain"', '"a, b"', '"say \\"x\\""', '"tab\\there"', '"two\\nlines"', '"é ü"@en', '<http://e.org/x,y>', '']


def _entry(rid: str, rng: random.Random, rows: int) -> list:
    lines = [f'"{rid}"\t{rng.choice(ODD)}\t"{rng.randrange(1000)}"^^<http://www.w3.org/2001/XMLSchema#integer>'
             for _ in range(rows)]
    return [f"{rng.randrange(1 << 30):x}", rid, "\n".join(sorted(lines))]


def _tsv(entries: dict) -> bytes:
    lines = [e[2].encode() for _, e in sorted(entries.items()) if e[2]]
    return b"\n".join([HEAD, *lines, b""])


def _fresh(tsv: bytes, fmt) -> bytes:
    return ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=fmt)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_a_patched_rendering_is_the_fresh_one(fmt):
    rng = random.Random(11)
    entries = {f"r{i:03d}": _entry(f"r{i:03d}", rng, rng.randrange(1, 4)) for i in range(40)}
    data = _fresh(_tsv(entries), fmt)
    done = 0
    for step in range(60):
        ids = sorted(entries)
        # the first, the last, or any report; changed, or its rows gone
        rid = ids[0] if step % 5 == 0 else ids[-1] if step % 5 == 1 else rng.choice(ids)
        old = entries[rid]
        new = _entry(rid, rng, 0 if step % 4 == 0 else rng.randrange(1, 4))
        got = renders.patched(data, fmt, HEAD, [(old, new)])
        if new[2]:
            entries[rid] = new
        else:
            del entries[rid]
        fresh = _fresh(_tsv(entries), fmt)
        assert got == fresh, (step, rid)
        data = got
        done += 1
    # down to the only report left, then none
    while len(entries) > 1:
        rid = sorted(entries)[len(entries) // 2]
        data = renders.patched(data, fmt, HEAD, [(entries.pop(rid), None)])
        assert data == _fresh(_tsv(entries), fmt)
    (rid, last), = entries.items()
    assert renders.patched(data, fmt, HEAD, [(last, None)]) == _fresh(_tsv({}), fmt)
    assert done == 60


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_what_cannot_be_shown_exact_is_not_patched(fmt):
    rng = random.Random(5)
    entries = {f"r{i:03d}": _entry(f"r{i:03d}", rng, 2) for i in range(10)}
    data = _fresh(_tsv(entries), fmt)
    added = _entry("r100", rng, 2)
    assert renders.patched(data, fmt, HEAD, [(None, added)]) is None                 # its place is not known
    moved = _entry("r100", rng, 2)
    assert renders.patched(data, fmt, HEAD, [(entries["r003"], moved)]) is None      # the report id changed
    stranger = _entry("r003", rng, 2)                                                # rows the rendering lacks
    assert renders.patched(data, fmt, HEAD, [(stranger, _entry("r003", rng, 1))]) is None
    doubled = {**entries, "r011": [entries["r003"][0], "r011", entries["r003"][2]]}
    twice = _fresh(_tsv(doubled), fmt)       # the old rows occur twice: which one is not known
    assert renders.patched(twice, fmt, HEAD, [(entries["r003"], _entry("r003", rng, 1))]) is None


def test_renderings_are_kept_and_patched_on_a_graph(tmp_path, monkeypatch):
    """Through the CLI's path: kept renderings are read as they are, patched
    after a changed or removed report, made afresh after an added one or a
    damaged rendering; each time what the store gives."""
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    files = sorted(kg.glob("*.ttl"))
    label, text = q.resolve("cases-by-vertebral-level", None)
    calls = []
    real = renders.patched
    monkeypatch.setattr(renders, "patched", lambda *a: calls.append(real(*a)) or calls[-1])

    def same(fmt: str) -> bool:
        """One command: the query in one format, from the cache and from the store."""
        kgraph = load(kg)
        cached = q.serialize(q.run_kg(kg, kgraph, label, text, []), fmt)
        direct = q.serialize(q.run(kgraph.store, label, text, []), fmt)
        release(kg)
        return cached == direct

    try:
        for n, fmt in enumerate(("json", "csv", "tsv")):
            assert same(fmt) and calls == []
            reads = []
            real_parse = ox.parse_query_results
            monkeypatch.setattr(renders.ox, "parse_query_results",
                                lambda *a, reads=reads, real_parse=real_parse, **k:
                                reads.append(1) or real_parse(*a, **k))
            assert same(fmt) and reads == []            # kept: read as it is, nothing parsed
            monkeypatch.setattr(renders.ox, "parse_query_results", real_parse)
            victim = [f for f in files[10:] if "sko:hasVertebralLevel" in f.read_text()][n]
            victim.write_text(victim.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
            assert same(fmt) and len(calls) == 1 and calls[0] is not None     # changed: patched
            files[n].unlink()
            assert same(fmt) and len(calls) == 2 and calls[1] is not None     # removed: patched
            added = kg / f"zz-added-{n}.ttl"
            added.write_text(files[5].read_text().replace(f"/report/{files[5].stem}/", f"/report/{added.stem}/")
                             .replace(f'"{files[5].stem}"', f'"{added.stem}"'))
            assert same(fmt) and calls[2:] == [None]                         # added: made afresh
            calls.clear()
        assert len(list((kg / CACHE_DIR / "rows").rglob("out.*"))) == 3     # three renderings, stamped in the catalogue
        for out in (kg / CACHE_DIR / "rows").rglob("out.json"):
            out.write_bytes(out.read_bytes()[:-3])             # damaged: its size is not the state's
        files[9].write_text(files[9].read_text().replace("sko:ageYears ", "sko:ageYears 2", 1))
        assert same("json") and calls == []                    # made afresh, not patched
        assert same("csv")                                     # kept for the current result
        for out in (kg / CACHE_DIR / "rows").rglob("out.csv"):
            out.write_bytes(out.read_bytes()[:-3])             # damaged, nothing changed: made afresh
        assert same("csv")
    finally:
        release(kg)
