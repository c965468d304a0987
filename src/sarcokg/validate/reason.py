"""OWL consistency of the ontology plus report data, with HermiT in owlready2.

owlready2 reads N-Triples, not Turtle: the ontology and the report graphs are
converted with pyoxigraph into one temporary N-Triples file. HermiT needs Java.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import EXIT_FAILED, SarcoKGError, ToolMissing
from sarcokg.common.text import plural
from sarcokg.store.kgstore import ontology_path


class Inconsistent(SarcoKGError):
    exit_code = EXIT_FAILED


def reason(files: Sequence[Path]) -> str:
    if shutil.which("java") is None:
        raise ToolMissing("HermiT needs Java, which is not installed: install a JRE "
                          "(Debian/Ubuntu: apt-get install default-jre-headless) and run again")
    import owlready2

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "kg.nt"
        with open(nt, "wb") as out:
            for path in [ontology_path(), *files]:
                with open(path, "rb") as fh:
                    ox.serialize(ox.parse(fh, format=ox.RdfFormat.TURTLE), out, format=ox.RdfFormat.N_TRIPLES)
        world = owlready2.World()
        onto = world.get_ontology(nt.as_uri()).load(format="ntriples")
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            raise Inconsistent(f"inconsistent: HermiT finds the ontology plus {plural(len(files), 'report graph')} "
                               "inconsistent") from None
        except (OSError, owlready2.base.OwlReadyError) as e:
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise SarcoKGError(f"HermiT could not run: {first}") from None
        unsat = [c for c in world.inconsistent_classes() if c is not owlready2.Nothing]
        n_classes = len(list(onto.classes()))
    took = time.perf_counter() - start
    if unsat:
        names = ", ".join(sorted(c.name for c in unsat)[:10])
        unsatisfiable = plural(len(unsat), "unsatisfiable class", "unsatisfiable classes")
        raise Inconsistent(f"inconsistent: {unsatisfiable} ({names})")
    return (f"consistent: ontology ({plural(n_classes, 'class', 'classes')}) plus "
            f"{plural(len(files), 'report graph')}, HermiT {took:.1f} s")
