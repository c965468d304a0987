"""Reading report texts and writing output files safely.

Reports are read as bytes, checked and decoded (UTF-8, else cp1252 with a
warning); HTML tags are blanked out with spaces so that character offsets still
point into the text as read. Files are written to a temporary file beside the
target and renamed into place, so a crash never leaves half a file and never
destroys what the user had.
"""
from __future__ import annotations

import codecs
import errno
import hashlib
import html
import os
import re
import stat
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
    head = text[:2000]
    if "<" not in head:   # each sign below holds a '<', which lowercasing neither makes nor removes
        return False      # (most report texts: no lowercased copy of their head, about 20 us a report)
    head = head.lower()
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
    try:
        st = os.stat(path)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise InputError(f"{path}: a symlink loop (a link that leads back to itself), not a report text") from None
        raise InputError(f"{path}: no such file" if e.errno == errno.ENOENT else
                         f"{path}: cannot read ({e.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a folder, not a report text")
    if not stat.S_ISREG(st.st_mode):   # a FIFO or a device would be read forever, or not at all
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "not a regular file"
        raise InputError(f"{path}: {kind}, not a report text; save the text to a file first")
    size = st.st_size
    if size == 0:
        raise InputError(f"{path}: empty file")
    if size > MAX_BYTES:
        raise InputError(f"{path}: {size / 1e6:.1f} MB is too large for one case report "
                         f"(limit {MAX_BYTES // 1_000_000} MB)")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    warnings: list[str] = []
    bom = _unicode_bom(data)
    if bom is not None:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError as e:
            raise InputError(f"{path}: starts as {bom.upper()} text (byte order mark) but is not ({e.reason} "
                             f"at byte {e.start})") from None
        if bom != "utf-8-sig":
            warnings.append(f"{path}: read as {bom.upper()} text (byte order mark)")
        return _report_text(path, data, text, warnings)
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: binary file (NUL bytes), not a report text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(f"{path}: neither UTF-8 nor cp1252 text (byte {e.start})") from None
        warnings.append(f"{path}: not UTF-8; read as cp1252 (Windows) text")
    return _report_text(path, data, text, warnings)


