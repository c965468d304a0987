#!/usr/bin/env python3
"""Count the private SKO: term ids in a folder of Phenopackets, after a strict parse.

    sarcokg export --format phenopacket -o /tmp/pp --kg KG
    python scripts/sko_ids.py /tmp/pp                  # strict parse + SKO ids
    python scripts/sko_ids.py /tmp/pp --pyphetools     # + pyphetools' ContentValidator

Every file is parsed with the `phenopackets` package's Phenopacket class and
protobuf's json_format (unknown fields refused). Each OntologyClass whose id
starts with SKO: is counted: uses, distinct ids, and (report, id) pairs, then
one line per id with its uses and label.

--pyphetools runs pyphetools' ContentValidator (minimum_disease_count=1,
min_hpo=0: the packets carry no HPO phenotypic features) on every packet.
pyphetools pins protobuf<4, so it is not a project dependency: run the script
with a Python that has it, e.g. a separate venv (`pip install pyphetools`).
Its ontology checks need the HPO ontology file and apply to HPO phenotypic
features, which these packets do not have.

Exit status: 0 when every file parsed (and validated), 1 when one did not, 2
when the folder has no .json file.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def classes(msg: Any) -> Iterator[Any]:
    """Every OntologyClass in a protobuf message, recursively."""
    for fd, value in msg.ListFields():
        repeated = fd.is_repeated if hasattr(fd, "is_repeated") else fd.label == fd.LABEL_REPEATED   # protobuf 6, 3
        items = value if repeated else [value]
        for item in items:
            if hasattr(item, "DESCRIPTOR"):
                if item.DESCRIPTOR.name == "OntologyClass":
                    yield item
                else:
                    yield from classes(item)


def parse(path: Path) -> Any:
    from google.protobuf import json_format
    from phenopackets import Phenopacket
    return json_format.Parse(path.read_text(encoding="utf-8"), Phenopacket(), ignore_unknown_fields=False)


def pyphetools_problems(packets: dict[str, Any]) -> list[str]:
    from pyphetools.validation import ContentValidator
    validator = ContentValidator(min_hpo=0, minimum_disease_count=1)
    return [f"{name}: {r}" for name, pp in packets.items() for r in validator.validate_phenopacket(pp)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--pyphetools", action="store_true", help="also run pyphetools' ContentValidator")
    args = ap.parse_args(argv)
    files = sorted(args.folder.glob("*.json"))
    if not files:
        print(f"{args.folder}: no .json file", file=sys.stderr)
        return 2
    packets, broken = {}, []
    for f in files:
        try:
            packets[f.name] = parse(f)
        except Exception as e:   # json_format.ParseError, a bad JSON file: report and go on
            broken.append(f"{f.name}: " + " ".join(str(e).split()))
    from importlib.metadata import version
    print(f"{len(files)} phenopackets in {args.folder}, {len(packets)} parse strictly "
          f"(phenopackets {version('phenopackets')}, protobuf {version('protobuf')})")
    for line in broken:
        print(f"  does not parse: {line}")
    uses: Counter[str] = Counter()
    labels: dict[str, str] = {}
    pairs = set()
    for name, pp in packets.items():
        for oc in classes(pp):
            if oc.id.startswith("SKO:"):
                uses[oc.id] += 1
                labels[oc.id] = oc.label
                pairs.add((name, oc.id))
    print(f"SKO ids: {sum(uses.values())} uses, {len(uses)} distinct, in {len(pairs)} (report, id) pairs")
    for sko, n in sorted(uses.items(), key=lambda x: (-x[1], x[0])):
        print(f"  {n:3d}  {sko:34s} {labels[sko]}")
    problems: list[str] = []
    if args.pyphetools:
        problems = pyphetools_problems(packets)
        print(f"pyphetools {version('pyphetools')} ContentValidator(min_hpo=0, minimum_disease_count=1): "
              f"{len(problems)} problem(s) in {len(packets)} packets")
        for p in problems:
            print(f"  {p}")
    return 1 if broken or problems else 0


if __name__ == "__main__":
    sys.exit(main())
