#!/bin/bash
# Kept reads side by side: a folder whose store and kept rows are built once (by the first CLI),
# copied for each code (cp -a keeps the files' mtimes), then the parameterised query and a kept
# case-summary, each in a fresh process, the codes alternated per round; every output compared.
#
#   python bench/synth.py 100000 /tmp/s100k
#   bash bench/kept_reads.sh ROUNDS CORPUS LABEL1 CLI1 LABEL2 CLI2 > bench/results/kept-reads-DATE.md
#
# A CLI of another checkout: a two-line script `PYTHONPATH=THAT/src exec .venv/bin/sarcokg "$@"`
# (check that it imports that checkout's code: python -c 'import sarcokg; print(sarcokg.__file__)').
set -u
rounds=$1; corpus=$2; shift 2
args=("$@")
W=$(mktemp -d)
echo "# kept reads, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(git -C "$(dirname "$0")" rev-parse --short HEAD)"
echo; echo '```'
cp -a "$corpus/graph" "$W/base"
/usr/bin/time -f "build (${args[0]}): %e s wall, %U user, %S sys" ${args[1]} query case-summary --kg "$W/base" \
    --format json 2>&1 > /dev/null | grep -v computing
for ((i = 0; i < ${#args[@]}; i += 2)); do
  cp -a "$W/base" "$W/${args[i]}"
  ${args[i+1]} query case-summary --kg "$W/${args[i]}" --format json > /dev/null   # settle (a new mark is recorded)
done
for r in $(seq "$rounds"); do
  for ((i = 0; i < ${#args[@]}; i += 2)); do
    label=${args[i]}; cli=${args[i+1]}
    /usr/bin/time -f "$label lumbar round $r: %e s wall, %U user, %S sys (load $(cut -d' ' -f1 /proc/loadavg))" \
        $cli query cases-by-vertebral-level --kg "$W/$label" --param within=sko:LumbarSpine --format json \
        2>&1 > "$W/$label.lumbar.json"
    /usr/bin/time -f "$label case-summary round $r: %e s wall, %U user, %S sys (load $(cut -d' ' -f1 /proc/loadavg))" \
        $cli query case-summary --kg "$W/$label" --format json 2>&1 > "$W/$label.summary.json"
  done
done
for out in lumbar summary; do
  cmp "$W/${args[0]}.$out.json" "$W/${args[2]}.$out.json" && echo "$out: the same bytes"
done
echo '```'
rm -rf "$W"
