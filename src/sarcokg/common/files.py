"""Reading report texts and writing output files safely.

Reports are read as bytes, checked and decoded (UTF-8, else cp1252 with a
warning); HTML tags are blanked out with spaces so that character offsets still
point into the text as read. Files are written to a temporary file beside the
target and renamed into place, so a crash never leaves half a file and never
destroys what the user had.
"""
from __future__ import annotations

import hashlib
import html
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sarcokg.common.errors import InputError

MAX_BYTES = 5_000_000  # a case report is a few tens of kB; 5 MB is not one report
_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[!/?]?[A-Za-z][^<>]*>", re.S | re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")


@dataclass
class ReportText:
    path: Path
    text: str
    sha256: str
    warnings: list[str] = field(default_factory=list)


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or len(re.findall(r"</(p|div|span|td|li)>", head)) >= 3


def blank_html(text: str) -> str:
    """Replace tags and entities by spaces of the same length (offsets kept)."""
    def tag(m: re.Match) -> str:
        s = m.group(0)
        return "\n" + " " * (len(s) - 1) if re.match(r"</?(p|div|br|li|h\d|tr|title)\b", s, re.I) else " " * len(s)

    def entity(m: re.Match) -> str:
        ch = html.unescape(m.group(0))
        return ch + " " * (len(m.group(0)) - len(ch)) if len(ch) == 1 else " " * len(m.group(0))

    return _ENTITY.sub(entity, _TAG.sub(tag, text))


def read_report(path: Path) -> ReportText:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a report text")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: empty file")
    if size > MAX_BYTES:
        raise InputError(f"{path}: {size / 1e6:.1f} MB is too large for one case report (limit {MAX_BYTES // 1_000_000} MB)")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: binary file (NUL bytes), not a report text")
    warnings = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(f"{path}: neither UTF-8 nor cp1252 text (byte {e.start})") from None
        warnings.append(f"{path}: not UTF-8; read as cp1252 (Windows) text")
    controls = len(_CONTROL.findall(text, 0, 8192))
    if controls > 8:
        raise InputError(f"{path}: binary file ({controls} control characters), not a report text")
    if looks_like_html(text):
        text = blank_html(text)
        warnings.append(f"{path}: HTML page; tags ignored")
    if not text.strip():
        raise InputError(f"{path}: no text (only white space)")
    return ReportText(path, text, hashlib.sha256(data).hexdigest(), warnings)


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new temporary file in path's folder (open, for writing), named .<name>.*.tmp."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise InputError(f"{path}: cannot write here ({e.strerror})") from None


@contextmanager
def atomic_output(path: Path, fsync: bool = True) -> Iterator[BinaryIO]:
    """A binary file handle whose content replaces path only if the block succeeds.

    It writes to a temporary file in the same folder and renames it onto path:
    a failure or a crash leaves what the user had untouched and no partial file.
    """
    path = Path(path)
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def json_bytes(data) -> bytes:
    """Compact JSON with sorted keys (the caches and the store's manifest, which
    hold an entry per report: orjson writes 100,000 of them ten times faster
    than the json module, in the same bytes)."""
    import orjson
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def json_read(path: Path):
    """A JSON file's data; ValueError if it is not JSON, OSError if unreadable."""
    import orjson
    try:
        return orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as e:
        raise ValueError(str(e)) from None


def atomic_write(path: Path, data: bytes | str, fsync: bool = True) -> None:
    """Write data to path through a temporary file in the same folder and rename.

    fsync=False still never leaves a partial file if the process dies; it only
    defers durability against power loss to the caller (ingest syncs once at
    the end instead of once per report)."""
    # atomic_output() without its file object and context manager: ingest writes
    # one file per report, and those cost about as much as the write itself
    data = data.encode("utf-8") if isinstance(data, str) else data
    path = Path(path)
    fd, tmp = _temp_beside(path)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if fsync:
            os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
