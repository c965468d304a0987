"""A kept query result in each output format, kept beside the row cache.

Writing the kept result (SPARQL TSV) in the format asked for means parsing
it again: at 100,000 reports most of a named query's time. So each format's
rendering is kept too (`<stem>/out.<ext>`, stamped as the result is), and
after a change to a row query the rendering from before it is patched: each
changed report's old and new rows rendered as a block, the old block found
exactly once and replaced; anything that does not check out is rendered
afresh (docs/architecture.md).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from os.path import commonprefix
from pathlib import Path

import pyoxigraph as ox

from sarcokg.store.catalogue import Stamp, using

TSV = ox.QueryResultsFormat.TSV
_EXT = {ox.QueryResultsFormat.JSON: "json", ox.QueryResultsFormat.CSV: "csv", ox.QueryResultsFormat.TSV: "tsv"}
RENDERED = frozenset(_EXT)   # the formats whose renderings are kept


@dataclass(frozen=True)
class Outputs:
    """The stamps of the files a consumer keeps beside its entries (its
    assembled result and each rendering): written, then stamped; a file is
    read only while its stamp is current and its size the stamped one."""
    catalogue: Path
    consumer: str
    context: str
    generation: int

    def held(self, output: str, generation: int | None = None) -> int | None:
        """The stamped size of an output kept at `generation` (default: now); None: not kept."""
        got = using(self.catalogue, lambda cat: cat.stamp(f"{self.consumer}:{output}"))
        wanted = self.generation if generation is None else generation
        return got.size if got is not None and got.context == self.context and got.generation == wanted else None

    def write(self, output: str, path: Path, data: bytes, fsync: bool = True) -> None:
        from sarcokg.common.files import atomic_write
        name = f"{self.consumer}:{output}"
        using(self.catalogue, lambda cat: cat.set_stamp(name, None))   # never a stamp beside another file
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data, fsync=fsync)
        using(self.catalogue, lambda cat: cat.set_stamp(name, Stamp(self.context, self.generation, len(data))))


class KeptResult:
    """A SELECT result as the row cache keeps it: its SPARQL TSV (read when
    needed) and its kept renderings. Iterates and has `variables` like
    pyoxigraph's QuerySolutions; serialize() gives the same bytes."""

    def __init__(self, folder: Path, stem: str, outputs: Outputs, tsv: bytes | None = None, size: int | None = None,
                 before: int | None = None, changes: list | None = None,
                 remake: Callable[[], KeptResult | None] | None = None):
        self.folder, self.stem, self.outputs = folder, stem, outputs
        self._tsv, self._size = tsv, size
        self.remake = remake      # the result made again, should the kept one not read back
        self.before = before      # the generation of the result that `changes` were applied to
        self.changes = changes    # [(old entry, new entry)]: entry (digest, report id, rows as TSV lines) or None

    def tsv(self) -> bytes:
        if self._tsv is None:
            self._tsv = read_kept(self.folder / f"{self.stem}.tsv", self._size)
            if self._tsv is None:
                raise ValueError("the kept result is not the one stamped")
        return self._tsv

    def solutions(self) -> ox.QuerySolutions:
        try:
            res = ox.parse_query_results(self.tsv(), format=TSV)
            return _select(res)
        except (SyntaxError, ValueError, OSError):
            fresh = self.remake() if self.remake is not None else None
            if fresh is None:
                raise
            self._tsv = fresh.tsv()
            return _select(ox.parse_query_results(self._tsv, format=TSV))

    @property
    def variables(self):
        return self.solutions().variables

    def __iter__(self):
        return iter(self.solutions())

    def serialize(self, format: ox.QueryResultsFormat) -> bytes:
        ext = _EXT.get(format)
        if ext is None:
            return as_bytes(self.solutions().serialize(format=format))
        out = self.folder / self.stem / f"out.{ext}"
        data = read_kept(out, self.outputs.held(f"out.{ext}"))
        if data is not None:
            return data
        if self.changes is not None and self.before is not None:
            old = read_kept(out, self.outputs.held(f"out.{ext}", self.before))
            data = None if old is None else patched(old, format, self.tsv().split(b"\n", 1)[0], self.changes)
        if data is None:
            data = as_bytes(self.solutions().serialize(format=format))
        keep_rendering(self.outputs, self.folder, self.stem, format, data)
        return data


