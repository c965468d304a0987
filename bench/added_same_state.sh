#!/bin/bash
# The named query after one report file is added, two codes alternated, each on a fresh copy of the
# same built folder (the files, the store and the kept results as one code left them), so that only
# the code differs; wall, user and system time and the load at each run, and whether both print the
# same bytes. Writes bench/results/added-same-state-<UTC time>.md.
#
#   bash bench/added_same_state.sh KG ROUNDS OLD-CLI NEW-CLI
#       KG: a folder whose store and kept rows are built (e.g. a copy of /tmp/s100k/graph after one query);
#       OLD-CLI, NEW-CLI: one word each (a wrapper script), as /usr/bin/time runs them
set -u
state=$1; rounds=$2; cli_old=$3; cli_new=$4
here=$(cd "$(dirname "$0")" && pwd); W=$(mktemp -d)
out=$here/results/added-same-state-$(date -u +%Y%m%d-%H%M).md
{
echo "# added-same-state, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, $(git -C "$here" rev-parse --short HEAD)"
echo; echo "- state: $state; old: \`$cli_old\`; new: \`$cli_new\`"; echo; echo '```'
for r in $(seq $rounds); do
  for side in old new; do
    rm -rf "$W/kg"; cp -a "$state" "$W/kg"; sync
    python3 - "$W/kg" <<'PY'
import sys
from pathlib import Path
kg = Path(sys.argv[1]); f = sorted(kg.glob("*.ttl"))[101]; new = "zzz-added-1"
(kg / f"{new}.ttl").write_text(f.read_text().replace(f"/report/{f.stem}/", f"/report/{new}/").replace(f'sko:reportId "{f.stem}"', f'sko:reportId "{new}"'))
PY
    load=$(cut -d' ' -f1 /proc/loadavg)
    cli=cli_$side
    /usr/bin/time -f "$side round $r load $load: %e s wall, %U user, %S sys" ${!cli} query case-summary --kg "$W/kg" \
        --format json > "$W/out-$side.json" 2> "$W/err" || cat "$W/err"
    tail -1 "$W/err"
  done
  cmp -s "$W/out-old.json" "$W/out-new.json" && echo "round $r: the same bytes" || echo "round $r: DIFFERENT output"
done
echo '```'
} | tee "$out"
rm -rf "$W"
echo "results written to $out" >&2
