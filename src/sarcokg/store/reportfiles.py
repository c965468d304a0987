"""A knowledge-graph folder's report files (<id>.ttl): listing, reading, parsing.

Each report file goes into the named graph <report base><id>, the ontology
into <ontology IRI>. A bad file raises a one-line InputError naming it (and
the line, for malformed Turtle).
"""
from __future__ import annotations

import hashlib
import os
import re
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path
from stat import S_ISREG
from typing import overload

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.common.files import listed_file, state_folder
from sarcokg.common.resources import ONTOLOGY_FILE
from sarcokg.common.resources import ontology_dir as package_ontology_dir
from sarcokg.model.namespaces import ONTOLOGY_IRI, REPORT_BASE, REPORT_ID, report_id_problem, report_ns
from sarcokg.store.lock import CACHE_DIR

ONTOLOGY_KEY = "ontology"   # the ontology's key among the report files' stems (a reserved name)


def ontology_path(ontology_dir: Path | None = None) -> Path:
    return (ontology_dir or package_ontology_dir()) / ONTOLOGY_FILE


def report_names(kg: Path) -> list[str]:
    """The report graph file names (*.ttl) of a folder, sorted; a missing or
    empty folder raises a one-line InputError."""
    if not kg.exists():
        raise InputError(f"{kg}: no such knowledge-graph folder")
    if not kg.is_dir():
        raise InputError(f"{kg}: not a folder")
    state_folder(kg / CACHE_DIR)
    # os.scandir and string sort: 100,000 files in a fraction of a second (Path sorting is slow);
    # a FIFO or a symlink loop named *.ttl is an error that says what it is (listed_file)
    names: list[str] = []
    odd: list[os.DirEntry] = []   # not a regular file by the listing's file type (no stat for the others)
    try:
        with os.scandir(kg) as it:
            for e in it:
                if e.name.endswith(".ttl") and not e.name.startswith("."):
                    (names.append(e.name) if _regular(e) else odd.append(e))
    except OSError as e:
        raise InputError(f"{kg}: cannot list the folder ({e.strerror})") from None
    names += [e.name for e in sorted(odd, key=lambda e: e.name) if listed_file(e)]
    names.sort()
    for n in names:   # a name that cannot be a report id would make an IRI that breaks the store
        if REPORT_ID.fullmatch(n, 0, len(n) - 4) is None:
            raise InputError(f"{kg / n}: {report_id_problem(n[:-len('.ttl')])}.ttl")
    if not names:
        raise InputError(f"{kg}: no report graphs (*.ttl) in this folder")
    if ONTOLOGY_KEY + ".ttl" in names:
        raise InputError(f"{kg / 'ontology.ttl'}: 'ontology' is reserved for the ontology's graph; "
                         "rename this report file")
    return names


_IDS = re.compile(rf"(?:(?:{REPORT_ID.pattern})\.ttl\n)+", REPORT_ID.flags)
FORK_MIN = 20_000   # files from which a second process stats half of them


def report_listing(kg: Path) -> list[str]:
    """report_names(kg), listed with the cheaper os.listdir (no directory
    entry objects); whether each is a regular file is told by its stat
    (`listed_stats`). Anything report_names refuses goes to it for its message."""
    if not kg.is_dir():
        return report_names(kg)
    state_folder(kg / CACHE_DIR)
    try:
        names = os.listdir(kg)
    except OSError:
        return report_names(kg)
    names.sort()
    del names[bisect_left(names, "."):bisect_left(names, "/")]   # the hidden ones ('/' follows '.')
    joined = "\n".join(names) + "\n"
    if joined.count(".ttl\n") != len(names):   # a name that is not *.ttl (or holds a newline)
        names = [n for n in names if n.endswith(".ttl")]
        joined = "\n".join(names) + "\n"
    if joined.count("\n") != len(names) or _IDS.fullmatch(joined) is None or ONTOLOGY_KEY + ".ttl" in names:
        return report_names(kg)    # none, a bad name, or the ontology's: its one-line error
    return names


def listed_stats(kg: Path, names: list[str]) -> tuple[list[str], tuple[array, array] | None]:
    """The files of report_listing with their (sizes, mtime_ns); where one is
    not a regular file or went away, report_names (its error, or the names as
    they are now) and no stats."""
    stats = file_stats(kg, names)
    return (names, stats) if stats is not None else (report_names(kg), None)


