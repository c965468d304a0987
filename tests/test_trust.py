"""Bad inputs a tester tries (issue #16), each driven through the CLI.

Each test asserts the exit code, a one-line message on stderr without a
traceback, and that nothing outside the intended output changed (files,
modes, FIFOs, symlinks, devices). The char device is a pty this test opens
(os.openpty), never a node of the real /dev. /dev/full, when present, is
only ever standard output (opened by the test, not by sarcokg), which cannot
harm it whatever the code does; `-o /dev/full` is NOT tested, because a
regression would replace the device (it did once, before the fix).
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner

from sarcokg.cli import main
from tests.conftest import ROOT, SHARED, needs_shared

SEED = SHARED / "corpus" / "seeds"
DEV = SHARED / "corpus" / "dev"


def cli(*args, stdin: str | None = None):
    """The CLI in process: (exit code, stdout, stderr)."""
    r = CliRunner().invoke(main, [str(a) for a in args], input=stdin)
    return r.exit_code, r.stdout, r.stderr


def one_line(err: str) -> str:
    """stderr is one line starting with 'sarcokg: ' and holds no traceback."""
    lines = err.strip().splitlines()
    assert "Traceback" not in err, err
    assert len(lines) == 1, err
    assert lines[0].startswith("sarcokg: "), err
    return lines[0]


def snapshot(folder: Path) -> dict:
    """Every entry under folder (not following links): kind, mode, link target, content hash."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if ".sarcokg" in p.relative_to(folder).parts:
            continue
        st = p.lstat()
        kind = stat.S_IFMT(st.st_mode)
        entry = (kind, stat.S_IMODE(st.st_mode))
        if stat.S_ISLNK(st.st_mode):
            entry += (os.readlink(p),)
        elif stat.S_ISREG(st.st_mode):
            entry += (p.read_bytes(),)
        out[str(p.relative_to(folder))] = entry
    return out


@pytest.fixture
def kg(kg_copy) -> Path:
    """A writable copy of the bundled graph (conftest's kg_copy, by this module's name)."""
    return kg_copy


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


# -- damage outside the graph: -o and standard output --------------------------

