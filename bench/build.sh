#!/usr/bin/env bash
# Side-by-side benchmark of `flit build`: goflit against Debian's Python flit
# (flit 3.8, /usr/bin/python3 -m flit), on
#   - the big synthetic project of ../shared/tools/mkbigpkg.py DIR 5000 16
#     (about 100 MB, 5,400 files), both formats, and
#   - a 20-file project (goflit only needs to stay under 20 ms).
# Each tool runs in turn, RUNS times (default 3), in the same fresh copy of
# the project; wall time, CPU time (user+sys) and peak RSS come from
# /usr/bin/time. Python flit runs with --no-setup-py and FLIT_NO_NETWORK=1 so
# that both do the same work (goflit never generates setup.py) without
# network access. Results go to stdout and, with -w, to bench/RESULTS.md.
#
# usage: bench/build.sh [-w]      environment: RUNS, SMALL_RUNS, KEEP=1
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
write=0
[ "${1:-}" = "-w" ] && write=1
RUNS=${RUNS:-3}
SMALL_RUNS=${SMALL_RUNS:-50}
PY=/usr/bin/python3
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }
$PY -c 'import flit' 2>/dev/null || { echo "needs Debian's flit (apt-get install flit)"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/goflit-bench-XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
go build -trimpath -o "$work/flit" ./cmd/flit
GOFLIT="$work/flit"

echo "== making the projects"
$PY "$root/../shared/tools/mkbigpkg.py" "$work/big" 5000 16
$PY "$root/../shared/tools/mkbigpkg.py" "$work/small" 5 2
nbig=$(find "$work/big" -type f | wc -l); sbig=$(du -sm "$work/big" | cut -f1)
nsmall=$(find "$work/small" -type f | wc -l)
echo "big: $nbig files, $sbig MB; small: $nsmall files"

# measure NAME DIR CMD...: one timed run; prints "wall cpu rss_kb"
measure() {
  local dir=$1; shift
  rm -rf "$dir/dist"
  ( cd "$dir" && FLIT_NO_NETWORK=1 /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" ) ||
    { cat "$work/err.txt"; exit 1; }
  awk '{printf "%.3f %.3f %d\n", $1, $2+$3, $4}' "$work/time.txt"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "== big project, $RUNS runs each, alternating"
: >"$work/go.txt"; : >"$work/py.txt"
for i in $(seq "$RUNS"); do
  r=$(measure "$work/big" "$GOFLIT" build); echo "goflit  run $i: wall ${r% * *} s"; echo "$r" >>"$work/go.txt"
  r=$(measure "$work/big" $PY -m flit build --no-setup-py); echo "pyflit  run $i: wall ${r% * *} s"; echo "$r" >>"$work/py.txt"
done
# The timed output must be right, not only fast: build once more with goflit
# and read every member of both artifacts back (CRC and deflate stream).
rm -rf "$work/big/dist"; (cd "$work/big" && "$GOFLIT" build >/dev/null 2>&1)
$PY - "$work/big/dist" <<'PYEOF' || { echo "goflit's artifacts do not read back"; exit 1; }
import glob, sys, tarfile, zipfile
whls, sdists = glob.glob(sys.argv[1] + "/*.whl"), glob.glob(sys.argv[1] + "/*.tar.gz")
if len(whls) != 1 or len(sdists) != 1:
    sys.exit("want one wheel and one sdist in %s, found %s" % (sys.argv[1], whls + sdists))
for w in whls:
    bad = zipfile.ZipFile(w).testzip()
    if bad:
        sys.exit("%s: member %s is corrupt" % (w, bad))
for s in sdists:
    with tarfile.open(s) as t:
        for m in t:
            if m.isfile():
                t.extractfile(m).read()
print("goflit's wheel and sdist read back completely")
PYEOF
gw=$(cut -d' ' -f1 "$work/go.txt" | median); gc=$(cut -d' ' -f2 "$work/go.txt" | median); gm=$(cut -d' ' -f3 "$work/go.txt" | sort -n | tail -1)
pw=$(cut -d' ' -f1 "$work/py.txt" | median); pc=$(cut -d' ' -f2 "$work/py.txt" | median); pm=$(cut -d' ' -f3 "$work/py.txt" | sort -n | tail -1)
ratio=$(awk -v a="$pw" -v b="$gw" 'BEGIN {printf "%.1f", a/b}')
cratio=$(awk -v a="$pc" -v b="$gc" 'BEGIN {printf "%.1f", a/b}')
wsize=$(stat -c %s "$work/big/dist/"*.whl); ssize=$(stat -c %s "$work/big/dist/"*.tar.gz)

echo "== small project, $SMALL_RUNS runs"
# Only the flit process is timed (bash's time, millisecond resolution);
# dist/ is removed between runs outside the timing.
: >"$work/small.txt"
TIMEFORMAT=%R
cd "$work/small"
for i in $(seq "$SMALL_RUNS"); do
  rm -rf dist
  { time "$GOFLIT" build >/dev/null; } 2>>"$work/small.txt"
done
cd "$root"
small_ms=$(median <"$work/small.txt" | awk '{printf "%.1f", $1 * 1000}')
small_min=$(sort -n "$work/small.txt" | head -1 | awk '{printf "%.1f", $1 * 1000}')
sr=$(measure "$work/small" "$GOFLIT" build)
small_rss=${sr##* }

load=$(cut -d' ' -f1-3 /proc/loadavg)
report=$(cat <<EOF
# flit build benchmark

Measured by \`bench/build.sh\` on $(date -u +%Y-%m-%d) ($(nproc) CPUs, $(awk '/MemTotal/ {printf "%d GB", $2/1048576}' /proc/meminfo) RAM,
load average at the end: $load; other jobs shared the machine, so wall times are noisy).
goflit $( "$GOFLIT" -V ) against Debian's flit $($PY -c 'import flit; print(flit.__version__)') (\`python3 -m flit build --no-setup-py\`), both formats,
$RUNS alternating runs each, medians.

| project | tool | wall | CPU (user+sys) | peak RSS |
|---|---|---|---|---|
| big ($nbig files, $sbig MB) | goflit | ${gw} s | ${gc} s | $((gm / 1024)) MB |
| big ($nbig files, $sbig MB) | Python flit | ${pw} s | ${pc} s | $((pm / 1024)) MB |
| small ($nsmall files) | goflit | ${small_ms} ms (median of $SMALL_RUNS; fastest ${small_min} ms) | | $((small_rss / 1024)) MB |

goflit is **${ratio}x** faster in wall time (${cratio}x less CPU time) on the big project
(target: at least 10x); the small project builds in ${small_ms} ms (target: under 20 ms).
Big project artifacts: wheel $((wsize / 1048576)) MB, sdist $((ssize / 1048576)) MB.

Why: entries are deflated in parallel on all cores (klauspost/compress), the
sdist's gzip stream is cut into 1 MiB blocks compressed in parallel, files are
streamed rather than read whole, and the sdist is unpacked for the wheel by
parallel writers (into RAM-backed /dev/shm when \$TMPDIR is unset).
EOF
)
echo
echo "$report"
if [ $write = 1 ]; then echo "$report" >bench/RESULTS.md; echo "(written to bench/RESULTS.md)"; fi
