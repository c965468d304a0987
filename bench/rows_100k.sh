#!/bin/bash
# The query-side #14 targets (first named query on a fresh folder, kept case-summary, the
# parameterised query), each command in a fresh process, for two codes alternated per round:
#
#   python bench/synth.py 100000 /tmp/s100k
#   bash bench/rows_100k.sh ROUNDS CORPUS LABEL1 CLI1 LABEL2 CLI2   # CLI: a command, e.g. .venv/bin/sarcokg
#
# A CLI of another checkout: a two-line script `PYTHONPATH=THAT/src exec .venv/bin/python -m sarcokg "$@"`.
set -u
rounds=$1; corpus=$2; shift 2
W=$(mktemp -d)
for r in $(seq "$rounds"); do
  args=("$@")
  for ((i = 0; i < ${#args[@]}; i += 2)); do
    label=${args[i]}; cli=${args[i+1]}
    rm -rf "$W/kg"; cp -r "$corpus/graph" "$W/kg"
    echo "$label round $r load $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/time -f "$label first case-summary (store build + kept rows) %e s wall, %U user, %S sys, %M KB" \
        $cli query case-summary --kg "$W/kg" --format json 2>&1 > /dev/null | grep -v computing
    for j in 1 2 3; do
      /usr/bin/time -f "$label case-summary again ($j) %e s wall, %U user, %S sys" \
          $cli query case-summary --kg "$W/kg" --format json > /dev/null
    done
    for j in 1 2 3; do
      /usr/bin/time -f "$label cases-by-vertebral-level within LumbarSpine ($j) %e s wall, %U user, %S sys" \
          $cli query cases-by-vertebral-level --kg "$W/kg" --param within=sko:LumbarSpine --format json > /dev/null
    done
    echo "$label round $r load after $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
rm -rf "$W"
