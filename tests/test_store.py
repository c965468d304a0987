"""The on-disk query store follows the report files: never stale, recovers from faults."""
from __future__ import annotations

import os
import shutil

import pytest

from sarcokg.store.kgstore import CACHE_DIR, kg_lock, load, release

from .conftest import GRAPH, ROOT, synth_graphs


def report_ids(kg):
    res = load(kg).store.query("SELECT ?id WHERE { GRAPH ?g { ?r <https://w3id.org/sarcokg/ontology#reportId> ?id } }")
    return sorted(s["id"].value for s in res)


def ages(kg):
    q = ("SELECT ?a WHERE { GRAPH ?g { ?p <https://w3id.org/sarcokg/ontology#ageYears> ?a } }")
    return sorted(int(s["a"].value) for s in load(kg).store.query(q))


def test_added_changed_removed_files_are_seen(kg_copy):
    first = report_ids(kg_copy)
    assert load(kg_copy).changed == 0  # second open: nothing to do
    src = kg_copy / f"{first[0]}.ttl"
    text = src.read_text()
    # add: the same report under a new id
    (kg_copy / "copy.ttl").write_text(text.replace(f'sko:reportId "{first[0]}"', 'sko:reportId "copy"'))
    assert "copy" in report_ids(kg_copy)
    # change: an age
    before = ages(kg_copy)
    (kg_copy / "copy.ttl").write_text((kg_copy / "copy.ttl").read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    after = ages(kg_copy)
    assert len(after) == len(before) and after != before
    kg = load(kg_copy)
    assert kg.changed == 0
    # remove
    (kg_copy / "copy.ttl").unlink()
    assert report_ids(kg_copy) == first
    assert ages(kg_copy) == sorted(ages(kg_copy))


def test_touched_but_same_content_is_not_reloaded(kg_copy):
    load(kg_copy)
    f = next(kg_copy.glob("*.ttl"))
    os.utime(f, (1, 1))
    assert load(kg_copy).changed == 0


def _catalogue(kg, work):
    from sarcokg.store.catalogue import using
    from sarcokg.store.kgstore import catalogue_path
    return using(catalogue_path(kg), work)


def test_crash_mid_update_is_redone(kg_copy):
    load(kg_copy)
    victim = sorted(_catalogue(kg_copy, lambda cat: cat.files()))[1]
    # as if the process died after marking the graph pending and removing it
    kg = load(kg_copy)
    from sarcokg.store.kgstore import report_graph
    kg.store.remove_graph(report_graph(victim))
    kg.store.flush()
    del kg
    _catalogue(kg_copy, lambda cat: cat.set_pending([victim]))
    assert victim in report_ids(kg_copy)
    assert _catalogue(kg_copy, lambda cat: cat.state().pending) == ()


def test_corrupt_or_old_store_is_rebuilt(kg_copy, capsys, run):
    good = run("query", "case-summary", "--kg", kg_copy, "--format", "csv").out
    store_dir = kg_copy / CACHE_DIR / "store"
    for f in store_dir.iterdir():
        if f.is_file() and f.name != "LOCK":
            f.write_bytes(b"garbage")
    r = run("query", "case-summary", "--kg", kg_copy, "--format", "csv")   # a fresh process
    assert r.code == 0 and r.out == good
    assert "rebuilding the query store" in r.err
    expected = report_ids(kg_copy)
    capsys.readouterr()
    with _catalogue(kg_copy, lambda cat: cat.db) as db:
        db.execute("UPDATE meta SET value = '2 {\"format\": 3}' WHERE name = 'versions'")
    assert report_ids(kg_copy) == expected   # same process: the open handle is dropped and rebuilt
    assert "rebuilding the query store (written by another version)" in capsys.readouterr().err
    assert report_ids(kg_copy) == expected and capsys.readouterr().err == ""   # and recorded: no rebuild again


def test_a_folder_of_the_manifest_format_is_rebuilt_with_a_note(kg_copy, capsys):
    """A folder written by format 3 (manifest.json beside a catalogue of schema 2) is rebuilt once."""
    expected = report_ids(kg_copy)
    cache = kg_copy / CACHE_DIR
    (cache / "manifest.json").write_text('{"versions": {"format": 3}, "files": {}}')
    with _catalogue(kg_copy, lambda cat: cat.db) as db:
        db.execute("UPDATE meta SET value = '2 {\"format\": 3}' WHERE name = 'versions'")
    capsys.readouterr()
    assert report_ids(kg_copy) == expected
    assert "rebuilding the query store (written by another version)" in capsys.readouterr().err
    assert not (cache / "manifest.json").exists()


def test_everything_pending_redoes_every_graph(kg_copy):
    expected = report_ids(kg_copy)
    _catalogue(kg_copy, lambda cat: cat.set_pending(["*"]))
    kg = load(kg_copy)
    assert kg.changed == len(expected) + 1   # every report and the ontology
    assert report_ids(kg_copy) == expected


@pytest.mark.parametrize("damage", ["garbage", "lost"])
def test_a_damaged_or_lost_catalogue_rebuilds_the_store_with_a_note(kg_copy, capsys, damage):
    """The catalogue is the store's record: without it the store is rebuilt (the answers are the same)."""
    from sarcokg.store.kgstore import catalogue_path
    expected = report_ids(kg_copy)
    release(kg_copy)
    if damage == "garbage":
        catalogue_path(kg_copy).write_text("{not a catalogue" * 100)
    else:
        catalogue_path(kg_copy).unlink()
    capsys.readouterr()
    assert report_ids(kg_copy) == expected
    assert "rebuilding the query store (no record of it in the catalogue)" in capsys.readouterr().err
    assert load(kg_copy).changed == 0


def test_second_command_waits_then_says_who(kg_copy, run, monkeypatch):
    monkeypatch.setenv("SARCOKG_LOCK_WAIT", "0.5")
    with kg_lock(kg_copy):
        r = run("query", "case-summary", "--kg", kg_copy)
    assert r.code == 2 and "another sarcokg command" in r.err and f"pid {os.getpid()}" in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert run("query", "case-summary", "--kg", kg_copy).code == 0


def test_read_only_folder_is_queried_in_memory(kg_copy):
    shutil.rmtree(kg_copy / CACHE_DIR, ignore_errors=True)
    os.chmod(kg_copy, 0o555)
    try:
        if os.access(kg_copy, os.W_OK):
            pytest.skip("running as a user who can write anyway (root)")
        assert report_ids(kg_copy)
        assert not (kg_copy / CACHE_DIR).exists()
    finally:
        os.chmod(kg_copy, 0o755)


def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return out


def _gone(pids: list[int], wait: float = 5.0) -> bool:
    import time
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not any(os.path.exists(f"/proc/{p}") and "Z" not in open(f"/proc/{p}/stat").read().rsplit(")", 1)[1][:3]
                   for p in pids):
            return True
        time.sleep(0.1)
    return False


def test_kill_9_during_store_build_recovers(tmp_path, run):
    import signal
    import subprocess
    import sys
    import time
    kg = tmp_path / "kg"
    synth_graphs(kg, 600)
    count = "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a sko:CaseReport }"
    for delay in (0.3, 0.6, 0.9):
        p = subprocess.Popen([sys.executable, "-m", "sarcokg.cli", "query", "--kg", str(kg), "--sparql", count],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        workers = _children(p.pid)
        p.send_signal(signal.SIGKILL)
        p.wait()
        assert _gone(workers), "workers outlived the killed command"
        r = run("query", "--kg", kg, "--sparql", count, "--format", "csv")
        assert r.code == 0, r.err
        assert r.out.split() == ["n", "600"]
        shutil.rmtree(kg / CACHE_DIR)


def test_kill_9_during_ingest_leaves_no_half_file(tmp_path, run):
    import signal
    import subprocess
    import sys
    import time
    texts = tmp_path / "texts"
    texts.mkdir()
    sys.path.insert(0, str(ROOT / "bench"))
    from synth import synth_case
    for i in range(400):
        rid, text, _ = synth_case(i)
        (texts / f"{rid}.txt").write_text(text)
    kg = tmp_path / "kg"
    p = subprocess.Popen([sys.executable, "-m", "sarcokg.cli", "ingest", "--kg", str(kg),
                          *map(str, sorted(texts.glob("*.txt")))], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.2)
    p.send_signal(signal.SIGKILL)
    p.wait()
    import pyoxigraph as ox
    for f in kg.glob("*.ttl"):            # every file there is whole
        list(ox.parse(f.read_bytes(), format=ox.RdfFormat.TURTLE))
    r = run("ingest", "--kg", kg, *sorted(texts.glob("*.txt")))
    assert r.code in (0, 1)
    assert not list(kg.glob(".*.tmp"))
    assert run("validate", "--kg", kg).code in (0, 1)


def _all_quads(store) -> set:
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in store}


def test_bulk_load_gives_the_quads_of_file_by_file_parsing(tmp_path, monkeypatch):
    """Many files go to Oxigraph's bulk loader as TriG blocks; files the wrapping
    would not keep exactly (blank node labels, a directive or a long string in
    the body) are parsed; either way the store holds what each file says."""
    import pyoxigraph as ox

    from sarcokg.store.reportfiles import ontology_path, parse_file, report_graph
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    files = sorted(kg.glob("*.ttl"))
    # one file per special case, each still valid Turtle
    files[0].write_text(files[0].read_text() + '\n_:x <urn:p> "a" .\n<urn:s> <urn:p> _:x .\n')
    files[1].write_text(files[1].read_text() + '\n@prefix ex: <urn:ex:> .\nex:s ex:p """two\nlines""" .\n')
    files[2].write_text(files[2].read_text() + '\n<urn:s> <urn:p> "brace } and { inside" .\n')
    import sarcokg.store.sync as st
    parsed = []
    real_parse = st.parse_file
    monkeypatch.setattr(st, "parse_file",
                        lambda path, graph, data=None: parsed.append(path.name) or real_parse(path, graph, data))
    kg_store = load(kg)
    assert kg_store.changed == 31
    # only the three special files (and perhaps the ontology) went through the parser
    assert {f.name for f in files[:3]} <= set(parsed) <= {f.name for f in files[:3]} | {ontology_path().name}
    expected = ox.Store()
    expected.extend(parse_file(ontology_path(), ox.NamedNode("https://w3id.org/sarcokg/ontology")))
    for f in files:
        expected.extend(parse_file(f, report_graph(f.stem)))
    got = _all_quads(kg_store.store)
    assert len(got) == len(expected)
    # blank nodes get fresh ids: compare everything else exactly, blank nodes by count
    named = {q for q in got if "_:" not in "".join(q[:3])}
    assert named == {q for q in _all_quads(expected) if "_:" not in "".join(q[:3])}
    # the file's blank node is one node, in its own graph
    bn = [q for q in got if (q[0].startswith("_:") or q[2].startswith("_:")) and "/report/" in q[3]]
    assert len(bn) == 2 and len({q[3] for q in bn}) == 1 and len({q[0] if q[0].startswith("_:") else q[2]
                                                                for q in bn}) == 1


def test_malformed_file_among_many_is_named(tmp_path, run):
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    bad = sorted(kg.glob("*.ttl"))[7]
    bad.write_text(bad.read_text() + "\n:oops sko:ageYears .\n")
    r = run("query", "case-summary", "--kg", kg)
    assert r.code == 2 and bad.name in r.err and "malformed Turtle" in r.err
    assert len(r.err.strip().splitlines()) == 1
    bad.write_text(bad.read_text().replace("\n:oops sko:ageYears .\n", ""))
    r = run("query", "case-summary", "--kg", kg, "--format", "csv")
    assert r.code == 0 and len(r.out.strip().splitlines()) == 31


@pytest.mark.parametrize("damage", ["undeclared prefix", "no final dot", "triple on a comment line"])
def test_bulk_load_is_as_strict_as_turtle(tmp_path, damage):
    """Among many files, a file that is not valid Turtle on its own is refused,
    naming it, whatever the files around it declare."""
    from sarcokg.common.errors import InputError
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    bad = sorted(kg.glob("*.ttl"))[12]
    text = bad.read_text()
    if damage == "undeclared prefix":      # sko: is declared by every other file
        text = text.replace("@prefix sko: <https://w3id.org/sarcokg/ontology#> .\n", "")
    elif damage == "no final dot":
        text = text.rstrip()[:-1]
    else:                                   # a CR ends a Turtle comment: the rest is a statement
        text = "# note\r<urn:s> <urn:p> <urn:o\n" + text
    bad.write_text(text)
    with pytest.raises(InputError, match=bad.name):
        load(kg)
    release(kg)


def test_quick_unsafe_body_check_agrees_with_the_regex():
    """store._unsafe_body is a quicker UNSAFE_BODY.search: the same answer on
    report bodies with tokens and directive words planted anywhere."""
    import random

    from sarcokg.store.writerform import UNSAFE_BODY, unsafe_body, writer_body_start
    bodies = []
    for f in sorted(GRAPH.glob("*.ttl")):
        data = f.read_bytes()
        bodies.append(data[writer_body_start(data, f.stem):])
    tokens = [b"{", b"}", b"_:x", b"@prefix", b"@base", b'"""', b"'''", b"PREFIX x: <y>", b"\n  base <x>",
              b"\nBase", b"\n\tprefix", b"prefixes", b"\nbasement", b"\n base_", b"@en", b"\n\x0bBASE ",
              b"x prefix", b"\r\nPREFIX", b'""', b"'", b"_", b":", b"\nprefix", b"\n\n  \nBASE\n", b"\nBASE\xc3\xa9"]
    rng = random.Random(7)
    found = 0
    for _ in range(3000):
        body = bytearray(rng.choice(bodies))
        for _ in range(rng.randint(0, 3)):
            pos = rng.randrange(len(body) + 1)
            body[pos:pos] = rng.choice(tokens)
        body = bytes(body)
        assert unsafe_body(body) == (UNSAFE_BODY.search(body) is not None), body[:80]
        found += unsafe_body(body)
    assert 500 < found < 2900   # both answers were exercised


def test_quick_confinement_check_agrees_with_the_line_regex():
    """writerform.body_subjects_confined is re.compile(rb"^[^\\s:#]", re.M).search
    is None, quicker: the same answer on random bodies of the characters that matter,
    alone or after other bytes (a file whose statements start there)."""
    import random
    import re

    from sarcokg.store.writerform import body_subjects_confined
    line_start = re.compile(rb"^[^\s:#]", re.M)
    rng = random.Random(1)
    alphabet = b" \t\n\r\x0b\x0c:#ab<_["
    seen = set()
    for _ in range(50000):
        body = bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
        want = line_start.search(body) is None
        assert body_subjects_confined(body) == want, body
        head = bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 4)))   # what comes before the body
        assert body_subjects_confined(head + body, len(head)) == want, (head, body)
        seen.add(want)
    assert seen == {True, False}


