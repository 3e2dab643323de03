#!/bin/sh
# Every benchmark at every size, one report: `sh benches/all.sh`.
#
# SIZES (default "65000 400000"; add 4000000 for the city) sets the demo
# sizes for the scale and console benches; IMPORT_ROWS (default 400000) the
# rows of the import bench. The report is printed and written to
# target/bench-all.md; each bench also keeps its own table in target/.
set -eu
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"65000 400000"}
IMPORT_ROWS=${IMPORT_ROWS:-400000}
out=target/bench-all.md
mkdir -p target
{
    echo "# zhengjiao benchmarks, $(date -u +%Y-%m-%d)"
    echo
    echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load before: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
} >"$out"

sizes=$(echo "$SIZES" | tr ' ' ',')
echo "== demo, find, report: $sizes" >&2
ZHENGJIAO_BENCH_SIZES=$sizes cargo bench --bench scale >/dev/null
{ echo "## Demo build, find, report progress"; echo; sed 1,2d target/bench-results.md; echo; } >>"$out"

for n in $SIZES; do
    echo "== console: $n" >&2
    ZHENGJIAO_BENCH_RESIDENTS=$n cargo bench --bench console >/dev/null
    { echo "## Console, $n residents"; echo; cat target/console-bench.md; echo; } >>"$out"
done

for n in $IMPORT_ROWS; do
    echo "== import: $n rows" >&2
    ZHENGJIAO_BENCH_ROWS=$n cargo bench --bench import >/dev/null
    { echo "## Import, $n rows"; echo; cat target/bench-import.md; echo; } >>"$out"
done
cat "$out"
