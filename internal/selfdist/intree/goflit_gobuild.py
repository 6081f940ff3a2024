"""In-tree PEP 517 backend of goflit's sdist: build goflit from source.

goflit's sdist carries the Go source of the goflit binary in gosrc/. Building
a wheel compiles it with the Go toolchain found on PATH (go 1.26 or later;
modules not in the Go module cache are downloaded by the toolchain) and
packages the binary with the shim, using goflit's own wheel writer
(gosrc/internal/selfdist/mkwheels): the result is the same platform wheel
`make wheels` produces for this machine.
"""

__all__ = [
    "get_requires_for_build_wheel",
    "get_requires_for_build_sdist",
    "build_wheel",
    "build_sdist",
]


class UnsupportedOperation(Exception):
    """PEP 517's name for a hook this backend cannot run."""


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def _mkwheels(args):
    import os
    import shutil
    import subprocess
    import sys

    go = os.environ.get("GOFLIT_GO") or shutil.which("go")
    if not go:
        raise RuntimeError(
            "building goflit from source needs the Go toolchain (go 1.26 or later): "
            "install it from https://go.dev/dl/ and put `go` on PATH (or set GOFLIT_GO), "
            "or install one of goflit's platform wheels instead"
        )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cmd = [go, "run", "-trimpath", "-buildvcs=false", "./internal/selfdist/mkwheels", "-project", root] + args
    proc = subprocess.run(cmd, cwd=os.path.join(root, "gosrc"), stdout=subprocess.PIPE)
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError(
            "go run ./internal/selfdist/mkwheels in %s failed (exit code %d); the Go toolchain's messages are above"
            % (os.path.join(root, "gosrc"), proc.returncode)
        )
    for line in lines[:-1]:
        sys.stdout.write(line + "\n")
    return os.path.basename(lines[-1])


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    import os

    return _mkwheels(["-only", "host", "-out", os.path.abspath(wheel_directory)])


def build_sdist(sdist_directory, config_settings=None):
    import os

    return _mkwheels(["-sdist", "-out", os.path.abspath(sdist_directory)])
