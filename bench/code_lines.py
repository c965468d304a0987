#!/usr/bin/env python3
"""Lines of Python files: `wc -l`, and code only (no blank lines, comments or docstrings), by tokenize.

    python bench/code_lines.py SRC FILE...
        e.g. python bench/code_lines.py src/sarcokg query/rowcache.py store/sync.py

A string that is a statement of its own (a docstring, or a bare string) is not code; a line
that holds any other token is.
"""
from __future__ import annotations

import io
import sys
import tokenize
from pathlib import Path

_SKIP = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
_STATEMENT_START = (tokenize.INDENT, tokenize.NEWLINE, tokenize.DEDENT)


def code_lines(text: str) -> int:
    toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    lines: set[int] = set()
    prev = tokenize.NEWLINE   # a file starts a statement
    for i, t in enumerate(toks):
        if t.type in _SKIP:
            if t.type not in (tokenize.NL, tokenize.COMMENT):
                prev = t.type
            continue
        if t.type == tokenize.STRING and prev in _STATEMENT_START:
            j = i + 1
            while toks[j].type in (tokenize.COMMENT, tokenize.NL):
                j += 1
            if toks[j].type in (tokenize.NEWLINE, tokenize.ENDMARKER):   # the string is the whole statement
                prev = t.type
                continue
        lines.update(range(t.start[0], t.end[0] + 1))
        prev = t.type
    return len(lines)


def main() -> None:
    root, files = Path(sys.argv[1]), sys.argv[2:]
    total_wc = total_code = 0
    print("| file | wc -l | code |\n|---|---|---|")
    for f in files:
        text = (root / f).read_text(encoding="utf-8")
        wc, code = text.count("\n"), code_lines(text)
        total_wc, total_code = total_wc + wc, total_code + code
        print(f"| {f} | {wc:,} | {code:,} |")
    print(f"| total | {total_wc:,} | {total_code:,} |")


if __name__ == "__main__":
    main()