def test_output_to_a_folder_is_refused(kg, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    before = snapshot(tmp_path)
    for args in (["export"], ["validate"], ["query", "case-summary"]):
        code, _, err = cli(*args, "--kg", kg, "-o", out)
        assert code == 2
        assert "is a folder" in one_line(err) and str(out) in err
    assert snapshot(tmp_path) == before


def test_output_through_a_symlink_replaces_its_target_and_keeps_the_link(kg, tmp_path):
    target = tmp_path / "target.ttl"
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "link.ttl"
    link.symlink_to("target.ttl")
    code, _, err = cli("export", "--kg", kg, "-o", link)
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == "target.ttl"
    assert target.read_text().startswith("# SarcoKG")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640      # the replaced file keeps its mode
    assert not list(tmp_path.glob(".*.tmp"))


def test_output_into_a_fifo_streams_and_keeps_the_fifo(kg, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = cli("query", "case-summary", "--kg", kg, "--format", "tsv", "-o", fifo)
    reader.join(10)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert got and got[0].startswith(b"?report")


def test_output_into_a_char_device_streams_and_keeps_the_device(kg, tmp_path):
    master, slave = os.openpty()       # a character device this test owns
    try:
        dev = Path(os.ttyname(slave))
        assert stat.S_ISCHR(dev.stat().st_mode)
        got = bytearray()

        def drain():
            while b"rows)" not in got:
                try:
                    got.extend(os.read(master, 65536))
                except OSError:
                    return
        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        code, _, err = cli("query", "case-summary", "--kg", kg, "-o", dev)
        reader.join(10)
        assert code == 0, err
        assert stat.S_ISCHR(dev.stat().st_mode)
        assert b"(5 rows)" in got
    finally:
        os.close(slave)
        os.close(master)


def test_new_files_get_the_umask_mode_not_0600(kg, tmp_path, umask022):
    out = tmp_path / "all.ttl"
    code, _, err = cli("export", "--kg", kg, "-o", out)
    assert code == 0, err
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    os.umask(0o027)
    out2 = tmp_path / "rows.tsv"
    assert cli("query", "case-summary", "--kg", kg, "--format", "tsv", "-o", out2)[0] == 0
    assert stat.S_IMODE(out2.stat().st_mode) == 0o640


def test_output_symlink_loop_is_named(kg, tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    before = snapshot(tmp_path)
    code, _, err = cli("export", "--kg", kg, "-o", tmp_path / "a")
    assert code == 2 and "symlink loop" in one_line(err)
    assert snapshot(tmp_path) == before


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("args", [["export"], ["export", "--kg", "KG"], ["query", "case-summary", "--kg", "KG"],
                                  ["validate", "--kg", "KG"], ["check", "--kg", "KG"]])
def test_a_full_stdout_is_an_error(kg, args):
    args = [str(kg) if a == "KG" else a for a in args]
    with open("/dev/full", "wb") as full:
        p = subprocess.run([sys.executable, "-m", "sarcokg.cli", *args], stdout=full, stderr=subprocess.PIPE,
                           text=True, cwd=ROOT)
    assert p.returncode == 2, p.stderr
    assert "standard output: cannot write (No space left on device)" in one_line(p.stderr)


def test_output_dash_writes_standard_output(kg, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)     # a regression would write a file named '-' here, not in the checkout
    code, out, err = cli("query", "case-summary", "--kg", kg, "-o", "-")
    assert not (tmp_path / "-").exists()
    assert code == 0, err
    assert "(5 rows)" in out


def test_dev_stdout_is_taken_as_standard_output():
    """Decided without writing: a regression must not replace the real /dev/stdout link."""
    from sarcokg.common.files import output_target
    for name in ("/dev/stdout", "/dev/fd/1", "-"):
        assert output_target(Path(name)).stream


def test_export_into_a_fifo_streams(kg, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = cli("export", "--kg", kg, "-o", fifo)
    reader.join(10)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and got and got[0].startswith(b"# SarcoKG")


def test_a_write_that_fails_midway_keeps_the_old_file(tmp_path):
    """A file-size limit stands in for a full disk: the write fails with EFBIG."""
    out = tmp_path / "all.ttl"
    out.write_text("old\n")
    code = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
            "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096)); "
            "from sarcokg.cli import main; sys.argv = ['sarcokg', 'export', '-o', sys.argv[1]]; main()")
    p = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 2, p.stderr
    assert f"{out}: cannot write" in one_line(p.stderr)
    assert out.read_text() == "old\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["all.ttl"]


def test_a_closed_pipe_ends_quietly(kg):
    p = subprocess.Popen([sys.executable, "-m", "sarcokg.cli", "export", "--kg", str(kg)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=ROOT)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.read(10)
    p.stdout.close()
    err = p.stderr.read().decode()
    p.wait(60)
    assert err == ""


# -- the graph folder: odd entries -----------------------------------------------

def test_symlink_loop_in_the_folder_is_named(kg):
    (kg / "a.ttl").symlink_to("b.ttl")
    (kg / "b.ttl").symlink_to("a.ttl")
    code, _, err = cli("query", "case-summary", "--kg", kg)
    assert code == 2 and "a.ttl: a symlink loop" in one_line(err)


def test_fifo_in_the_folder_is_named_not_read(kg):
    os.mkfifo(kg / "f.ttl")
    code, _, err = cli("validate", "--kg", kg)     # would hang if it opened the FIFO
    assert code == 2 and "f.ttl: a FIFO (named pipe)" in one_line(err)
    assert stat.S_ISFIFO((kg / "f.ttl").lstat().st_mode)


@pytest.mark.parametrize("kind,words", [("broken-link", "a broken symlink"), ("folder", "a folder")])
def test_odd_entries_in_the_folder_are_named(kg, kind, words):
    odd = kg / "odd.ttl"
    if kind == "broken-link":
        odd.symlink_to("nowhere.ttl")
    else:
        odd.mkdir()
    code, _, err = cli("validate", "--kg", kg)
    assert code == 2 and f"odd.ttl: {words}" in one_line(err)


@pytest.mark.parametrize("name", ["my report.ttl", "-x.ttl"])
def test_a_report_file_name_that_cannot_be_an_id(kg, name):
    shutil.copy(kg / f"{REPORT}.ttl", kg / name)
    for args in (["query", "case-summary"], ["validate"], ["export"]):
        code, out, err = cli(*args, "--kg", kg)
        assert code == 2 and out == ""
        line = one_line(err)
        assert f"{name}: " in line and "cannot be a report id" in line and "https://" not in line


def test_state_folder_being_a_file(kg):
    (kg / ".sarcokg").write_text("not a folder")
    code, _, err = cli("query", "case-summary", "--kg", kg)
    assert code == 2 and ".sarcokg: not a folder" in one_line(err)
    assert (kg / ".sarcokg").read_text() == "not a folder"


# -- wrong answers with exit 0: every .ttl is one report graph -------------------

REPORT = "001_18a7e7130607ba5e"
OTHER = "000_5319ae1f09e49777"
NOT_ONE_GRAPH = {
    "prefix": lambda kg: (kg / f"{REPORT}.ttl").read_text().replace(
        "@prefix sko: <https://w3id.org/sarcokg/ontology#>", "@prefix sko: <http://example.org/elsewhere#>"),
    "empty": lambda kg: "",
    "unrelated": lambda kg: '<http://example.org/a> <http://example.org/b> "c" .\n',
    "adds-to-another": lambda kg: (kg / f"{REPORT}.ttl").read_text() + (
        f"<https://w3id.org/sarcokg/report/{OTHER}/patient> sko:ageYears 99 .\n"),
}


def _break(kg: Path, kind: str) -> str:
    """Write the kind of bad file into kg; its name."""
    name = f"{REPORT}.ttl" if kind in ("prefix", "adds-to-another") else f"zz_{kind}.ttl"
    (kg / name).write_text(NOT_ONE_GRAPH[kind](kg))
    return name


@pytest.mark.parametrize("kind", sorted(NOT_ONE_GRAPH))
def test_a_file_that_is_not_one_report_graph_fails_validate_cold_and_warm(kg, kind):
    assert cli("validate", "--kg", kg)[0] == 0          # warm cache of the good folder
    name = _break(kg, kind)
    for _ in ("warm", "cached"):
        code, out, err = cli("validate", "--kg", kg)
        assert code == 1, out + err
        assert out.splitlines()[0].startswith(f"{name}: ")
        assert out.splitlines()[-1].startswith("does not conform") and "in 1 of" in out.splitlines()[-1]
    code, out, _ = cli("validate", "--kg", kg, "--no-cache")   # cold
    assert code == 1 and out.splitlines()[0].startswith(f"{name}: ")


def test_fixing_the_file_makes_the_folder_conform_again(kg):
    good = (kg / f"{REPORT}.ttl").read_bytes()
    _break(kg, "adds-to-another")
    assert cli("validate", "--kg", kg)[0] == 1
    (kg / f"{REPORT}.ttl").write_bytes(good)
    code, out, _ = cli("validate", "--kg", kg)
    assert code == 0 and out.startswith("conforms: 5 report graphs")


def test_the_rule_holds_with_both_engines(kg):
    name = _break(kg, "empty")
    code, out, _ = cli("validate", "--kg", kg, "--engine", "pyshacl", "--no-cache")
    assert code == 1 and out.startswith(f"{name}: ")


@pytest.mark.parametrize("kind", sorted(NOT_ONE_GRAPH))
def test_phenopacket_export_does_not_skip_a_report(kg, tmp_path, kind):
    name = _break(kg, kind)
    out = tmp_path / "packets"
    code, _, err = cli("export", "--kg", kg, "--format", "phenopacket", "-o", out)
    assert code == 2
    assert f"{name}: " in one_line(err) and "no phenopacket written" in err
    assert not out.exists()


# -- parameters naming no term ------------------------------------------------------

@pytest.mark.parametrize("value,closest", [
    ("sko:NoSuchRegion", "closest: sko:"),
    ("sko:LumbarSpin", "closest: sko:LumbarSpine"),
    ("<https://w3id.org/sarcokg/ontology#LumbarSpin>", "closest: sko:LumbarSpine"),
    ("sko:Lumbar Spine", "closest: sko:LumbarSpine"),
    ("lumbar spine", "closest: sko:LumbarSpine"),
])
def test_a_parameter_naming_no_term_is_an_error(kg, value, closest):
    code, out, err = cli("query", "cases-by-vertebral-level", "--kg", kg, "--param", f"within={value}")
    assert code == 2 and out == ""
    assert closest in one_line(err)


def test_defined_terms_and_quoted_text_still_bind(kg):
    code, out, _ = cli("query", "cases-by-vertebral-level", "--kg", kg, "--param", "within=sko:LumbarSpine")
    assert code == 0 and "(2 rows)" in out
    code, out, _ = cli("query", "cases-by-vertebral-level", "--kg", kg, "--param", 'within="lumbar spine"')
    assert code == 0 and "(0 rows)" in out


# -- open doors: SERVICE, updates ------------------------------------------------------

@pytest.mark.parametrize("iri", ["http://127.0.0.1:9/sparql", "file:///etc/hostname"])
def test_service_is_off_in_local_queries(kg, iri):
    q = f"SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}"
    code, out, err = cli("query", "--kg", kg, "--sparql", q)
    assert code == 2 and out == ""
    assert "SERVICE" in one_line(err) and "--allow-service" in err


def test_service_hidden_by_an_escape_is_still_seen(kg):
    code, _, err = cli("query", "--kg", kg, "--sparql", "SELECT * WHERE { \\u0053ERVICE <file:///x> { ?s ?p ?o } }")
    assert code == 2 and "SERVICE" in one_line(err)


def test_the_word_service_elsewhere_is_no_service(kg):
    q = 'SELECT ?service WHERE { ?service sko:title ?t FILTER(?t != "SERVICE") } # SERVICE <http://x/>'
    code, out, err = cli("query", "--kg", kg, "--sparql", q)
    assert code == 0, err
    assert "(5 rows)" in out


def test_allowed_service_that_fails_is_one_line(kg):
    q = "SELECT * WHERE { SERVICE <file:///nonexistent> { ?s ?p ?o } }"
    code, _, err = cli("query", "--kg", kg, "--allow-service", "--sparql", q)
    assert code == 2 and "the query failed" in one_line(err)


@pytest.mark.parametrize("update", ["INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                    "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ex:p ?o }",
                                    "DROP ALL", "LOAD <http://127.0.0.1:9/x.ttl>"])
def test_an_update_is_called_an_update(kg, update):
    before = snapshot(kg)
    code, _, err = cli("query", "--kg", kg, "--sparql", update)
    assert code == 2 and "updates are not allowed" in one_line(err)
    assert snapshot(kg) == before


# -- lost work: curated reports and curation records ------------------------------------

CURATED = "000_5319ae1f09e49777"


def _ingest(kg: Path, *files, force: bool = False):
    return cli("ingest", "--kg", kg, *(["--force"] if force else []), "--", *files)


def _errors(err: str) -> list[str]:
    """ingest's stderr: its lines but the closing count, with no traceback."""
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert lines[-1].startswith("ingested "), err
    return lines[:-1]


@needs_shared
def test_a_new_text_never_changes_a_curated_report(kg, tmp_path):
    text = tmp_path / f"{CURATED}.txt"
    shutil.copy(SEED / text.name, text)
    code, _, err = _ingest(kg, text)                 # the same text: the curation laid again, same bytes
    before = snapshot(kg)
    assert code == 0, err
    text.write_text(text.read_text() + "\nA later note: the patient also had a cough.\n")
    code, _, err = _ingest(kg, text)
    assert code == 1
    (line,) = _errors(err)
    old = re.search(r'sko:sourceSha256 "(\w+)"', (kg / f"{CURATED}.ttl").read_text()).group(1)
    assert CURATED in line and "source text changed" in line and old in line
    assert hashlib.sha256(text.read_bytes()).hexdigest() in line
    assert snapshot(kg) == before                   # the curation and the old digest kept
    code, _, err = _ingest(kg, text, force=True)    # the curator decides
    assert code == 0, err
    assert hashlib.sha256(text.read_bytes()).hexdigest() in (kg / f"{CURATED}.ttl").read_text()


BROKEN_RECORDS = {
    "truncated": lambda p: p.write_text(p.read_text()[:40]),
    "bad-bytes": lambda p: p.write_bytes(b'{"id": "\xff\xfe"}'),
    "folder": lambda p: (p.unlink(), p.mkdir()),
}


@pytest.mark.parametrize("kind", sorted(BROKEN_RECORDS))
def test_a_broken_curation_record_fails_validate_and_check(kg, kind):
    record = kg / "curation" / f"{CURATED}.json"
    BROKEN_RECORDS[kind](record)
    code, out, err = cli("validate", "--kg", kg)
    assert code == 1, out + err
    assert out.splitlines()[0].startswith(f"curation/{record.name}: ")
    assert out.splitlines()[-1].endswith("and 1 curation record")
    code, out, err = cli("check", "--kg", kg)
    assert code == 1 and f"curation/{record.name}" in out and "FAIL  curation-record" in out


@needs_shared
@pytest.mark.parametrize("kind", sorted(BROKEN_RECORDS))
def test_a_broken_curation_record_is_one_line_at_ingest(kg, tmp_path, kind):
    record = kg / "curation" / f"{CURATED}.json"
    BROKEN_RECORDS[kind](record)
    before = snapshot(kg)
    code, _, err = _ingest(kg, SEED / f"{CURATED}.txt", force=True)
    assert code == 1
    (line,) = _errors(err)
    assert line.startswith(f"sarcokg: {record}")
    assert snapshot(kg) == before


# -- ingest: names, encodings, folders -----------------------------------------------------

@needs_shared
@pytest.mark.parametrize("name", ["my report.txt", "-dash.txt", ".dot.txt", "é?.txt"])
def test_a_file_name_that_cannot_be_a_report_id(tmp_path, name):
    src = tmp_path / name
    shutil.copy(DEV / "ccs-foot-2010.txt", src)
    kg = tmp_path / "kg"
    code, _, err = _ingest(kg, src)
    assert code == 1
    (line,) = _errors(err)
    assert "cannot be a report id" in line and "letters, digits" in line and "https://" not in line
    assert not list(kg.glob("*.ttl"))


@pytest.mark.parametrize("kind,words", [("loop", "a symlink loop"), ("fifo", "a FIFO (named pipe)"),
                                        ("folder", "is a folder")])
def test_odd_report_texts_are_named(tmp_path, kind, words):
    src = tmp_path / "odd.txt"
    if kind == "loop":
        src.symlink_to("odd.txt")
    elif kind == "fifo":
        os.mkfifo(src)
    else:
        src.mkdir()
    code, _, err = _ingest(tmp_path / "kg", src)
    assert code == 1
    (line,) = _errors(err)
    assert f"{src}: {words}" in line


@needs_shared
def test_utf16_text_with_a_bom_is_read(tmp_path, umask022):
    src = tmp_path / "ccs16.txt"
    src.write_bytes((DEV / "ccs-foot-2010.txt").read_text(encoding="utf-8").encode("utf-16"))
    kg = tmp_path / "kg"
    code, out, err = _ingest(kg, src)
    assert code == 0, err
    assert "read as UTF-16" in err and "binary" not in err
    assert stat.S_IMODE((kg / "ccs16.ttl").stat().st_mode) == 0o644    # the umask, not 0600


@needs_shared
@pytest.mark.skipif(not os.path.isdir("/proc/sys"), reason="no /proc/sys")
def test_a_folder_that_cannot_be_written(tmp_path):
    code, _, err = _ingest(Path("/proc/sys"), DEV / "ccs-foot-2010.txt")
    line = one_line(err)   # the first thing that cannot write there says so: ingest, or the store's folder
    assert code == 2 and ("/proc/sys: cannot write" in line or "/proc/sys/.sarcokg: cannot make" in line), line


@needs_shared
def test_ingest_into_a_folder_whose_state_folder_is_a_file(kg):
    (kg / ".sarcokg").write_text("x")
    code, _, err = _ingest(kg, DEV / "ccs-foot-2010.txt")
    assert code == 2 and ".sarcokg: not a folder" in one_line(err)


# -- open doors: the endpoint -------------------------------------------------------------

@pytest.mark.slow
def test_service_is_off_at_the_endpoint_and_on_with_the_flag(kg, tmp_path):
    from tests.netutil import fake_http, free_port, http, sparql, stop, wait_listening

    def answer(handler, method, n):
        handler.send_response(500)
        handler.end_headers()

    with fake_http(answer) as (target, seen):
        q = f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}"
        for extra, expect in (([], 403), (["--allow-service"], None)):
            port = free_port()
            proc = subprocess.Popen([sys.executable, "-m", "sarcokg.cli", "serve", "--kg", str(kg), "--port",
                                     str(port), *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    stdin=subprocess.DEVNULL, cwd=ROOT)
            try:
                wait_listening(port, proc)
                base = f"http://127.0.0.1:{port}/query"
                assert sparql(base, "ASK { ?s ?p ?o }")["boolean"] is True     # ordinary queries pass
                for req in ((base + "?" + urllib.parse.urlencode({"query": q}), None, {}),
                            (base, q.encode(), {"Content-Type": "application/sparql-query"}),
                            (base, urllib.parse.urlencode({"query": q}).encode(),
                             {"Content-Type": "application/x-www-form-urlencoded"})):
                    status, _, body = http(*req)
                    if expect == 403:
                        assert status == 403 and b"SERVICE" in body
                        assert seen == [], "the endpoint sent a request"
                if extra:
                    assert seen, "with --allow-service the request goes out"
            finally:
                stop(proc)


def test_non_loopback_host_is_warned_about():
    from sarcokg.interop.gate import network_warning
    assert network_warning("127.0.0.1") is None and network_warning("localhost") is None
    assert network_warning("::1") is None
    warning = network_warning("0.0.0.0")
    assert warning is not None and "reachable from the network" in warning and "docs/security.md" in warning


def test_non_loopback_host_warning_through_the_cli(kg):
    """The warning comes before anything listens (here the port is taken, so nothing does)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1)
        port = held.getsockname()[1]
        code, _, err = cli("serve", "--kg", kg, "--host", "0.0.0.0", "--port", port)
    lines = err.strip().splitlines()
    assert code == 2 and "Traceback" not in err
    assert "reachable from the network" in lines[0] and "port already in use" in lines[1]
