"""Plain text tables for people, fitted to the terminal.

Output that goes to a file or a pipe (no terminal, no COLUMNS) is not fitted:
the table keeps its natural width and descriptions their whole line.

A table whose natural width fits is printed as aligned columns. One that does
not is fitted by wrapping its widest columns' cells (on spaces and on `|`,
the separator of the named queries' lists), as long as every column keeps a
readable width; when even that does not fit (the 17-column case summary on an
80-column terminal), every row is printed as a record: one `column: value`
line per non-empty cell, rows separated by a blank line.
"""
from __future__ import annotations

import os
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.common.text import plural

GAP = 2
MIN_COL = 8          # narrowest column a wrapped table may give a column


def terminal_width() -> int | None:
    """The terminal's width (COLUMNS when set); None when the output is no terminal
    (a file or a pipe gets the table at its natural width)."""
    if not os.environ.get("COLUMNS") and not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((100, 24)).columns


def _wrap(text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    spaced = text.replace("|", "| ")
    lines = textwrap.wrap(spaced, width=width, break_long_words=True, break_on_hyphens=False)
    return [ln.replace("| ", "|") for ln in lines] or [""]


def _fit(natural: list[int], width: int) -> list[int] | None:
    """Column widths that fit width, narrowing the widest columns first; None if they cannot."""
    widths = list(natural)
    budget = width - GAP * (len(widths) - 1)
    while sum(widths) > budget:
        i = max(range(len(widths)), key=lambda k: widths[k])
        if widths[i] <= MIN_COL:
            return None
        widths[i] -= 1
    return widths


def _columns(names: list[str], rows: list[list[str]], widths: list[int]) -> list[str]:
    lines = ["  ".join(n[:w].ljust(w) for n, w in zip(names, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in rows:
        cells = [_wrap(c, w) for c, w in zip(row, widths, strict=True)]
        for k in range(max(len(c) for c in cells)):
            parts = [(c[k] if k < len(c) else "").ljust(w) for c, w in zip(cells, widths, strict=True)]
            lines.append("  ".join(parts).rstrip())
    return lines


def _records(names: list[str], rows: list[list[str]], width: int) -> list[str]:
    key = max(len(n) for n in names)
    lines: list[str] = []
    for i, row in enumerate(rows):
        if i:
            lines.append("")
        for n, c in zip(names, row, strict=True):
            if not c:
                continue
            wrapped = _wrap(c, max(MIN_COL, width - key - 2))
            lines.append(f"{n.ljust(key)}  {wrapped[0]}")
            lines += [" " * (key + 2) + more for more in wrapped[1:]]
    return lines


def render(names: list[str], rows: list[list[str]], width: int | None = None, noun: str = "row") -> str:
    """names and rows (strings) as a table that fits width (default: the terminal's)."""
    width = terminal_width() if width is None else width
    natural = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    if width is None or sum(natural) + GAP * (len(names) - 1) <= width:
        lines = _columns(names, rows, natural)
    else:
        fitted = _fit(natural, width)
        lines = _columns(names, rows, fitted) if fitted is not None else _records(names, rows, width)
    lines.append(f"({plural(len(rows), noun)})")
    return "\n".join(lines) + "\n"


def _cell(term: Any) -> str:
    from sarcokg.query.run import _cell as cell
    return str(cell(term))


def query_table(results: Any, width: int | None = None) -> str:
    """A query's results (pyoxigraph's, or a kept result) as a table for people."""
    from sarcokg.query.renders import KeptResult
    if isinstance(results, KeptResult):
        results = results.solutions()
    if isinstance(results, ox.QueryBoolean):
        return "yes\n" if bool(results) else "no\n"
    if not isinstance(results, ox.QuerySolutions):
        raise InputError("a CONSTRUCT or DESCRIBE query gives triples; use 'sarcokg export' or a SELECT query")
    names = [v.value for v in results.variables]
    rows = [[_cell(sol[n]) for n in names] for sol in results]
    return render(names, rows, width)


def described(items: list[tuple[str, str]], width: int | None = None) -> str:
    """name  description lines, the description wrapped under itself (query --list)."""
    width = terminal_width() if width is None else width
    key = max((len(n) for n, _ in items), default=0)
    lines = []
    for name, text in items:
        wrapped = [text] if width is None else \
            textwrap.wrap(text, width=max(20, width - key - 2), break_on_hyphens=False) or [""]
        lines.append(f"{name.ljust(key)}  {wrapped[0]}".rstrip())
        lines += [" " * (key + 2) + more for more in wrapped[1:]]
    return "\n".join(lines) + "\n"


def header_description(path: Path) -> str:
    """A query file's whole header comment as one paragraph, without its '# name:' lead
    and without pragma lines ('# sarcokg:...')."""
    parts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        text = line.lstrip("#").strip()
        if text.startswith("sarcokg:"):
            continue
        parts.append(text)
    if parts and ": " in parts[0]:
        parts[0] = parts[0].split(": ", 1)[1]
    return " ".join(p for p in parts if p)