def _crash_at(step: str, monkeypatch) -> None:
    """A crash (an exception that unwinds, as a kill would stop) at one step of a sync's change."""
    from sarcokg.store import catalogue as C
    from sarcokg.store import sync as S

    def die(*args, **kwargs):
        raise KeyboardInterrupt
    if step == "pending written":
        monkeypatch.setattr(S, "bulk_load", die)
    elif step == "store half changed":
        real = S.bulk_load
        monkeypatch.setattr(S, "bulk_load", lambda store, items, *a, **k: real(store, items[:len(items) // 2], *a, **k)
                            and die())
    elif step == "store changed":
        monkeypatch.setattr(S, "_finish", die)
    else:   # inside the transaction of the rows and the change log: rolled back
        monkeypatch.setattr(C.Catalogue, "_log", die)


@pytest.mark.parametrize("step", ["pending written", "store half changed", "store changed", "in the record"])
def test_a_crash_at_each_step_of_an_update_is_redone(tmp_path, monkeypatch, step):
    """After a crash anywhere in a change of 30 files (a bulk load), the next command has the store
    and the catalogue's rows of the files as they are, and the change log has the change once."""
    import pyoxigraph as ox

    from sarcokg.store import sync as S
    from sarcokg.store.catalogue import using
    from sarcokg.store.kgstore import load_memory, sha256
    kg = tmp_path / "kg"
    synth_graphs(kg, 60)
    before = load(kg).generation
    release(kg)
    files = sorted(kg.glob("*.ttl"))
    first = files[0].read_text()
    for f in files[:30]:
        f.write_text(f.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    files[40].unlink()
    with monkeypatch.context() as m:
        _crash_at(step, m)
        with pytest.raises(KeyboardInterrupt):
            load(kg)
    release(kg)
    files[0].write_text(first)    # changed back after the crash: its row is as before, its graph may not be
    os.utime(files[0], ns=(0, files[0].stat().st_mtime_ns + 10**9))
    kgraph = load(kg)
    assert kgraph.changed >= 30 and kgraph.generation == before + 1
    def quads(store) -> list:   # blank nodes' labels differ by store
        return sorted(tuple("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in q) for q in store)
    assert quads(kgraph.store) == quads(load_memory(kg).store)
    rows = using(S.catalogue_path(kg), lambda cat: cat.rows())
    assert {k: r[:3] for k, r in rows.items() if k != "ontology"} == {
        f.stem: [sha256(f), f.stat().st_size, f.stat().st_mtime_ns] for f in kg.glob("*.ttl")}
    changed = using(S.catalogue_path(kg), lambda cat: (cat.changed_keys(before), cat.state().pending))
    assert changed[1] == () and set(changed[0]) == {f.stem for f in files[1:30]} | {files[40].stem}
    kgraph = None
    release(kg)


def test_a_crash_during_a_rebuild_is_redone(tmp_path, monkeypatch):
    """A rebuild marks every file pending before it removes the store: a crash half way is rebuilt again."""
    import pyoxigraph as ox

    from sarcokg.store import sync as S
    from sarcokg.store.kgstore import load_memory
    kg = tmp_path / "kg"
    synth_graphs(kg, 40)
    load(kg)
    release(kg)
    store = kg / CACHE_DIR / "store"
    for f in store.iterdir():
        if f.is_file() and f.name.endswith(".sst"):
            f.write_bytes(b"garbage")
    real = S.bulk_load
    with monkeypatch.context() as m:
        m.setattr(S, "bulk_load", lambda st, items, *a, **k: real(st, items[:10], *a, **k) and (_ for _ in ()).throw(
            KeyboardInterrupt))
        with pytest.raises(KeyboardInterrupt):
            load(kg)
    release(kg)
    kgraph = load(kg)

    def quads(store) -> list:
        return sorted(tuple("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in q) for q in store)
    assert quads(kgraph.store) == quads(load_memory(kg).store)
    kgraph = None
    release(kg)


@pytest.mark.parametrize("stat_says", [0, 100, 4999, 5001, 9000], ids=lambda n: f"stat-{n}")
def test_a_file_read_whole_whatever_its_stat_said(tmp_path, monkeypatch, stat_says):
    """reportfiles.read_file reads the size its stat gave and a byte more: a
    file that grew or shrank between the stat and the read is still read whole."""
    from sarcokg.store import reportfiles as rf
    path = tmp_path / "r.ttl"
    path.write_bytes(bytes(range(256)) * 19 + b"end")
    real = os.fstat

    class Stat:
        def __init__(self, st):
            self.st, self.st_size = st, stat_says

        def __getattr__(self, name):
            return getattr(self.st, name)

    monkeypatch.setattr(rf.os, "fstat", lambda fd: Stat(real(fd)))
    st, data = rf.read_file(path)
    assert data == path.read_bytes() and st.st_size == stat_says


def test_a_rebuild_plans_without_looking_at_the_files(tmp_path, monkeypatch):
    """With every file pending ('*': a rebuild) the plan loads them all and
    stats none of them (each is stat'ed as it is read, where a file gone is
    named as it was by the plan); otherwise a file gone while planning is named."""
    from sarcokg.common.errors import InputError
    from sarcokg.store import sync
    names = ["a.ttl", "b.ttl"]
    for n in names:
        (tmp_path / n).write_text("")
    known = {"a": (0, 1), "gone": (5, 5)}
    stats: list[str] = []
    real = os.stat
    monkeypatch.setattr(sync.os, "stat", lambda path, *a, **k: stats.append(str(path)) or real(path, *a, **k))
    planned = sync.plan(tmp_path, names, known, {"*"}, None, lambda keys: {})
    assert sorted(planned.todo) == ["a", "b", "ontology"] and planned.gone == ["gone"]
    assert [s for s in stats if s.startswith(str(tmp_path))] == []
    (tmp_path / "b.ttl").unlink()
    with pytest.raises(InputError, match="b.ttl: report file disappeared"):
        sync.plan(tmp_path, names, known, set(), None, lambda keys: {})
    with pytest.raises(InputError, match="b.ttl: report file disappeared"):
        sync.read_chunk([("b", tmp_path / "b.ttl")], False)


@pytest.mark.parametrize("defer", [False, True])
def test_a_chunk_declares_the_common_prefixes_once_and_holds_every_files_triples(defer):
    """The TriG of a chunk (writerform.trig of read_chunk's blocks) declares the prefixes every
    report file declares once, not once a file, and each block its own ':'; its quads are
    those of the files parsed one by one, each in its report's graph (with defer, the facts
    block and the evidence block of each file together)."""
    import pyoxigraph as ox

    from sarcokg.store import sync
    from sarcokg.store.reportfiles import graph_of, parse_file
    from sarcokg.store.writerform import as_trig_blocks, trig
    files = sorted(GRAPH.glob("*.ttl"))
    got = sync.read_chunk([(f.stem, f) for f in files], defer)
    assert len(got.blocks) == len(files) and not got.quads
    doc = trig(got.blocks)
    assert doc.count(b"@prefix sko: ") == 1 and doc.count(b"@prefix : ") == len(files)
    later = [as_trig_blocks(f.read_bytes(), f.stem, True)[1] for f in files] if defer else []
    assert all(b is not None for b in later)
    loaded = ox.Store()
    loaded.load(doc, format=ox.RdfFormat.TRIG)
    if defer:
        loaded.load(trig(later), format=ox.RdfFormat.TRIG)
    expected = ox.Store()
    for f in files:
        expected.extend(parse_file(f, graph_of(f.stem)))
    assert sorted(map(str, loaded)) == sorted(map(str, expected))
