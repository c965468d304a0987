"""Words for people: counts with their noun in the right number."""
from __future__ import annotations

IRREGULAR = {"query": "queries"}


def plural(n: int, noun: str, many: str | None = None) -> str:
    """'1 report', '2 reports', '0 reports'; many names an irregular plural ('1 query', '2 queries')."""
    if n == 1:
        return f"{n} {noun}"
    return f"{n} {many or IRREGULAR.get(noun) or noun + 's'}"
