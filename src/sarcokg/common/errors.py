"""Errors a user can cause, and the exit code each maps to (one place)."""
from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1       # ran, and found a problem: graph does not conform, a report failed to ingest
EXIT_USAGE = 2        # could not run: bad input, bad arguments, missing tool


class SarcoKGError(Exception):
    """A problem with the user's input, reported as one line, no traceback."""

    exit_code = EXIT_USAGE


class InputError(SarcoKGError):
    """A file, folder, query or parameter that cannot be used."""


class ToolMissing(SarcoKGError):
    """An external tool (Java for HermiT) is not installed."""
