"""What a query may not do unless the user says so: federation (SERVICE) and updates.

SERVICE makes the engine send a request to any IRI the query names (http:,
file:...): from the endpoint, anyone who can reach it could make sarcokg's
host fetch URLs for them (server-side request forgery). It is off unless
--allow-service is given. The decision is made on the query as a SPARQL
parser reads it (rdflib's algebra, as store/evidence_defer.py reads
queries), so neither a comment, a string, an IRI nor a variable named
?service trips it, and \\u escapes do not hide it; a query that names no
`service` at all (and holds no escape) is not parsed.
"""
from __future__ import annotations

import re
from functools import lru_cache

from sarcokg.common.errors import InputError
from sarcokg.model.namespaces import PREFIXES

SERVICE_OFF = ("SERVICE (a federated query) is off: it makes sarcokg send requests to the servers or files the "
               "query names; give --allow-service to run it")
_MAYBE_SERVICE = re.compile(r"service|\\u|\\U", re.I)
_UPDATE_WORDS = {"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with"}


def check_service(label: str, text: str, allow: bool = False) -> None:
    """A one-line InputError when the query uses SERVICE and allow is not given."""
    if not allow and uses_service(text):
        raise InputError(f"{label}: {SERVICE_OFF}")


def uses_service(text: str) -> bool:
    if _MAYBE_SERVICE.search(text) is None:
        return False
    return _parsed_uses_service(text)


@lru_cache(maxsize=64)
def _parsed_uses_service(text: str) -> bool:
    """On a thread of its own, for the reason evidence_defer.may_read_evidence gives."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(1) as one:
        return one.submit(_analyse, text).result()


def _analyse(text: str) -> bool:
    try:
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery
        parsed = translateQuery(parseQuery(text), initNs=dict(PREFIXES))
    except Exception:   # rdflib does not read it: it names `service` somewhere, so refuse to be safe
        return _service_word(text)
    return _has_service(parsed.algebra)


def _has_service(node) -> bool:
    from sarcokg.store.evidence_defer import algebra_nodes
    return any(n.name.startswith("Service") or n.name == "ServiceGraphPattern" for n in algebra_nodes(node))


_TOKENS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                     r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*', re.S)


def _words(text: str) -> list[str]:
    """The query's bare words, in order (strings, IRIs and comments left out)."""
    bare = _TOKENS.sub(" ", text)
    return re.findall(r"(?<![?$:\w])[A-Za-z]+(?![\w:])", bare)


def _service_word(text: str) -> bool:
    return any(w.lower() == "service" for w in _words(text))


def is_update(text: str) -> bool:
    """Does the text read as a SPARQL update (INSERT, DELETE, LOAD, DROP...)?"""
    words = _words(text)
    i = 0
    while i < len(words) and words[i].lower() in ("prefix", "base"):
        i += 1   # a prologue's IRIs and prefixed names are not bare words
    return i < len(words) and words[i].lower() in _UPDATE_WORDS
