"""A clean read skips the files' rows (sync.py's clean mark), and never sees a stale store.

Each kind of change to the folder must send the sync to its full comparison
and be loaded; a folder with no change must not read the store's record of
the files (the catalogue's rows) at all.
"""
from __future__ import annotations

import os
import re

import pytest

from sarcokg.store import sync
from sarcokg.store.kgstore import load, release

AGES = "SELECT ?a WHERE { GRAPH ?g { ?p <https://w3id.org/sarcokg/ontology#ageYears> ?a } }"
IDS = "SELECT ?id WHERE { GRAPH ?g { ?r <https://w3id.org/sarcokg/ontology#reportId> ?id } }"


class Loaded:
    """What a load gave, read before the store is released."""

    def __init__(self, kgraph):
        self.changed, self.generation, self.deferred = kgraph.changed, kgraph.generation, kgraph.deferred
        self.lazy = kgraph.digests
        self.ages, self.ids = _values(kgraph, AGES), _values(kgraph, IDS)

    @property
    def digests(self) -> dict:
        return dict(self.lazy)


def _load(kg) -> Loaded:
    got = Loaded(load(kg, evidence=False))
    release(kg)
    return got


def _values(kgraph, q: str) -> list[str]:
    return sorted(s[0].value for s in kgraph.store.query(q))


@pytest.fixture()
def compared(monkeypatch):
    """How many times the sync ran its full comparison (sync.plan)."""
    calls = []
    real = sync.plan

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(sync, "plan", counting)
    return calls


def _later(path, seconds: int = 5) -> None:
    """A new mtime for path, clearly after its present one (no same-tick ambiguity)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 10**9))


def test_a_clean_read_does_not_read_the_files_rows(kg_copy, compared, monkeypatch):
    from sarcokg.store import catalogue
    first = _load(kg_copy)
    want = dict(first.digests)
    assert compared == [1]
    read = []
    for name in ("rows", "files"):
        real = getattr(catalogue.Catalogue, name)
        monkeypatch.setattr(catalogue.Catalogue, name, lambda self, real=real, name=name: read.append(name) or
                            real(self))
    again = _load(kg_copy)
    assert compared == [1] and read == [] and again.changed == 0
    assert again.ids == first.ids and again.ages == first.ages
    assert again.digests == want and read == ["files"]    # the digests, read when asked for
    assert again.deferred == first.deferred and again.generation == first.generation


def _edit_same_size(kg):
    f = sorted(kg.glob("*.ttl"))[0]
    text = f.read_text()
    age = re.search(r"sko:ageYears (\d)", text)
    assert age is not None
    digit = "7" if age.group(1) != "7" else "8"
    f.write_text(text[:age.start(1)] + digit + text[age.end(1):])
    _later(f)
    return "changed"


def _edit_keep_mtime(kg):
    f = sorted(kg.glob("*.ttl"))[2]
    st = f.stat()
    f.write_text(f.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))   # the mtime as it was: only the size tells
    return "changed"


def _add(kg):
    src = sorted(kg.glob("*.ttl"))[0]
    text = src.read_text()
    (kg / "extra.ttl").write_text(text.replace(src.stem, "extra"))
    return "ids"


def _remove(kg):
    sorted(kg.glob("*.ttl"))[-1].unlink()
    return "ids"


def _rename(kg):
    f = sorted(kg.glob("*.ttl"))[-1]
    f.rename(kg / "zz-renamed.ttl")   # its id no longer its file's name: the store follows the files anyway
    return "files"


def _touch(kg):
    _later(sorted(kg.glob("*.ttl"))[1])
    return "same"


@pytest.mark.parametrize("change", [_edit_same_size, _edit_keep_mtime, _add, _remove, _rename, _touch])
def test_every_change_is_seen(kg_copy, compared, change):
    before = _load(kg_copy)
    ages, ids, files = before.ages, before.ids, sorted(before.digests)
    _load(kg_copy)
    assert compared == [1]            # the second read took the mark
    kind = change(kg_copy)
    after = _load(kg_copy)
    assert compared == [1, 1]         # the change sent it to the full comparison
    if kind == "changed":
        assert after.changed == 1 and after.ages != ages and len(after.ages) == len(ages)
    elif kind == "ids":
        assert after.changed == 1 and after.ids != ids
    elif kind == "files":
        assert after.changed == 2 and sorted(after.digests) != files
    else:
        assert after.changed == 0 and after.ages == ages
    assert after.digests == {f.name: sync.sha256(f) for f in kg_copy.glob("*.ttl")}
    _load(kg_copy)
    assert compared == [1, 1]         # and the mark made again: the next read is clean


def test_a_pending_update_or_a_damaged_mark_is_compared_in_full(kg_copy, compared):
    from sarcokg.store.catalogue import using
    _load(kg_copy)
    path = sync.catalogue_path(kg_copy)
    using(path, lambda cat: cat.set_pending(["nothing-of-note"]))
    _load(kg_copy)
    assert compared == [1, 1]
    with using(path, lambda cat: cat.db) as db:
        db.execute("UPDATE meta SET value = 'not a digest' WHERE name = 'listing'")
    _load(kg_copy)
    assert compared == [1, 1, 1]
    _load(kg_copy)
    assert compared == [1, 1, 1]    # the mark made again


def test_digests_asked_for_after_another_command_changed_the_store_are_refused(kg_copy):
    """A clean read's digests are read when asked for: never those of another generation."""
    from sarcokg.common.errors import SarcoKGError
    from sarcokg.store.catalogue import using
    _load(kg_copy)
    kgraph = load(kg_copy, evidence=False)
    path = sync.catalogue_path(kg_copy)
    using(path, lambda cat: cat.record({"somebody-else": ("0" * 64, 1, 1, 0, 0)}, [], "x"))
    with pytest.raises(SarcoKGError, match="changed while this command ran"):
        dict(kgraph.digests)
    kgraph = None
    release(kg_copy)


