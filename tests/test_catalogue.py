"""The catalogue of derived state: the store's record of the files, the
sync's change log, generations, and consumers' stamps and entries, in one
sqlite3 transaction each."""
from __future__ import annotations

import random

from sarcokg.common.settings import Settings
from sarcokg.store.catalogue import Stamp, using
from sarcokg.store.kgstore import catalogue_path, load, ontology_path, release, sha256

from .conftest import synth_graphs


def put(cat, files: dict, removed=()) -> int:
    """cat.record of files {key: digest} (size, mtime and flags made up) and removals."""
    return cat.record({k: (d, len(d), 1, 0, 0) for k, d in files.items()}, removed, "listing")


def test_changes_since_a_generation_net_out_to_the_files_now(tmp_path, monkeypatch):
    import sarcokg.store.catalogue as C
    monkeypatch.setattr(C, "KEEP", 1000)
    rng = random.Random(3)

    def work(cat):
        files: dict[str, str] = {}
        history = [dict(files)]
        cat.set_stamp("old consumer", Stamp("ctx", 0))    # the log is kept from generation 0 on
        for step in range(300):
            key = f"r{rng.randrange(40)}"
            if key in files and rng.random() < 0.3:
                del files[key]
                put(cat, {}, [key])
            else:
                files[key] = f"d{step}"
                put(cat, {key: files[key]})
            history.append(dict(files))
            assert cat.generation() == len(history) - 1
            assert cat.files() == files
        for g in (0, 17, 150, 299, 300):
            then = history[g]
            want = {k: (then.get(k), files.get(k)) for k in set(then) | set(files) if then.get(k) != files.get(k)}
            assert cat.changed_keys(g) == want, g
        # the log no stamp needs is dropped at the next change: only what comes after the oldest stamp stays
        cat.set_stamp("old consumer", Stamp("ctx", 250))
        cat.set_stamp("an output", Stamp("ctx", 10, size=5))     # an output's stamp holds nothing back
        put(cat, {"new": "x"})
        assert cat.changed_keys(150) is None and cat.changed_keys(250) is not None
        assert cat.changed_keys(cat.generation() + 1) is None
        # and no more than KEEP generations, whatever a consumer far behind stamped
        monkeypatch.setattr(C, "KEEP", 20)
        put(cat, {"new": "y"})
        now = cat.generation()
        assert cat.changed_keys(now - 21) is None and cat.changed_keys(now - 20) is not None
        assert cat.changed_keys(now - 1) == {"new": ("x", "y")}
    using(tmp_path / "c.sqlite", work, "v1")


def test_a_consumer_catches_up_in_one_transaction(tmp_path):
    def work(cat):
        g = put(cat, {"a": "x", "b": "y"})
        cat.update("q", Stamp("ctx", g, state="{}"), {"a": ("x", "A", "rows a"), "b": ("y", "B", "rows b")}, [],
                   afresh=True)
        assert cat.stamp("q") == Stamp("ctx", g, 0, "{}")
        assert cat.entries("q", ["a", "zz"]) == {"a": ("x", "A", "rows a")}
        assert put(cat, {"a": "x"}) == g            # the same digest: no new generation
        g2 = put(cat, {"a": "x2"}, ["b"])
        assert g2 == g + 1 and cat.changed_keys(g) == {"a": ("x", "x2"), "b": ("y", None)}
        cat.update("q", Stamp("ctx", g2), {"a": ("x2", "A", "new rows")}, ["b"])
        assert cat.entries("q") == {"a": ("x2", "A", "new rows")}
    using(tmp_path / "c.sqlite", work, "v1")


def test_another_version_or_garbage_starts_a_new_catalogue(tmp_path):
    path = tmp_path / "c.sqlite"
    using(path, lambda cat: put(cat, {"a": "x"}), "v1")
    assert using(path, lambda cat: cat.files(), "v1") == {"a": "x"}
    assert using(path, lambda cat: (cat.files(), cat.generation()), "v2") == ({}, 0)
    path.write_bytes(b"garbage" * 1000)
    assert using(path, lambda cat: cat.files(), "v2") == {}


