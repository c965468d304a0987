"""Buckets of report files, and a tally of each that changes with one file in O(1).

The row cache (rowcache.py) keeps per-report results in BUCKETS buckets of
files, by a CRC-32 of the file name, and needs to know which buckets hold a
changed file. A bucket's tally is [count, sum]: the number of its files and
the sum, modulo 2**256, of SHA-256(name, digest) over them. The store keeps
the tallies in its manifest and adjusts them as files are loaded and removed
(store._sync), so a query at 100,000 reports reads 32 tallies instead of
hashing every name; any change of a name or digest changes its bucket's sum.
"""
from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable

BUCKETS = 32   # a change of it changes every bucket: bump rowcache.FORMAT with it
_MOD = 1 << 256


def bucket_of(name: str) -> str:
    return f"{zlib.crc32(name.encode()) % BUCKETS:02x}"


def _term(name: str, digest: str | None) -> int:
    return int.from_bytes(hashlib.sha256(f"{name}\n{digest}".encode()).digest(), "big")


def tallies(pairs: Iterable[tuple[str, str | None]]) -> dict[str, list]:
    """{bucket: [count, sum as hex]} of (file name, digest) pairs; empty buckets left out."""
    counts: dict[str, int] = {}
    sums: dict[str, int] = {}
    for name, digest in pairs:
        b = bucket_of(name)
        counts[b] = counts.get(b, 0) + 1
        sums[b] = (sums.get(b, 0) + _term(name, digest)) % _MOD
    return {b: [counts[b], f"{sums[b]:x}"] for b in sorted(counts)}


def adjust(t: dict[str, list], name: str, old: str | None, new: str | None) -> None:
    """A file's digest went from old to new (None: absent), in place."""
    if old == new:
        return
    b = bucket_of(name)
    count, total = t.get(b, [0, "0"])
    total = int(total, 16)
    if old is not None:
        count, total = count - 1, (total - _term(name, old)) % _MOD
    if new is not None:
        count, total = count + 1, (total + _term(name, new)) % _MOD
    if count:
        t[b] = [count, f"{total:x}"]
    else:
        t.pop(b, None)


def well_formed(t, n: int) -> bool:
    """Tallies as the manifest keeps them, counting n files in all."""
    try:
        return isinstance(t, dict) and sum(c for c, _ in t.values()) == n \
            and all(isinstance(c, int) and c > 0 and int(s, 16) >= 0 for c, s in t.values())
    except (TypeError, ValueError):
        return False


def members(names: list[str], wanted) -> dict[str, list[str]]:
    """{bucket: its names, in the given order} for the wanted buckets only."""
    out: dict[int, list[str]] = {int(b, 16): [] for b in wanted}
    if not out:
        return {}
    for n, c in zip(names, map(zlib.crc32, map(str.encode, names)), strict=True):
        got = out.get(c % BUCKETS)
        if got is not None:
            got.append(n)
    return {f"{b:02x}": ns for b, ns in sorted(out.items()) if ns}
