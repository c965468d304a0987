#!/bin/bash
# The parameterised query on a built folder (cases-by-vertebral-level --param within=..., answered from
# the kept rows), two codes alternated, each run a fresh process; wall, user and system time and the
# load at each run; checks that both print the same bytes. Writes bench/results/param-query-<UTC time>.md.
#
#   bash bench/param_query.sh ROUNDS KG OLD-LABEL OLD-CLI NEW-LABEL NEW-CLI [WITHIN]
#       KG: a folder whose store and kept rows are built (run a query on it once first; the two
#       codes must keep the same state). Each timed run follows an untimed one of the same code.
set -u
rounds=$1; kg=$2; shift 2
labels=("$1" "$3"); clis=("$2" "$4"); within=${5:-sko:LumbarSpine}
here=$(cd "$(dirname "$0")" && pwd); start=$(date -u +%Y%m%d-%H%M)
out=$here/results/param-query-$start.md; W=$(mktemp -d)
{
    echo "# param-query, $(date -u '+%Y-%m-%d %H:%M') UTC"
    echo
    echo "- commit: $(git -C "$here" rev-parse --short HEAD)"
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "- folder: $kg ($(ls "$kg" | grep -c '\.ttl$') report files); within=$within"
    for i in 0 1; do echo "- ${labels[$i]}: \`${clis[$i]}\`"; done
    echo
    echo '```'
    for i in 0 1; do ${clis[$i]} query cases-by-vertebral-level --kg "$kg" --param "within=$within" --format json > "$W/out-$i"; done
    cmp -s "$W/out-0" "$W/out-1" && echo "the same $(wc -c < "$W/out-1") bytes" || echo "DIFFERENT output"
    for r in $(seq "$rounds"); do
        for i in 0 1; do
            # untimed first: the folder's clean mark holds the ontology's path, which differs between
            # two checkouts, so the first run after the other code's records the ontology again
            ${clis[$i]} query cases-by-vertebral-level --kg "$kg" --param "within=$within" --format json > /dev/null
            load=$(cut -d' ' -f1 /proc/loadavg)
            /usr/bin/time -o "$W/t" -f "%e %U %S" ${clis[$i]} query cases-by-vertebral-level --kg "$kg" \
                --param "within=$within" --format json > /dev/null
            read -r wall user sys < "$W/t"
            printf '%-8s round %2d  load %5s  wall %5.2f s  user %5.2f s  sys %5.2f s\n' "${labels[$i]}" "$r" "$load" "$wall" "$user" "$sys"
        done
    done
    echo '```'
} | tee "$out"
rm -rf "$W"
echo "results written to $out" >&2
