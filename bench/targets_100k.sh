#!/bin/bash
# The issue-#14 targets at 100,000 reports, each command in a fresh process as a user runs it:
# the first query after a fresh folder (store build + the named queries' kept rows), the parameterised
# query, and a cold `validate --jobs 2`.
#
#   python bench/synth.py 100000 /tmp/s100k       # once (about 30 s)
#   bash bench/targets_100k.sh LABEL CLI [CORPUS]  # CLI: e.g. .venv/bin/sarcokg; alternate two codes' CLIs
set -u
label=$1; cli=$2; corpus=${3:-/tmp/s100k}; W=$(mktemp -d)/kg
cp -r "$corpus/graph" "$W"
echo "$label load $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "$label first case-summary (store build + kept rows) %e s wall, %U user, %M KB" \
    "$cli" query case-summary --kg "$W" --format json > /dev/null
/usr/bin/time -f "$label case-summary again %e s" "$cli" query case-summary --kg "$W" --format json > /dev/null
for i in 1 2; do
    /usr/bin/time -f "$label cases-by-vertebral-level within LumbarSpine ($i) %e s" \
        "$cli" query cases-by-vertebral-level --kg "$W" --param within=sko:LumbarSpine --format json > /dev/null
done
rm -rf "$W"; cp -r "$corpus/graph" "$W"
/usr/bin/time -f "$label validate --jobs 2 cold %e s wall, %U user" "$cli" validate --kg "$W" --jobs 2 > /dev/null
echo "$label load $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$(dirname "$W")"
