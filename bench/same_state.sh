#!/bin/bash
# The named query after one report file is added, edited or removed, two codes alternated on fresh copies
# of one built folder (files, store and kept results as one code left them). Both codes run from one path,
# a symlink flipped to each code's tree before its run, so that the ontology's path in the folder's clean
# mark is the same for both (bench/added_same_state.sh runs two paths: the second code records the
# ontology again, 0.3 s). Wall, user and system time, the load, and whether both print the same bytes.
#
#   bash bench/same_state.sh STATE ROUNDS KIND OLD-TREE NEW-TREE [PYTHON]
#       STATE: a built folder (a copy of /tmp/s100k/graph after one query); KIND: add | edit | remove;
#       OLD-TREE / NEW-TREE: source trees (git archive of each code; each tree's src/ is put on PYTHONPATH)
#       ORDER="new old" runs the new code first in each round (the second run of a round is often slower).
set -u
state=$1; rounds=$2; kind=$3; old=$4; new=$5; py=${6:-python3}
W=$(mktemp -d); cur=$W/cur
for r in $(seq "$rounds"); do
  for side in ${ORDER:-old new}; do
    rm -rf "$W/kg"; cp -a "$state" "$W/kg"; sync
    "$py" - "$W/kg" "$kind" <<'PY'
import re
import sys
from pathlib import Path
kg, kind = Path(sys.argv[1]), sys.argv[2]
f = sorted(kg.glob("*.ttl"))[101]
if kind == "add":
    new = "zzz-added-1"
    (kg / f"{new}.ttl").write_text(f.read_text().replace(f"/report/{f.stem}/", f"/report/{new}/")
                                   .replace(f'sko:reportId "{f.stem}"', f'sko:reportId "{new}"'))
elif kind == "edit":   # the patient one year older
    f.write_text(re.sub(r"sko:ageYears (\d+) ;", lambda m: f"sko:ageYears {int(m.group(1)) + 1} ;", f.read_text(), 1))
else:
    f.unlink()
PY
    tree=$old; [ "$side" = new ] && tree=$new
    ln -sfn "$tree" "$cur"
    load=$(cut -d' ' -f1 /proc/loadavg)
    PYTHONPATH=$cur/src /usr/bin/time -f "$kind $side round $r load $load: %e s wall, %U user, %S sys" \
        "$py" -m sarcokg.cli query case-summary --kg "$W/kg" --format json > "$W/out-$side.json" 2> "$W/err" \
        || cat "$W/err"
    tail -1 "$W/err"
  done
  cmp -s "$W/out-old.json" "$W/out-new.json" && echo "$kind round $r: the same bytes" || echo "$kind round $r: DIFFERENT output"
done
rm -rf "$W"
