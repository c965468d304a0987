"""The named queries shipped with the package (queries/NAME.rq) and their headers."""
from __future__ import annotations

from pathlib import Path

from sarcokg.common.resources import queries_dir

QUERY_DIR = queries_dir()


def named_queries(query_dir: Path = QUERY_DIR) -> dict[str, Path]:
    return {p.stem: p for p in sorted(query_dir.glob("*.rq"))}


def describe(path: Path) -> str:
    """The first line of the header comment, without its '# name:' lead."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            text = line.lstrip("# ").strip()
            return text.split(": ", 1)[-1] if ": " in text else text
    return ""