def file_stats(kg: Path, names: list[str]) -> tuple[array, array] | None:
    """(sizes, mtime_ns) of regular files in a folder; None when one is not.
    A stat is a system call of 2 to 3 us on a VM (0.3 s for 100,000 files), so
    from FORK_MIN files on a forked child stats the second half meanwhile (only
    from a process with one thread: a fork copies no other thread)."""
    fd = os.open(kg, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        half = len(names) // 2 if len(names) >= FORK_MIN and _one_thread() else len(names)
        child = _fork_stats(fd, names[half:]) if half < len(names) else None
        mine = _stats(fd, names[:half] if child is not None else names)
        theirs = _joined(*child) if child is not None else (array("q"), array("q"))
    finally:
        os.close(fd)
    if mine is None or theirs is None:
        return None
    return mine[0] + theirs[0], mine[1] + theirs[1]


def _stats(fd: int, names: list[str]) -> tuple[array, array] | None:
    try:
        got = [os.stat(n, dir_fd=fd) for n in names]
    except OSError:
        return None
    if not all(S_ISREG(st.st_mode) for st in got):
        return None
    return array("q", [st.st_size for st in got]), array("q", [st.st_mtime_ns for st in got])


def _one_thread() -> bool:
    try:
        return hasattr(os, "fork") and len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def _fork_stats(fd: int, names: list[str]) -> tuple[int, int] | None:
    """A child that writes _stats(names) to a pipe: (its pid, the pipe's end to read)."""
    r, w = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        return None
    if pid == 0:   # the child: no return into the caller's code, whatever happens
        try:
            os.close(r)
            got = _stats(fd, names)
            data = b"-" if got is None else b"+" + got[0].tobytes() + got[1].tobytes()
            with os.fdopen(w, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(w)
    return pid, r


def _joined(pid: int, r: int) -> tuple[array, array] | None:
    with os.fdopen(r, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    if data[:1] != b"+" or (len(data) - 1) % 16:
        return None
    both = array("q", data[1:])
    half = len(both) // 2
    return both[:half], both[half:]


def _regular(entry: os.DirEntry) -> bool:
    """A regular file (or a link to one) by the listing's file type; False when that does not tell."""
    try:
        return entry.is_file()
    except OSError:
        return False


class ReportFiles(Sequence):
    """A folder's report files, as Paths made when asked for: `names` serves
    whoever needs only the names (100,000 Path objects cost 0.3 s)."""

    def __init__(self, kg: Path, names: list[str]):
        self.kg, self.names = kg, names

    def __len__(self) -> int:
        return len(self.names)

    @overload
    def __getitem__(self, i: int) -> Path: ...

    @overload
    def __getitem__(self, i: slice) -> list[Path]: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.kg / n for n in self.names[i]]
        return self.kg / self.names[i]


def report_files(kg: Path, names: list[str] | None = None) -> ReportFiles:
    return ReportFiles(kg, report_names(kg) if names is None else names)


def report_graph(report_id: str) -> ox.NamedNode:
    return ox.NamedNode(REPORT_BASE + report_id)


def graph_of(key: str) -> ox.NamedNode:
    """The named graph of a file's key (its stem; ONTOLOGY_KEY for the ontology)."""
    return ox.NamedNode(ONTOLOGY_IRI) if key == ONTOLOGY_KEY else report_graph(key)


def turtle_error(path: Path | str, e: SyntaxError) -> InputError:
    """The one-line message of a Turtle parse error, naming the file and line."""
    line = f":{e.lineno}" if e.lineno else ""
    msg = str(e.msg if hasattr(e, "msg") else e).split(": ", 1)[-1]
    return InputError(f"{path}{line}: malformed Turtle: {msg}")


def read_file(path: Path) -> tuple[os.stat_result, bytes]:
    """A report file's stat and bytes; a file gone or unreadable raises a one-line InputError.
    One open, the stat of the open file, one read of its size and one byte more
    (a file that changed meanwhile is read to its end): a third of the system
    calls of Path.stat() and Path.read_bytes()."""
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            st = os.fstat(fd)
            data = os.read(fd, st.st_size + 1)
            if len(data) != st.st_size:   # grown or shrunk since the stat: to its end
                parts = [data]
                while parts[-1]:
                    parts.append(os.read(fd, 1 << 20))
                data = b"".join(parts)
        finally:
            os.close(fd)
        return st, data
    except FileNotFoundError:
        raise InputError(f"{path}: report file disappeared while the store was being updated; run again") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None


def parse_file(path: Path, graph, data: bytes | None = None) -> list[ox.Quad]:
    """The quads of one Turtle file (or of its bytes, already read) in a named
    graph; a bad file raises a one-line InputError."""
    if data is None:
        data = read_file(path)[1]
    try:
        return [ox.Quad(t.subject, t.predicate, t.object, graph)
                for t in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    except SyntaxError as e:
        raise turtle_error(path, e) from None


def read_triples(path: Path) -> list[tuple]:
    """The triples of one Turtle file; a bad file raises a one-line InputError naming file and line."""
    return [(q.subject, q.predicate, q.object) for q in parse_file(path, ox.DefaultGraph())]


def parse_into(store: ox.Store, path: Path, graph: ox.NamedNode) -> None:
    """Load one Turtle file into a named graph, all or nothing (parsed before any is added)."""
    store.extend(parse_file(path, graph))


def subjects_confined(stem: str, quads) -> bool:
    """Whether every triple of a report file is about its own nodes (a subject
    in its namespace, or a blank node). Then no triple can be in two report
    files, and the union of their graphs is their RDF merge (Oxigraph's union
    default graph is a bag: a triple held by two graphs would match twice)."""
    own = report_ns(stem)
    return all(isinstance(q.subject, ox.BlankNode)
               or (isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(own)) for q in quads)


def confined(stem: str, quads) -> bool:
    """subjects_confined, and no other report's node named as an object: then
    no solution can join two report files through a report node, and a query
    evaluated report by report gives what the store gives."""
    own = report_ns(stem)
    return subjects_confined(stem, quads) and not any(
        isinstance(q.object, ox.NamedNode) and q.object.value.startswith(REPORT_BASE)
        and not q.object.value.startswith(own) for q in quads)


def entry(st: os.stat_result, data: bytes) -> list:
    """A file's entry in the store's record (its row in the catalogue): [SHA-256, size, mtime_ns]."""
    return [hashlib.sha256(data).hexdigest(), st.st_size, st.st_mtime_ns]


def parse_one(key: str, path: Path) -> tuple[list, list[ox.Quad]]:
    """The entry (see entry()) and quads of one file, read once (hash and content agree)."""
    st, data = read_file(path)
    return entry(st, data), parse_file(path, graph_of(key), data)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
