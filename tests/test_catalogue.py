"""The catalogue of derived state: the sync's change log, generations, and
consumers' stamps and entries, in one sqlite3 transaction each."""
from __future__ import annotations

import random

from sarcokg.store.catalogue import Stamp, using
from sarcokg.store.kgstore import catalogue_path, load, release

from .conftest import synth_graphs


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
                cat.record({}, [key])
            else:
                files[key] = f"d{step}"
                cat.record({key: files[key]}, [])
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
        cat.record({"new": "x"}, [])
        assert cat.changed_keys(150) is None and cat.changed_keys(250) is not None
        assert cat.changed_keys(cat.generation() + 1) is None
        # and no more than KEEP generations, whatever a consumer far behind stamped
        monkeypatch.setattr(C, "KEEP", 20)
        cat.record({"new": "y"}, [])
        now = cat.generation()
        assert cat.changed_keys(now - 21) is None and cat.changed_keys(now - 20) is not None
        assert cat.changed_keys(now - 1) == {"new": ("x", "y")}
    using(tmp_path / "c.sqlite", work, "v1")


def test_a_consumer_catches_up_in_one_transaction(tmp_path):
    def work(cat):
        g = cat.record({"a": "x", "b": "y"}, [])
        cat.update("q", Stamp("ctx", g, state="{}"), {"a": ("x", "A", "rows a"), "b": ("y", "B", "rows b")}, [],
                   afresh=True)
        assert cat.stamp("q") == Stamp("ctx", g, 0, "{}")
        assert cat.entries("q", ["a", "zz"]) == {"a": ("x", "A", "rows a")}
        assert cat.record({"a": "x"}, []) == g            # the same digest: no new generation
        g2 = cat.record({"a": "x2"}, ["b"])
        assert g2 == g + 1 and cat.changed_keys(g) == {"a": ("x", "x2"), "b": ("y", None)}
        cat.update("q", Stamp("ctx", g2), {"a": ("x2", "A", "new rows")}, ["b"])
        assert cat.entries("q") == {"a": ("x2", "A", "new rows")}
    using(tmp_path / "c.sqlite", work, "v1")


def test_another_version_or_garbage_starts_a_new_catalogue(tmp_path):
    path = tmp_path / "c.sqlite"
    using(path, lambda cat: cat.record({"a": "x"}, []), "v1")
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
        # a catalogue lost: made again from the store's record, as a new generation
        catalogue_path(kg).unlink()
        kgraph = load(kg)
        assert using(catalogue_path(kg), lambda cat: {k + ".ttl": d for k, d in cat.files().items()}) == \
            kgraph.digests
    finally:
        release(kg)