def test_the_sync_writes_the_change_log(tmp_path):
    kg = tmp_path / "kg"
    synth_graphs(kg, 25)
    try:
        g = load(kg).generation
        release(kg)
        files = sorted(kg.glob("*.ttl"))
        files[1].unlink()
        files[2].write_text(files[2].read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
        (kg / "zz-new.ttl").write_text(files[3].read_text().replace(f"/report/{files[3].stem}/", "/report/zz-new/"))
        kgraph = load(kg)
        assert kgraph.generation == g + 1

        def check(cat):
            changed = cat.changed_keys(g)
            assert changed is not None and set(changed) == {files[1].stem, files[2].stem, "zz-new"}
            assert changed[files[1].stem][1] is None and changed["zz-new"][0] is None
            assert {k + ".ttl": d for k, d in cat.files().items()} == kgraph.digests
        using(catalogue_path(kg), check)
        kgraph = None      # its store is this process's handle: dropped before the store opens again
        release(kg)
        # a catalogue lost: the store's record with it, so the store is rebuilt (a new generation)
        catalogue_path(kg).unlink()
        kgraph = load(kg)
        assert kgraph.rebuilt and kgraph.generation == 1
        assert using(catalogue_path(kg), lambda cat: {k + ".ttl": d for k, d in cat.files().items()}) == \
            kgraph.digests
    finally:
        release(kg)


def test_the_files_rows_are_the_files_as_loaded_and_written_row_by_row(tmp_path, monkeypatch):
    """Each row carries what the store's record needs (digest, size, mtime_ns, deferred, unconfined);
    a one-file change writes that row only, in the transaction of the change log."""
    import os

    from sarcokg.store import catalogue as C
    kg = tmp_path / "kg"
    synth_graphs(kg, 25)
    try:
        load(kg, evidence=False, settings=Settings(defer_evidence_min=21))
        release(kg)
        rows = using(catalogue_path(kg), lambda cat: cat.rows())
        for f in kg.glob("*.ttl"):
            st = f.stat()
            assert rows[f.stem] == [sha256(f), st.st_size, st.st_mtime_ns, 1, 0], f
        assert rows["ontology"][0] == sha256(ontology_path()) and rows["ontology"][3:] == [0, 0]
        files = sorted(kg.glob("*.ttl"))
        files[4].write_text(files[4].read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
        os.utime(files[7], ns=(0, files[7].stat().st_mtime_ns + 10**9))    # touched: a new mtime only
        written = []
        real = C.Catalogue.record
        monkeypatch.setattr(C.Catalogue, "record", lambda self, r, gone, listing, moved=None: written.append(
            (sorted(r), sorted(moved or ()))) or real(self, r, gone, listing, moved))
        kgraph = load(kg, evidence=False, settings=Settings(defer_evidence_min=21))
        assert kgraph.changed == 1 and kgraph.deferred == 24
        assert written == [([files[4].stem], [files[7].stem])]   # one row loaded, one touched
        new = using(catalogue_path(kg), lambda cat: cat.rows())
        assert new[files[4].stem] == [sha256(files[4]), files[4].stat().st_size, files[4].stat().st_mtime_ns, 0, 0]
        assert new[files[7].stem] == [rows[files[7].stem][0], rows[files[7].stem][1], files[7].stat().st_mtime_ns,
                                      1, 0]
        assert {k: v for k, v in new.items() if k not in (files[4].stem, files[7].stem)} == \
            {k: v for k, v in rows.items() if k not in (files[4].stem, files[7].stem)}
    finally:
        release(kg)


def test_loaded_digests_are_the_rows_nothing_pending_and_never_make_a_catalogue(tmp_path):
    """What export trusts without the lock: the rows of files not pending, of this version."""
    from sarcokg.store.kgstore import loaded_digests
    kg = tmp_path / "kg"
    synth_graphs(kg, 25)
    try:
        assert loaded_digests(kg) == {} and not catalogue_path(kg).exists()
        want = dict(load(kg).digests)
        release(kg)
        assert loaded_digests(kg) == want and len(want) == 25
        victim = sorted(want)[3][:-4]
        using(catalogue_path(kg), lambda cat: cat.set_pending([victim]))
        assert loaded_digests(kg) == {n: d for n, d in want.items() if n != victim + ".ttl"}
        using(catalogue_path(kg), lambda cat: cat.set_pending(["*"]))
        assert loaded_digests(kg) == {}
        using(catalogue_path(kg), lambda cat: cat.set_pending([]))
        with using(catalogue_path(kg), lambda cat: cat.db) as db:
            db.execute("UPDATE meta SET value = 'another' WHERE name = 'versions'")
        assert loaded_digests(kg) == {}
        release(kg)
        catalogue_path(kg).write_bytes(b"garbage" * 1000)
        assert loaded_digests(kg) == {} and catalogue_path(kg).read_bytes() == b"garbage" * 1000
    finally:
        release(kg)
