"""The curation records of a knowledge-graph folder (KG/curation/*.json) must read.

A record that does not (truncated JSON, bytes that are not UTF-8, a folder in
its place, an unknown slot) would make the next ingest of its report fail or,
worse, leave the curator believing a correction is recorded: `sarcokg
validate` and `sarcokg check` name each one.
"""
from __future__ import annotations

import os
from pathlib import Path

from sarcokg.model.curation import CurationError, load_record

CURATION_DIR = "curation"


def broken_records(kg: Path) -> list[tuple[str, str]]:
    """(curation/<name>, message) for each record of the folder that does not read, sorted."""
    folder = kg / CURATION_DIR
    if not folder.is_dir():
        return []
    out = []
    with os.scandir(folder) as it:
        names = sorted(e.name for e in it if e.name.endswith(".json") and not e.name.startswith("."))
    for name in names:
        try:
            load_record(folder / name)
        except CurationError as e:
            message = str(e)
            where = str(folder / name)
            if message.startswith(where + ":"):
                rest = message[len(where) + 1:]
                line, sep, after = rest.partition(": ")
                message = f"line {line}: {after}" if sep and line.isdigit() else rest.lstrip()
            out.append((f"{CURATION_DIR}/{name}", message))
    return out


def record_check(kg: Path):
    """The broken records as a check's result (validate/checks.CheckResult): one row each."""
    from sarcokg.validate.checks import CheckResult
    return CheckResult("curation-record", "Curation records (KG/curation/*.json) that do not read as one.",
                       [(name, "", message) for name, message in broken_records(kg)])