def rendering(tsv: bytes, format: ox.QueryResultsFormat) -> bytes:
    """A kept result (SPARQL TSV) in an output format, as KeptResult.serialize makes it."""
    return as_bytes(_select(ox.parse_query_results(tsv, format=TSV)).serialize(format=format))


def keep_rendering(outputs: Outputs, folder: Path, stem: str, format: ox.QueryResultsFormat, data: bytes) -> None:
    """A rendering kept beside the result, for KeptResult.serialize to read."""
    ext = _EXT[format]
    # no fsync: a rendering is made again from the TSV whenever its size is not its stamp's
    outputs.write(f"out.{ext}", folder / stem / f"out.{ext}", data, fsync=False)


def _select(res) -> ox.QuerySolutions:
    if not isinstance(res, ox.QuerySolutions):
        raise ValueError("not a SELECT result")
    return res


def read_kept(path: Path, size: int | None) -> bytes | None:
    """A kept file, when it is stamped and has the stamped size."""
    if size is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if len(data) == size else None


def as_bytes(data: bytes | None) -> bytes:
    """What pyoxigraph's serialize() returns when given no file."""
    assert data is not None
    return data


def _frame(fmt, head: bytes, line: bytes) -> tuple[bytes, bytes]:
    """(what comes before the first row, what comes after the last) in this format."""
    none, one = rendering(head + b"\n", fmt), rendering(head + b"\n" + line + b"\n", fmt)
    p = len(commonprefix([none, one]))
    s = len(commonprefix([none[p:][::-1], one[::-1]]))
    return none[:p], none[len(none) - s:]


def _block(fmt, head: bytes, lines: list[bytes], before: bytes, after: bytes) -> bytes | None:
    r = rendering(b"\n".join([head, *lines, b""]), fmt)
    if not (r.startswith(before) and r.endswith(after)) or len(r) < len(before) + len(after):
        return None
    return r[len(before):len(r) - len(after)]


def patched(data: bytes, fmt, head: bytes, changes: list) -> bytes | None:
    """The kept rendering `data` with each changed report's rows replaced (or
    taken out); None where that cannot be shown to be exact."""
    for old, new in changes:
        if (old is None or not old[2]) and (new is None or not new[2]):
            continue                          # no rows before or after
        if old is None or not old[2]:
            return None                       # a report added: its place is not known here
        old_lines = old[2].encode("utf-8").split(b"\n")
        new_lines = new[2].encode("utf-8").split(b"\n") if new is not None and new[2] else []
        if new_lines and new[1] != old[1]:
            return None                       # the report id changed: its rows move
        before, after = _frame(fmt, head, old_lines[0])
        ob = _block(fmt, head, old_lines, before, after)
        twice = _block(fmt, head, old_lines + old_lines, before, after)
        if not ob or twice is None or not (twice.startswith(ob) and twice.endswith(ob)) \
                or len(twice) < 2 * len(ob):
            return None
        sep = twice[len(ob):len(twice) - len(ob)]
        nb: bytes | None = b""
        if new_lines:
            nb = _block(fmt, head, new_lines, before, after)
            both = _block(fmt, head, old_lines + new_lines, before, after)
            if not nb or both != ob + sep + nb:
                return None
        at = data.find(ob, len(before))
        if at < 0 or data.find(ob, at + 1) >= 0 or not data.startswith(before) or not data.endswith(after):
            return None
        end = at + len(ob)
        if new_lines:
            data = data[:at] + (nb or b"") + data[end:]
        elif at > len(before):                # not the first block: the separator before it goes too
            if data[at - len(sep):at] != sep:
                return None
            data = data[:at - len(sep)] + data[end:]
        elif end < len(data) - len(after):    # the first of several: the separator after it
            if data[end:end + len(sep)] != sep:
                return None
            data = data[:at] + data[end + len(sep):]
        else:
            data = data[:at] + data[end:]
    return data
