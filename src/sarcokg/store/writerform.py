"""The writer's form of a report file, loaded without parsing it in Python.

A report file as sarcokg writes it (comment lines, exactly the prefix block of
its own id, a blank line, then statements ending in ' .') can be wrapped,
unparsed, as a TriG graph block; Oxigraph's bulk loader then parses many such
blocks natively. Every such file declares the same prefixes but ':', so a
block keeps only its ':' line, and a document of blocks (trig()) declares the
others once, not once a file (a third of the bytes, parsed by the store and
again by the workers that keep the named queries' rows). Anything the wrapping
could not keep exactly is refused (None), and the file is parsed on its own
instead. With deferred evidence, the block is split in two (evidence_defer.split_body).
"""
from __future__ import annotations

import re

from sarcokg.model.namespaces import PREFIXES, REPORT_BASE, report_ns
from sarcokg.store.evidence_defer import split_body

# what may not appear in a body that is wrapped, unparsed, in a TriG graph block:
# braces (a block's end), labelled blank nodes (TriG scopes labels to the whole
# document), directives (TriG allows them only outside blocks; PREFIX and BASE
# in any case), long strings (which could run past the file's end)
UNSAFE_BODY = re.compile(rb'[{}]|_:|@prefix|@base|(?i:^\s*(?:PREFIX|BASE)\b)|"""|' + rb"'''", re.M)
# the same test, quicker: only the characters the tokens are made of, then the
# directive words where they occur (a body holds few); the regex decides when
# the quick look finds a token character
_NOT_TOKEN_CHARS = bytes(c for c in range(256) if c not in b"{}_:@\"'")
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_")
_REPORT_BASE = REPORT_BASE.encode()
_COMMON_HEADER = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()).encode()
# a statement whose subject is not one of the file's own nodes: a line starting
# otherwise than with a blank, ':' or '#' (as re.compile(rb"^[^\s:#]", re.M), 8 times quicker)
_FOREIGN_LINE = re.compile(rb"\n[^\s:#]")
_FOREIGN_FIRST = re.compile(rb"[^\s:#]")


def unsafe_body(body: bytes) -> bool:
    """UNSAFE_BODY.search(body) is not None, in a fraction of the time."""
    kept = body.translate(None, _NOT_TOKEN_CHARS)   # deleting can join tokens, never split one
    if b"{" in kept or b"}" in kept or b"@" in kept or b"_:" in kept or b'"""' in kept or b"''" in kept:
        return UNSAFE_BODY.search(body) is not None
    low = body.lower()
    for word in (b"prefix", b"base"):
        i = low.find(word)
        while i >= 0:
            j = i + len(word)
            if (j == len(low) or low[j] not in _WORD) and not low[low.rfind(b"\n", 0, i) + 1:i].strip():
                return True   # at the start of a line, after blanks only
            i = low.find(word, j)
    return False


def writer_body_start(data: bytes, report_id: str) -> int | None:
    """Where the statements start in a report file in the writer's form (comment
    lines, then exactly the prefix block of its own id and a blank line); None
    for any other layout."""
    pos = 0
    while data.startswith(b"#", pos):
        end = data.find(b"\n", pos)
        if end < 0 or b"\r" in data[pos:end]:
            return None
        pos = end + 1
    own = f"@prefix : <{report_ns(report_id)}> .\n".encode()
    if not data.startswith(own, pos) or not data.startswith(_COMMON_HEADER + b"\n", pos + len(own)):
        return None
    return pos + len(own) + len(_COMMON_HEADER) + 1


def body_subjects_confined(data: bytes, start: int = 0) -> bool:
    """Whether every statement of a file in the writer's form (its statements
    from `start`) is about one of the file's own nodes (':name' at the start
    of its line)."""
    return _FOREIGN_FIRST.match(data, start) is None and _FOREIGN_LINE.search(data, start) is None


def names_report_iri(data: bytes, start: int = 0) -> bool:
    """Whether the statements of a file in the writer's form (from `start`)
    write a report's node as a full IRI (its own nodes are ':name'), which
    may be another report's: with body_subjects_confined, the file describes
    its own nodes only and names no other report's node when this is False."""
    return data.find(_REPORT_BASE, start) >= 0


def as_trig_blocks(data: bytes, report_id: str, defer: bool,
                   start: int | None = None) -> tuple[bytes, bytes | None] | None:
    """A report file in the writer's form, with statements ending in ' .', as a
    TriG graph block with its ':' prefix before it, for trig(); None for any
    other file, which must be parsed instead. Every wrapped file declares the
    same prefixes (writer_body_start), and its block declares ':' again, so
    nothing of one file can change how the next one reads.

    Returns (that block, None); with defer, (the block of the file's facts,
    the block of its evidence), or (the whole file, None) when it cannot be
    split (see evidence_defer.split_body). `start`: writer_body_start(), when
    the caller has it."""
    start = writer_body_start(data, report_id) if start is None else start
    if start is None:
        return None
    body = data[start:]
    if unsafe_body(body) or not body.rstrip().endswith(b" ."):
        return None
    end = start - len(_COMMON_HEADER) - 1
    own = data[data.rfind(b"\n", 0, end - 1) + 1:end]   # the file's ':' line, before the common prefixes
    later = None
    if defer:
        parts = split_body(body)
        if parts is not None:
            body, evidence = parts
            later = wrap(own, report_id, evidence)
    return wrap(own, report_id, body), later


def wrap(own: bytes, report_id: str, body: bytes) -> bytes:
    """A TriG graph block of the report's named graph around a body, after the line `own` (its ':' prefix)."""
    return b"".join((own, b"<", (REPORT_BASE + report_id).encode(), b"> {\n", body, b"\n}\n"))


def trig(blocks: list[bytes]) -> bytes:
    """A TriG document of as_trig_blocks() blocks: the prefixes every report file declares, once."""
    return b"".join([_COMMON_HEADER, *blocks]) if blocks else b""
