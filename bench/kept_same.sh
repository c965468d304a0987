#!/bin/bash
# Two codes' kept results and answers, byte for byte, on one report folder: each code gets its own
# copy (no store, no caches), then runs every named query in every format (the first one builds the
# store and the kept rows), the parameterised query, `validate` and `validate --jobs 2`; the
# kept results (KG/.sarcokg/rows: rows/*.tsv and their renderings) and every output (stdout, exit
# code) are compared. Then the same few report files are changed, added and removed in both
# copies (the catch-up path), then a few changed and removed only (the results patched), and
# everything is run and compared again each time.
#
#   bash bench/kept_same.sh CORPUS OLD-CLI NEW-CLI
#       e.g. bash bench/kept_same.sh /tmp/s10k/graph "env PYTHONPATH=/tmp/old/src .venv/bin/python -m sarcokg.cli" \
#            .venv/bin/sarcokg > bench/results/kept-same-DATE.md
# Exit 0 when everything is the same, 1 when something differs.
set -u
corpus=$1; old=$2; new=$3
W=$(mktemp -d); status=0
echo "# kept-same, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(git -C "$(dirname "$0")" rev-parse --short HEAD)"
echo; echo "- corpus: $corpus ($(ls "$corpus" | grep -c '\.ttl$') report files)"
echo "- old: \`$old\`"; echo "- new: \`$new\`"; echo; echo '```'
names=$($new query --list 2>/dev/null | awk '{print $1}')
run_all() {   # run_all SIDE PHASE: every command, outputs to $W/SIDE-PHASE
    local cli=${!1} kg=$W/kg-$1 out=$W/$1-$2 n fmt
    mkdir -p "$out"
    for n in case-summary $names; do
        for fmt in json csv tsv table; do
            $cli query "$n" --kg "$kg" --format $fmt > "$out/$n.$fmt" 2> /dev/null; echo "exit $?" >> "$out/$n.$fmt"
        done
    done
    $cli query cases-by-vertebral-level --kg "$kg" --param within=sko:LumbarSpine --format json \
        > "$out/lumbar.json" 2> /dev/null; echo "exit $?" >> "$out/lumbar.json"
    $cli query vertebral-range --kg "$kg" --param from=sko:T11 --param to=sko:L2 --format csv \
        > "$out/range.csv" 2> /dev/null; echo "exit $?" >> "$out/range.csv"
    $cli validate --kg "$kg" > "$out/validate.txt" 2> /dev/null; echo "exit $?" >> "$out/validate.txt"
    $cli validate --kg "$kg" --jobs 2 > "$out/validate-j2.txt" 2> /dev/null; echo "exit $?" >> "$out/validate-j2.txt"
    cp -r "$kg/.sarcokg/rows" "$out/rows"
}
compare() {   # compare PHASE
    local a=$W/old-$1 b=$W/new-$1 f
    for f in $(cd "$b" && find . -type f | sort); do
        if cmp -s "$a/$f" "$b/$f"; then :; else echo "$1: DIFFERENT $f"; status=1; fi
    done
    [ "$(cd "$a" && find . -type f | sort)" = "$(cd "$b" && find . -type f | sort)" ] \
        || { echo "$1: the two codes keep different files"; status=1; }
    echo "$1: $(cd "$b" && find . -type f | wc -l) files compared ($(cd "$b" && find rows -type f | wc -l) kept results and renderings), $(du -sb "$b" | cut -f1) bytes"
}
for side in old new; do cp -a "$corpus" "$W/kg-$side"; rm -rf "$W/kg-$side/.sarcokg"; done
for side in old new; do run_all $side fresh; done
compare fresh
for side in old new; do   # the same changes in both copies: 3 changed, 2 added (new ids), 2 removed
    python3 - "$W/kg-$side" <<'EOF'
import re, sys
from pathlib import Path
kg = Path(sys.argv[1])
files = sorted(kg.glob("*.ttl"))
for f in files[10:13]:
    f.write_text(f.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
for i, f in enumerate(files[20:22]):
    new = f"aaa-added-{i}"
    (kg / f"{new}.ttl").write_text(f.read_text().replace(f"/report/{f.stem}/", f"/report/{new}/")
                                   .replace(f'sko:reportId "{f.stem}"', f'sko:reportId "{new}"'))
for f in files[30:32]:
    f.unlink()
EOF
done
for side in old new; do run_all $side changed; done
compare changed
for side in old new; do   # then 2 changed and 1 removed only: the kept results are patched, not assembled again
    python3 - "$W/kg-$side" <<'EOF'
import sys
from pathlib import Path
files = sorted(Path(sys.argv[1]).glob("*.ttl"))
for f in files[40:42]:
    f.write_text(f.read_text().replace("sko:ageYears ", "sko:ageYears 2", 1))
files[50].unlink()
EOF
done
for side in old new; do run_all $side edited; done
compare edited
echo '```'
[ $status = 0 ] && echo "Everything the same." || echo "Something DIFFERS."
rm -rf "$W"
exit $status
