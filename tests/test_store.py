"""The on-disk query store follows the report files: never stale, recovers from faults."""
from __future__ import annotations

import json
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


def test_crash_mid_update_is_redone(kg_copy):
    load(kg_copy)
    manifest = kg_copy / CACHE_DIR / "manifest.json"
    data = json.loads(manifest.read_text())
    victim = sorted(data["files"])[1]
    # as if the process died after marking the graph pending and removing it
    kg = load(kg_copy)
    from sarcokg.store.kgstore import report_graph
    kg.store.remove_graph(report_graph(victim))
    kg.store.flush()
    del kg
    pending = kg_copy / CACHE_DIR / "pending.json"
    pending.write_text(json.dumps([victim]))
    assert victim in report_ids(kg_copy)
    assert not pending.exists()


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
    manifest = kg_copy / CACHE_DIR / "manifest.json"
    data = json.loads(manifest.read_text())
    data["versions"]["format"] = 0
    manifest.write_text(json.dumps(data))
    assert report_ids(kg_copy) == expected   # same process: the open handle is dropped and rebuilt
    assert "rebuilding the query store (written by another version)" in capsys.readouterr().err


def test_unreadable_pending_list_redoes_every_graph(kg_copy):
    expected = report_ids(kg_copy)
    (kg_copy / CACHE_DIR / "pending.json").write_text("{not json")
    kg = load(kg_copy)
    assert kg.changed == len(expected) + 1   # every report and the ontology
    assert report_ids(kg_copy) == expected


def test_manifest_garbage_rebuilds(kg_copy):
    expected = report_ids(kg_copy)
    (kg_copy / CACHE_DIR / "manifest.json").write_text("{not json")
    assert report_ids(kg_copy) == expected


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
