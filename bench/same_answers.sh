#!/bin/bash
# Two codes' answers to one named query, byte for byte, on fresh copies of report folders:
# through the kept per-report results (the named query: its first run on a fresh folder, then
# read again) and on the store (the same text without its `# sarcokg:per-report` line, run as a
# FILE.rq), in json, csv, tsv and table form. Each code runs on its own copy of each folder.
#
#   bash bench/same_answers.sh NAME OLD-CLI NEW-CLI FOLDER...
#       e.g. bash bench/same_answers.sh case-summary /tmp/old/.venv/bin/sarcokg .venv/bin/sarcokg graph /tmp/s2k/graph
# OLD-CLI and NEW-CLI may be commands with a PYTHONPATH, as "env PYTHONPATH=/tmp/old/src python -m sarcokg.cli".
# Exit 0 when every output is the same, 1 when one differs.
set -u
name=$1; old=$2; new=$3; shift 3
W=$(mktemp -d); status=0
for folder in "$@"; do
    tag=$(echo "$folder" | tr '/' '_')
    for side in old new; do
        cli=${!side}; kg=$W/$side-$tag; out=$W/out-$side-$tag
        mkdir -p "$out"; cp -r "$folder" "$kg"; rm -rf "$kg/.sarcokg"
        q=$($cli query --list 2>/dev/null | awk -v n="$name" '$1 == n' | head -1)
        [ -n "$q" ] || { echo "$side: no named query $name"; exit 2; }
        for fmt in json csv tsv table; do   # the first one is the first run (store build + kept rows)
            $cli query "$name" --kg "$kg" --format $fmt > "$out/kept.$fmt" 2> "$out/kept.$fmt.err"
        done
        $cli query "$name" --kg "$kg" --format json > "$out/kept-again.json" 2> /dev/null
        python3 - "$kg" "$name" "$out/store.rq" "$cli" <<'EOF'
import subprocess, sys
kg, name, dest, cli = sys.argv[1:]
# the query's own text, as the CLI ships it, without the per-report mark: the store answers it
code = ("import sys, sarcokg; from sarcokg.query.named import named_queries; "
        "print(sarcokg.__file__, file=sys.stderr); "
        "sys.stdout.write(named_queries()[sys.argv[1]].read_text(encoding='utf-8'))")
py = cli.split()
py = py[:-2] if py[-2:] == ["-m", "sarcokg.cli"] else [str(__import__("pathlib").Path(py[-1]).parent / "python")]
got = subprocess.run([*py, "-c", code, name], capture_output=True, text=True, check=True)
text = got.stdout
print(f"{kg}: the query as {got.stderr.strip()} ships it", file=sys.stderr)
open(dest, "w", encoding="utf-8").write("".join(l for l in text.splitlines(True) if "sarcokg:per-report" not in l))
EOF
        for fmt in json csv tsv table; do
            $cli query "$out/store.rq" --kg "$kg" --format $fmt > "$out/store.$fmt" 2> "$out/store.$fmt.err"
        done
    done
    cmp -s "$W/out-old-$tag/store.rq" "$W/out-new-$tag/store.rq" && echo "$folder: the two codes' query texts are the same"
    for f in kept.json kept.csv kept.tsv kept.table kept-again.json store.json store.csv store.tsv store.table; do
        a=$W/out-old-$tag/$f; b=$W/out-new-$tag/$f
        if cmp -s "$a" "$b" && [ -s "$a" ]; then r="same"; else r="DIFFERENT"; status=1; fi
        printf '%-40s %-16s %-10s %s\n' "$folder" "$f" "$r" "$(wc -c < "$b") bytes, $(($(wc -l < "$b") - 1)) lines"
    done
    for fmt in json csv tsv table; do   # the kept result is the store's answer, in the new code
        cmp -s "$W/out-new-$tag/kept.$fmt" "$W/out-new-$tag/store.$fmt" || { echo "$folder new kept.$fmt differs from store.$fmt"; status=1; }
    done
done
rm -rf "$W"
exit $status
