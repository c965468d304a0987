#!/bin/sh
# Rebuild the bundled graph (graph/*.ttl) from the seed texts and the curation
# records in graph/curation/, as tests/test_ingest.py checks it: ingest into a
# temporary folder, then copy the report graphs over (graph/ gets no store and
# no sources.tsv, which name this machine's paths).
#   sh scripts/rebuild_graph.sh [SEEDS_DIR]   (default ../shared/corpus/seeds)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=${1:-$root/../shared/corpus/seeds}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -R "$root/graph/curation" "$tmp/curation"
sarcokg ingest --quiet --kg "$tmp" "$seeds"/*.txt
for f in "$root"/graph/*.ttl; do
    cp "$tmp/$(basename "$f")" "$f"
done
echo "rebuilt $(ls "$root"/graph/*.ttl | wc -l) report graphs in graph/"