def _unicode_bom(data: bytes) -> str | None:
    """The codec a byte order mark at the start of data names, else None."""
    for mark, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                        (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(mark):
            return codec
    return None


def _report_text(path: Path, data: bytes, text: str, warnings: list[str]) -> ReportText:
    """The checks on the decoded text (control characters, HTML, white space)."""
    controls = len(_CONTROL.findall(text, 0, 8192))
    if controls > 8:
        raise InputError(f"{path}: binary file ({controls} control characters), not a report text")
    if looks_like_html(text):
        text = blank_html(text)
        warnings.append(f"{path}: HTML page; tags ignored")
    if not text.strip():
        raise InputError(f"{path}: no text (only white space)")
    return ReportText(path, text, hashlib.sha256(data).hexdigest(), warnings)


def listed_file(entry: os.DirEntry) -> bool:
    """True for a regular file (or a symlink to one) found listing a folder;
    anything else under a name the caller reads (a FIFO, a symlink loop, a
    dangling link, a device, a folder) raises a one-line InputError that says
    what it is, instead of being skipped in silence or hanging a reader."""
    try:
        if entry.is_file():
            return True
    except OSError:
        pass
    path = entry.path
    try:
        st = os.stat(path)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise InputError(f"{path}: a symlink loop (a link that leads back to itself), not a file") from None
        if entry.is_symlink():
            raise InputError(f"{path}: a broken symlink (its target {os.readlink(path)!r} does not exist)") from None
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    if stat.S_ISREG(st.st_mode):
        return True
    kind = ("a folder" if stat.S_ISDIR(st.st_mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode)
            else "a character device" if stat.S_ISCHR(st.st_mode) else "a block device" if stat.S_ISBLK(st.st_mode)
            else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
    raise InputError(f"{path}: {kind}, not a file; move it out of this folder")


def state_folder(path: Path) -> None:
    """A one-line InputError when path, where sarcokg keeps state in a folder
    of its own (KG/.sarcokg), exists and is something else."""
    if path.exists() and not path.is_dir() or path.is_symlink() and not path.exists():
        raise InputError(f"{path}: not a folder; sarcokg keeps its query store there: move or remove this file")


def _temp_beside(path: Path, mode: int | None = None) -> tuple[int, str]:
    """A new temporary file in path's folder (open, for writing), named
    .<name>.*.tmp, with the given mode, else the one a new file gets: created
    0666 the kernel masks with the umask (tempfile.mkstemp would make it 0600)."""
    folder = path.parent if str(path.parent) else Path(".")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = str(folder / f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            fd = os.open(tmp, flags, 0o600 if mode is not None else 0o666)
        except FileExistsError:
            continue
        except OSError as e:
            raise InputError(f"{path}: cannot write here ({e.strerror})") from None
        if mode is not None:
            try:
                os.fchmod(fd, mode)   # the mode of the file it replaces
            except OSError:
                pass   # a file system without modes (vfat): what it gives
        return fd, tmp
    raise InputError(f"{path}: cannot write here (no free temporary name)")


STDOUT_NAMES = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


@dataclass
class Target:
    """Where -o PATH writes: `path` is replaced atomically (a regular file or a
    new name; a symlink's target, the link kept), or, with `stream`, opened
    and written in place (a character device, a FIFO, standard output)."""
    path: Path
    stream: bool = False
    mode: int | None = None   # the mode of the file replaced (kept), None for a new file


def output_target(path: Path) -> Target:
    """How to write to path without damaging what is there; a one-line
    InputError for a folder, a symlink loop or anything else not writable."""
    path = Path(path)
    if str(path) in STDOUT_NAMES:
        return Target(path, stream=True)
    try:
        st = os.stat(path)    # follows symlinks
    except FileNotFoundError:
        if path.is_symlink():   # dangling: the file it names is made, the link kept
            return Target(Path(os.path.realpath(path)))
        return Target(path)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise InputError(f"{path}: a symlink loop (a link that leads back to itself); give another name") from None
        raise InputError(f"{path}: cannot write here ({e.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a folder; give a file name (for example {path / 'out'})")
    if stat.S_ISREG(st.st_mode):
        real = Path(os.path.realpath(path)) if path.is_symlink() else path
        return Target(real, mode=stat.S_IMODE(st.st_mode))
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return Target(path, stream=True)
    kind = "a block device" if stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) \
        else "not a regular file"
    raise InputError(f"{path}: {kind}; sarcokg writes only to files, character devices, FIFOs and standard output")


def write_failed(e: OSError, where: str) -> InputError:
    """The one-line error for a write that failed (disk full, I/O error)."""
    return InputError(f"{where}: cannot write ({e.strerror or e})")


@contextmanager
def _stream(target: Target) -> Iterator[BinaryIO]:
    """Standard output, a character device or a FIFO, written in place; a
    failed write (disk full, I/O error) is a one-line InputError; a closed
    pipe (BrokenPipeError) goes up as it is, for the CLI to end quietly."""
    to_stdout = str(target.path) in STDOUT_NAMES
    try:
        if to_stdout:
            import sys
            sys.stdout.flush()
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        else:
            with open(target.path, "wb") as fh:
                yield fh
    except BrokenPipeError:
        raise
    except OSError as e:
        raise write_failed(e, "standard output" if to_stdout else str(target.path)) from None


def stdout_output():
    """Standard output as a binary stream (see _stream for its errors)."""
    return _stream(Target(Path("-"), stream=True))


@contextmanager
def atomic_output(path: Path, fsync: bool = True) -> Iterator[BinaryIO]:
    """A binary file handle whose content replaces path only if the block succeeds.

    It writes to a temporary file in the same folder and renames it onto path:
    a failure or a crash leaves what the user had untouched and no partial file.
    A symlink is followed (its target replaced, the link kept); a character
    device, a FIFO or standard output is written as a stream; a folder is refused.
    """
    target = output_target(Path(path))
    if target.stream:
        with _stream(target) as fh:
            yield fh
        return
    fd, tmp = _temp_beside(target.path, target.mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        os.replace(tmp, target.path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError) and not isinstance(e, BrokenPipeError) and e.errno in _WRITE_ERRORS:
            raise write_failed(e, str(path)) from None
        raise


_WRITE_ERRORS = {errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}


def json_bytes(data) -> bytes:
    """Compact JSON with sorted keys (the caches, which hold an entry per
    report: orjson writes 100,000 of them ten times faster
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
    """Write data to path through a temporary file in the same folder and rename
    (see atomic_output() for symlinks, devices, FIFOs and folders).

    fsync=False still never leaves a partial file if the process dies; it only
    defers durability against power loss to the caller (ingest syncs once at
    the end instead of once per report)."""
    # atomic_output() without its file object and context manager: ingest writes
    # one file per report, and those cost about as much as the write itself
    data = data.encode("utf-8") if isinstance(data, str) else data
    target = output_target(Path(path))
    if target.stream:
        with _stream(target) as fh:
            fh.write(data)
        return
    fd, tmp = _temp_beside(target.path, target.mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if fsync:
            os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, target.path)
    except BaseException as e:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError) and e.errno in _WRITE_ERRORS:
            raise write_failed(e, str(path)) from None
        raise
