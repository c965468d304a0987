#!/bin/bash
# The first named query on a fresh folder (the store build and every named query's kept rows),
# two codes alternated, each run on a fresh copy of the corpus; wall, user and system time
# (the command and its worker processes) and the load at each start. Also checks that both codes
# print the same bytes. Writes its output to bench/results/first-query-<UTC time>.md.
#
#   bash bench/first_query.sh ROUNDS CORPUS OLD-LABEL OLD-CLI NEW-LABEL NEW-CLI [QUERY] [FORMAT]
#       e.g. bash bench/first_query.sh 3 /tmp/s10k/graph old "env PYTHONPATH=/tmp/old/src .venv/bin/python -m sarcokg.cli" new .venv/bin/sarcokg
set -u
rounds=$1; corpus=$2; shift 2
labels=("$1" "$3"); clis=("$2" "$4"); query=${5:-case-summary}; fmt=${6:-tsv}
here=$(cd "$(dirname "$0")" && pwd); start=$(date -u +%Y%m%d-%H%M)
out=$here/results/first-query-$start.md; W=$(mktemp -d)
{
    echo "# first-query, $(date -u '+%Y-%m-%d %H:%M') UTC"
    echo
    echo "- commit: $(git -C "$here" rev-parse --short HEAD)"
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "- corpus: $corpus ($(ls "$corpus" | grep -c '\.ttl$') report files); query: $query --format $fmt"
    for i in 0 1; do echo "- ${labels[$i]}: \`${clis[$i]}\` ($(${clis[$i]} --version 2>&1 | head -1))"; done
    echo
    echo '```'
    for r in $(seq "$rounds"); do
        for i in 0 1; do
            kg=$W/kg; rm -rf "$kg"; cp -r "$corpus" "$kg"; rm -rf "$kg/.sarcokg"; sync
            load=$(cut -d' ' -f1 /proc/loadavg)
            /usr/bin/time -o "$W/t" -f "%e %U %S" ${clis[$i]} query "$query" --kg "$kg" --format "$fmt" > "$W/out-$i" 2> /dev/null
            read -r wall user sys < "$W/t"
            printf '%-8s round %d  load %5s  wall %7.1f s  user %7.1f s  sys %6.1f s  user+sys %7.1f s\n' \
                "${labels[$i]}" "$r" "$load" "$wall" "$user" "$sys" "$(echo "$user + $sys" | bc)"
        done
        cmp -s "$W/out-0" "$W/out-1" && echo "round $r: the same $(wc -c < "$W/out-1") bytes" || echo "round $r: DIFFERENT output"
    done
    echo '```'
} | tee "$out"
rm -rf "$W"
echo "results written to $out" >&2
