#!/bin/bash
# A named query after one report file is added, edited or removed, at 100,000 reports: the
# kept results catch up on the change (patched or assembled again), each command in a fresh
# process as a user runs it. Run two codes' CLIs alternately and quote both.
#
#   python bench/synth.py 100000 /tmp/s100k          # once
#   bash bench/after_change_100k.sh LABEL CLI [CORPUS]
set -u
label=$1; cli=$2; corpus=${3:-/tmp/s100k}; W=$(mktemp -d)/kg
cp -r "$corpus/graph" "$W"
echo "$label load $(cut -d' ' -f1-3 /proc/loadavg)"
"$cli" query case-summary --kg "$W" --format json > /dev/null 2>&1   # the store and the kept results
timed() { /usr/bin/time -f "$label $1 %e s wall, %U user" "$cli" query case-summary --kg "$W" --format json > /dev/null; }
timed "case-summary, nothing changed"
for i in 1 2; do
    python3 - "$W" "$i" <<'EOF'
import sys
from pathlib import Path
kg, i = Path(sys.argv[1]), sys.argv[2]
f = sorted(kg.glob("*.ttl"))[100 + int(i)]
new = f"zzz-added-{i}"
(kg / f"{new}.ttl").write_text(f.read_text().replace(f"/report/{f.stem}/", f"/report/{new}/")
                               .replace(f'sko:reportId "{f.stem}"', f'sko:reportId "{new}"'))
EOF
    timed "case-summary after one report added ($i)"
done
for i in 1 2; do
    python3 - "$W" "$i" <<'EOF'
import sys
from pathlib import Path
f = sorted(Path(sys.argv[1]).glob("*.ttl"))[500 + int(sys.argv[2])]
f.write_text(f.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
EOF
    timed "case-summary after one report edited ($i)"
done
python3 -c "import sys; from pathlib import Path; sorted(Path(sys.argv[1]).glob('*.ttl'))[900].unlink()" "$W"
timed "case-summary after one report removed"
echo "$label load $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$(dirname "$W")"
