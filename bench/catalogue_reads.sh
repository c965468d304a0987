#!/bin/bash
# Reads of a built folder, two codes side by side: a clean read, a read after one report file is
# touched (a new mtime, the same content) and a read after one is edited (an age changed), each
# the parameterised cases-by-vertebral-level query in a fresh process. Unlike kept_reads.sh, each
# code builds its own folder (codes of different store formats cannot share one), from copies of
# the corpus with the same mtimes (cp -a); the codes alternate per run, and every output is compared.
#
#   bash bench/catalogue_reads.sh ROUNDS CORPUS-GRAPH LABEL1 CLI1 LABEL2 CLI2 > bench/results/catalogue-reads-DATE.md
set -u
rounds=$1; corpus=$2; shift 2
labels=("$1" "$3"); clis=("$2" "$4")
W=$(mktemp -d)
echo "# catalogue reads, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(git -C "$(dirname "$0")" rev-parse --short HEAD)"
echo; echo "corpus: $corpus ($(ls "$corpus" | grep -c '\.ttl$') report files)"
for i in 0 1; do echo "- ${labels[$i]}: \`${clis[$i]}\`"; done
echo; echo '```'
ask() {   # label cli kind round
  /usr/bin/time -f "$1 $3 round $4: %e s wall, %U user, %S sys (load $(cut -d' ' -f1 /proc/loadavg))" \
    $2 query cases-by-vertebral-level --kg "$W/$1" --param within=sko:LumbarSpine --format json \
    2>&1 > "$W/$1.$3.$4.json" | grep -v '^sarcokg:'
}
for i in 0 1; do
  cp -a "$corpus" "$W/${labels[$i]}"; rm -rf "$W/${labels[$i]}/.sarcokg"; sync
  /usr/bin/time -f "build (${labels[$i]}): %e s wall, %U user, %S sys (load $(cut -d' ' -f1 /proc/loadavg))" \
    ${clis[$i]} query case-summary --kg "$W/${labels[$i]}" --format json 2>&1 > /dev/null | grep -v computing
  ${clis[$i]} query cases-by-vertebral-level --kg "$W/${labels[$i]}" --param within=sko:LumbarSpine \
    --format json > /dev/null   # settle (a first read after the build)
done
files=($(ls "$corpus" | grep '\.ttl$'))
for r in $(seq "$rounds"); do
  for i in 0 1; do ask "${labels[$i]}" "${clis[$i]}" clean "$r"; done
  touched=${files[$((r * 7919 % ${#files[@]}))]}
  for i in 0 1; do touch "$W/${labels[$i]}/$touched"; ask "${labels[$i]}" "${clis[$i]}" touched "$r"; done
  edited=${files[$((r * 104729 % ${#files[@]}))]}
  for i in 0 1; do
    sed -i -E "s/sko:ageYears ([0-9]+) ;/sko:ageYears 1\1 ;/" "$W/${labels[$i]}/$edited"
    ask "${labels[$i]}" "${clis[$i]}" edited "$r"
  done
done
same=0; differ=0
for f in "$W/${labels[0]}".*.json; do
  if cmp -s "$f" "$W/${labels[1]}${f#"$W/${labels[0]}"}"; then same=$((same + 1)); else differ=$((differ + 1)); fi
done
echo "outputs: $same the same bytes, $differ different"
echo '```'
rm -rf "$W"
