#!/usr/bin/env bash
# Side-by-side benchmark of the PEP 517 backends under the same frontend:
#   python3 -m build --no-isolation --wheel
# of the synthetic big project (../shared/tools/mkbigpkg.py DIR 5000 16) and
# of a small project, with
#   goflit:     build-backend = "goflit.buildapi" (goflit installed from its
#               own linux wheel into a venv with --system-site-packages)
#   flit_core:  build-backend = "flit_core.buildapi" (Debian's flit_core 3.8)
# Both run from the same venv, so the frontend (build, pip's packaging) is the
# same; only the backend differs. `flit build --format wheel` (the binary
# alone) is timed too, for reference. Then the shim's own cost: the import
# time of goflit.buildapi (python -X importtime) and a build_wheel hook call
# against running `goflit backend build_wheel` directly.
# Figures go to bench/RESULTS-backend.md.
# Environment: RUNS (default 5), NFILES (5000), KB (16), CALLS (20).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS="${RUNS:-5}"; NFILES="${NFILES:-5000}"; KB="${KB:-16}"; CALLS="${CALLS:-20}"
PY=/usr/bin/python3
MKBIG="${MKBIG:-$ROOT/../shared/tools/mkbigpkg.py}"
WORK=$(mktemp -d /tmp/goflit-bench-backend.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 SOURCE_DATE_EPOCH=1700000000 GOFLIT_BIN=

# goflit's own wheel for this machine, installed into a venv that also sees
# Debian's build and flit_core.
go build -o "$WORK/flit" ./cmd/flit
go run ./internal/selfdist/mkwheels -only host -out "$WORK/wheels" >/dev/null
$PY -m venv --without-pip --system-site-packages "$WORK/venv"
VPY="$WORK/venv/bin/python"
$PY -m pip --python "$VPY" install -q --no-deps "$WORK"/wheels/goflit-*.whl
GOFLIT="$WORK/venv/bin/goflit"

# The projects: each in a flit_core copy and a goflit copy (only
# build-backend differs).
$PY "$MKBIG" "$WORK/big-flit_core" "$NFILES" "$KB" >/dev/null
mkdir -p "$WORK/small-flit_core/smallpkg"
cat >"$WORK/small-flit_core/pyproject.toml" <<'EOF'
[build-system]
requires = ["flit_core >=3.2,<5"]
build-backend = "flit_core.buildapi"

[project]
name = "smallpkg"
dynamic = ["version", "description"]
readme = "README.md"
license = {file = "LICENSE"}
requires-python = ">=3.8"
dependencies = ["requests >=2.6"]

[project.scripts]
smallpkg = "smallpkg.cli:main"
EOF
printf '# smallpkg\n\nA small package.\n' >"$WORK/small-flit_core/README.md"
printf 'MIT License\n' >"$WORK/small-flit_core/LICENSE"
printf '"""A small package."""\n__version__ = "1.0.0"\n' >"$WORK/small-flit_core/smallpkg/__init__.py"
for m in cli core util; do
  printf 'def main():\n    return 0\n' >"$WORK/small-flit_core/smallpkg/$m.py"
done
for p in big small; do
  cp -r "$WORK/$p-flit_core" "$WORK/$p-goflit"
  sed -i 's/^requires = .*/requires = ["goflit"]/; s/^build-backend = .*/build-backend = "goflit.buildapi"/' \
    "$WORK/$p-goflit/pyproject.toml"
done

now() { $PY -c 'import time; print(time.time())'; }
elapsed() { $PY -c "print(f'{$2 - $1:.3f}')"; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# build_one PROJECT-DIR OUT: the frontend builds a wheel with the project's backend.
build_one() {
  (cd "$1" && "$VPY" -m build --no-isolation --wheel --outdir "$2" . >"$WORK/build.log" 2>&1) ||
    { cat "$WORK/build.log"; exit 1; }
}
flit_one() {
  (cd "$1" && "$WORK/flit" build --format wheel >"$WORK/build.log" 2>&1) ||
    { cat "$WORK/build.log"; exit 1; }
  mv "$1/dist" "$2"
}

declare -A MED
for p in big small; do
  G=(); F=(); B=()
  for i in $(seq "$RUNS"); do
    og="$WORK/out/$p-go-$i"; of="$WORK/out/$p-fc-$i"; ob="$WORK/out/$p-bin-$i"
    # Alternate the order between runs.
    if [ $((i % 2)) = 1 ]; then
      t0=$(now); build_one "$WORK/$p-goflit" "$og"; t1=$(now); build_one "$WORK/$p-flit_core" "$of"; t2=$(now)
      G+=("$(elapsed "$t0" "$t1")"); F+=("$(elapsed "$t1" "$t2")")
    else
      t0=$(now); build_one "$WORK/$p-flit_core" "$of"; t1=$(now); build_one "$WORK/$p-goflit" "$og"; t2=$(now)
      F+=("$(elapsed "$t0" "$t1")"); G+=("$(elapsed "$t1" "$t2")")
    fi
    t0=$(now); flit_one "$WORK/$p-goflit" "$ob"; t1=$(now); B+=("$(elapsed "$t0" "$t1")")
    # Same contents: the same number of entries in both wheels.
    ng=$($PY -c "import zipfile,glob,sys; print(len(zipfile.ZipFile(glob.glob(sys.argv[1]+'/*.whl')[0]).namelist()))" "$og")
    nf=$($PY -c "import zipfile,glob,sys; print(len(zipfile.ZipFile(glob.glob(sys.argv[1]+'/*.whl')[0]).namelist()))" "$of")
    [ "$ng" = "$nf" ] || { echo "$p: goflit's wheel has $ng entries, flit_core's $nf"; exit 1; }
    echo "$p run $i: goflit ${G[-1]} s, flit_core ${F[-1]} s, flit build ${B[-1]} s"
  done
  MED[$p-go]=$(median "${G[@]}"); MED[$p-fc]=$(median "${F[@]}"); MED[$p-bin]=$(median "${B[@]}")
  MED[$p-runs-go]="${G[*]}"; MED[$p-runs-fc]="${F[*]}"; MED[$p-runs-bin]="${B[*]}"
done

# The shim's own cost.
# 1. Import time of goflit.buildapi, in microseconds (the cumulative column
#    of -X importtime for goflit and goflit.buildapi; median of 11 fresh
#    interpreters).
IMP=()
for i in $(seq 11); do
  IMP+=("$("$VPY" -X importtime -c 'import goflit.buildapi' 2>&1 |
    awk -F'|' '$3 ~ /^ *goflit(\.buildapi)?$/ {gsub(/ /,"",$2); s += $2} END {print s}')")
done
IMPORT_US=$(median "${IMP[@]}")
# 2. A build_wheel hook call through the shim against the binary run
#    directly (subprocess, as the shim does), in one interpreter, CALLS each,
#    alternating; the small project.
SHIM=$(cd "$WORK/small-goflit" && "$VPY" - "$GOFLIT" "$CALLS" "$WORK/out/shim" <<'EOF'
import statistics, subprocess, sys, time
import goflit.buildapi as api
exe, calls, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
shim, direct = [], []
for i in range(calls):
    for which in ((0, 1) if i % 2 else (1, 0)):
        t = time.perf_counter()
        if which == 0:
            api.build_wheel(out)
        else:
            p = subprocess.run([exe, "backend", "build_wheel", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
            p.stdout.decode().splitlines()[-1]
        (shim if which == 0 else direct).append((time.perf_counter() - t) * 1000)
print("%.2f %.2f %.2f" % (statistics.median(shim), statistics.median(direct), statistics.median(shim) - statistics.median(direct)))
EOF
)
read -r SHIM_MS DIRECT_MS OVER_MS <<<"$SHIM"
echo "import goflit.buildapi: ${IMPORT_US} us; build_wheel hook ${SHIM_MS} ms vs binary ${DIRECT_MS} ms (shim +${OVER_MS} ms)"

ratio() { $PY -c "print(f'{$1 / $2:.1f}')"; }
{
  echo "# Backend benchmark"
  echo
  echo "\`bench/backend.sh\`: \`python3 -m build --no-isolation --wheel\` (build $($PY -c 'import build; print(build.__version__)'))"
  echo "with goflit's backend (\`goflit.buildapi\`, goflit installed from its own wheel into a venv with"
  echo "\`--system-site-packages\`) against Debian's flit_core $($PY -c 'import flit_core; print(flit_core.__version__)') (\`flit_core.buildapi\`),"
  echo "same frontend, same venv; \`flit build --format wheel\` (the goflit binary alone) for reference."
  echo "$RUNS runs each, alternating order, median; $(nproc) CPUs ($(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"
  echo "Python $($PY -c 'import platform; print(platform.python_version())'), $(go version | cut -d' ' -f3), $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared; absolute times are noisy)."
  echo
  echo "| project | goflit backend (s) | flit_core backend (s) | speed-up | flit build, binary alone (s) |"
  echo "|---|---|---|---|---|"
  echo "| big: mkbigpkg.py $NFILES files of $KB KB | ${MED[big-go]} | ${MED[big-fc]} | **$(ratio "${MED[big-fc]}" "${MED[big-go]}")x** | ${MED[big-bin]} |"
  echo "| small: 4 modules | ${MED[small-go]} | ${MED[small-fc]} | **$(ratio "${MED[small-fc]}" "${MED[small-go]}")x** | ${MED[small-bin]} |"
  echo
  echo "Every run (s):"
  echo
  for p in big small; do
    echo "- $p: goflit ${MED[$p-runs-go]}; flit_core ${MED[$p-runs-fc]}; flit build ${MED[$p-runs-bin]}"
  done
  echo
  echo "On the small project most of the time is the frontend itself (python -m build starts"
  echo "Python, imports build and packaging, and runs each hook in a fresh interpreter); the"
  echo "backend's share is what differs."
  echo
  echo "## The shim's own cost"
  echo
  echo "- \`import goflit.buildapi\`: **${IMPORT_US} µs** (goflit and goflit.buildapi, cumulative, \`python -X importtime\`, median of 11)."
  echo "- A \`build_wheel\` call of the small project through the shim: ${SHIM_MS} ms; running"
  echo "  \`goflit backend build_wheel\` directly with subprocess: ${DIRECT_MS} ms (medians of $CALLS calls each,"
  echo "  alternating). The shim adds **${OVER_MS} ms** per hook (finding the binary, the lazy imports of"
  echo "  subprocess/sysconfig, forwarding the log)."
} > bench/RESULTS-backend.md
cat bench/RESULTS-backend.md