def _outcome(fn, *args):
    try:
        return fn(*args)
    except Exception as e:   # noqa: BLE001 - the message is what is compared
        return f"{type(e).__name__}: {e}"


@pytest.mark.parametrize("others", [True, False], ids=["with-other-files", "reports-only"])
@pytest.mark.parametrize("odd", ["none", "hidden", "bad name", "a folder", "a fifo", "ontology", "empty",
                                 "newline", "below dot", "hidden folder", "newline and other"])
def test_the_cheap_listing_agrees_with_report_names(tmp_path, odd, others, monkeypatch):
    """report_listing (os.listdir, sorted, hidden names cut out by their place in
    the order, one pattern) gives report_names' names or its error, with and
    without files that are not *.ttl beside the reports."""
    from sarcokg.store import reportfiles as rf
    kg = tmp_path / "kg"
    kg.mkdir()
    for name in ("b.ttl", "a.ttl", "a.b.ttl", "Z9_x.ttl", *(["notes.txt"] if others else [])):
        (kg / name).write_text("")
    if odd == "below dot":
        (kg / "-a.ttl").write_text("")        # sorts before '.': a bad name, not a hidden one
    elif odd == "hidden folder":
        (kg / ".sarcokg").mkdir()
        (kg / ".~lock.ttl").write_text("")
    elif odd == "newline and other":
        (kg / "x.ttl\ny.ttl").write_text("")   # two '.ttl' line ends from one name, beside a name without
        (kg / "README").write_text("")
    if odd == "hidden":
        (kg / ".x.ttl").write_text("")
    elif odd == "bad name":
        (kg / "bad name.ttl").write_text("")
    elif odd == "a folder":
        (kg / "dir.ttl").mkdir()
    elif odd == "a fifo":
        os.mkfifo(kg / "pipe.ttl")
    elif odd == "newline":
        (kg / "x.ttl\ny.ttl").write_text("")   # two good names when joined by lines
    elif odd == "ontology":
        (kg / "ontology.ttl").write_text("")
    elif odd == "empty":
        for f in kg.glob("*.ttl"):
            f.unlink()
    asked = []
    real = rf.report_names
    monkeypatch.setattr(rf, "report_names", lambda kg: asked.append(kg) or real(kg))
    listed = _outcome(rf.report_listing, kg)
    # a folder of good names, hidden ones or other files beside them is listed without report_names
    assert bool(asked) == (odd not in ("none", "hidden", "hidden folder", "a folder", "a fifo"))
    cheap = _outcome(lambda: rf.listed_stats(kg, listed)[0]) if isinstance(listed, list) else listed
    assert cheap == _outcome(real, kg)


def test_stats_taken_in_two_processes_are_the_files(tmp_path, monkeypatch):
    from sarcokg.store import reportfiles as rf
    names = [f"r{i:03d}.ttl" for i in range(41)]
    for i, name in enumerate(names):
        (tmp_path / name).write_text("x" * i)
        os.utime(tmp_path / name, ns=(0, 10**18 + i * 7919))
    forks = []
    real = rf._fork_stats
    monkeypatch.setattr(rf, "_fork_stats", lambda *a: forks.append(1) or real(*a))
    monkeypatch.setattr(rf, "FORK_MIN", 8)
    monkeypatch.setattr(rf, "_one_thread", lambda: True)
    sizes, mtimes = rf.file_stats(tmp_path, names)
    assert forks == [1]
    assert list(sizes) == list(range(41)) and list(mtimes) == [10**18 + i * 7919 for i in range(41)]
    (tmp_path / names[-1]).unlink()          # one gone: no stats (the caller compares in full)
    assert rf.file_stats(tmp_path, names) is None


def test_a_query_after_an_in_place_edit_answers_from_the_edited_file(kg_copy, tmp_path, run):
    """Through the command line (kept rows and all): a same-size edit after a clean read is answered."""
    import shutil
    ask = ("query", "case-summary", "--kg", kg_copy, "--format", "csv")
    before = run(*ask)
    assert before.code == 0 and run(*ask).out == before.out       # the second read took the mark
    _edit_same_size(kg_copy)
    after = run(*ask)
    fresh = tmp_path / "fresh"
    shutil.copytree(kg_copy, fresh, ignore=shutil.ignore_patterns(".sarcokg"))
    assert after.code == 0 and after.out != before.out
    assert after.out == run("query", "case-summary", "--kg", fresh, "--format", "csv").out
