#!/usr/bin/env bash
# Side-by-side benchmark of `flit install --deps none` of the synthetic big
# project (../shared/tools/mkbigpkg.py DIR 5000 16) into a fresh venv:
#   goflit:  flit install --deps none --python VENV     (native wheel install)
#   flit:    /usr/bin/python3 -m flit install --deps none --python VENV/bin/python
#            (Debian's flit 3.8: pip builds the wheel with flit_core and installs it)
# Both do the same work: build the wheel, install it, byte-compile the .py files.
# Each run gets a fresh venv. Figures go to bench/RESULTS-install.md.
# Environment: RUNS (default 3), NFILES (5000), KB (16).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS="${RUNS:-3}"; NFILES="${NFILES:-5000}"; KB="${KB:-16}"
PY=/usr/bin/python3
MKBIG="${MKBIG:-$ROOT/../shared/tools/mkbigpkg.py}"
WORK=$(mktemp -d /tmp/goflit-bench-install.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

go build -o "$WORK/flit" ./cmd/flit
$PY "$MKBIG" "$WORK/bigpkg" "$NFILES" "$KB" >/dev/null
export FLIT_ROOT_INSTALL=1 PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# pip's build isolation would download flit_core; PyPI is unreachable, so
# pip builds with the flit_core the venv sees (Debian's, via system
# site-packages). (pip reads this variable inverted: 0 = no isolation.)
export PIP_NO_BUILD_ISOLATION=0

now() { $PY -c 'import time; print(time.time())'; }
elapsed() { $PY -c "print(f'{$2 - $1:.2f}')"; }

declare -a GO PYF CP
run_go() {
  (cd "$WORK/bigpkg" && "$WORK/flit" install --deps none --python "$1" >/dev/null 2>"$WORK/go.err") ||
    { cat "$WORK/go.err"; exit 1; }
}
run_py() {
  (cd "$WORK/bigpkg" && $PY -m flit install --deps none --python "$1/bin/python" >/dev/null 2>"$WORK/py.err") ||
    { cat "$WORK/py.err"; exit 1; }
}
# One warm-up install each, not counted (page cache, interpreter caches).
$PY -m venv --without-pip --system-site-packages "$WORK/w-go"
$PY -m venv --without-pip --system-site-packages "$WORK/w-py"
run_go "$WORK/w-go"; run_py "$WORK/w-py"

for i in $(seq "$RUNS"); do
  # Fresh venvs under new names (nothing is deleted until the end: on ext4
  # without a journal, creating files right after deleting many is slower,
  # which would penalise whichever side runs first). Both venvs see Debian's
  # site-packages (flit_core and pip for the Python side; goflit needs
  # neither). The order alternates between runs.
  vgo="$WORK/v-go-$i"; vpy="$WORK/v-py-$i"
  $PY -m venv --without-pip --system-site-packages "$vgo"
  $PY -m venv --without-pip --system-site-packages "$vpy"
  if [ $((i % 2)) = 1 ]; then
    t0=$(now); run_go "$vgo"; t1=$(now); run_py "$vpy"; t2=$(now)
    GO+=("$(elapsed "$t0" "$t1")"); PYF+=("$(elapsed "$t1" "$t2")")
  else
    t0=$(now); run_py "$vpy"; t1=$(now); run_go "$vgo"; t2=$(now)
    PYF+=("$(elapsed "$t0" "$t1")"); GO+=("$(elapsed "$t1" "$t2")")
  fi
  # The floor: copying the package's files with cp -r (no build, no
  # bytecode) on the same file system.
  t0=$(now); cp -r "$WORK/bigpkg/bigpkg" "$WORK/cp-$i"; t1=$(now)
  CP+=("$(elapsed "$t0" "$t1")")
  echo "run $i: goflit ${GO[-1]} s, flit ${PYF[-1]} s, cp -r ${CP[-1]} s"

  # Same result: the same files under site-packages (bytecode aside).
  site_go=$(ls -d "$vgo"/lib/python3*/site-packages)
  site_py=$(ls -d "$vpy"/lib/python3*/site-packages)
  ngo=$(cd "$site_go" && find bigpkg -name '*.py' -o -name '*.bin' | wc -l)
  npy=$(cd "$site_py" && find bigpkg -name '*.py' -o -name '*.bin' | wc -l)
  [ "$ngo" = "$npy" ] || { echo "different installs: goflit $ngo files, flit $npy files"; exit 1; }
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mg=$(median "${GO[@]}"); mp=$(median "${PYF[@]}"); mc=$(median "${CP[@]}")
ratio=$($PY -c "print(f'{$mp / $mg:.1f}')")
echo "median: goflit $mg s, flit $mp s, ${ratio}x (cp -r of the files: $mc s)"

{
  echo "# flit install benchmark"
  echo
  echo "\`bench/install.sh\`: \`flit install --deps none\` of the synthetic big project"
  echo "(\`mkbigpkg.py DIR $NFILES $KB\`: $NFILES files of $KB KB, 4/5 of them .py) into a fresh venv,"
  echo "goflit against Debian's flit $($PY -c 'import flit; print(flit.__version__)') (\`python3 -m flit install --deps none --python VENV/bin/python\`,"
  echo "which has pip $($PY -c 'import pip; print(pip.__version__)') build the wheel with flit_core and install it). Both build, install and"
  echo "byte-compile; one warm-up run each, then $RUNS runs each, in alternating order, on $(nproc) CPUs ($(uname -m)), $(date -u +%Y-%m-%d)."
  echo
  echo "| run | goflit (s) | flit + pip (s) | cp -r of the package (s) |"
  echo "|---|---|---|---|"
  for i in $(seq "$RUNS"); do echo "| $i | ${GO[$((i-1))]} | ${PYF[$((i-1))]} | ${CP[$((i-1))]} |"; done
  echo "| **median** | **$mg** | **$mp** | $mc |"
  echo
  echo "goflit is **${ratio}x** faster (load average during the run: $(cut -d' ' -f1-3 /proc/loadavg))."
  cat <<'TXT'

Where the time goes. goflit builds the wheel's member list straight from the
project (no zip round trip), reads each project file once (hashed while it is
copied into a staging directory inside the target, several workers, no fsync
per file), byte-compiles the sources in two interpreter processes while they
are staged (Go sends the sources and writes the .pyc files), then moves whole
fresh directories into place with one rename each. Debian's flit has pip
build a wheel with flit_core (zlib level 6 in Python), then unpack, hash,
write and byte-compile it in Python.

On 2 CPUs goflit is CPU-bound. Measured with /usr/bin/time on the same
project: about 0.7-0.9 s of kernel time creating the ~6,000 files and
directories (the work `cp -r` also does: its time is the floor), about
0.65 s user + 0.25 s system in the target interpreter's compile() (two
processes; the synthetic sources are not valid Python, and CPython parses a
failing file twice to find the best error message), and about 0.25 s of
goflit's own user-space work (hashing, copying). Earlier versions hashed every
project file twice (once for the in-memory wheel's RECORD, once while
staging) and regrew the read buffer of every source; without those, goflit's
user CPU for the whole install fell from ~1.1 s to ~0.9 s. The ratio depends
on the machine's load and file system state (see below).
TXT
} > bench/RESULTS-install.md
