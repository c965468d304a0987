"""Where the package's data is: the ontology, the shapes, the named queries and
the bundled graph, read with importlib.resources.

The top-level folders ontology/, queries/ and graph/ of the source tree are the
one source of truth. src/sarcokg/data/ holds symbolic links to them, so an
editable install reads the checkout's files, and a built wheel carries copies
of them inside the package (setuptools follows the links; see pyproject.toml).
No code finds its data through the checkout's path.
"""
from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from sarcokg.common.errors import SarcoKGError

ONTOLOGY_FILE = "sarcokg.ttl"
SHAPES_FILE = "shapes.ttl"
CONTEXT_FILE = "context.jsonld"


def data_dir(name: str) -> Path:
    """The package's data folder NAME (ontology, queries or graph) as a path."""
    return _data_dir(name)


@cache   # found once a process (each ingested report asks for the shapes and ontology)
def _data_dir(name: str) -> Path:
    folder = files("sarcokg") / "data" / name
    if not isinstance(folder, Path) or not folder.is_dir():
        raise SarcoKGError(f"the package's data folder {name}/ is missing ({folder}); reinstall sarcokg")
    return folder


def ontology_dir() -> Path:
    return data_dir("ontology")


def queries_dir() -> Path:
    return data_dir("queries")


def bundled_graph() -> Path:
    return data_dir("graph")
