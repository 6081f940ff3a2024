"""PEP 517 and PEP 660 build backend hooks, implemented by the goflit binary.

Every hook runs ``goflit backend HOOK ...`` in the source tree (the current
directory, as PEP 517 guarantees). The binary writes its log to stderr, which
is passed through to the frontend, and prints the hook's result as the last
line of stdout: a file or folder name, or for get_requires_* a JSON list.
A failure raises BackendError carrying the binary's message.

config_settings are passed to the binary as JSON (for example
``-C compiler=zig -C jobs=2`` for C extensions); nothing is dropped.

Imports are lazy so that importing this module costs next to nothing.
"""

__all__ = [
    "get_requires_for_build_wheel",
    "get_requires_for_build_sdist",
    "get_requires_for_build_editable",
    "prepare_metadata_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "build_wheel",
    "build_sdist",
    "build_editable",
]


class BackendError(Exception):
    """The goflit binary reported a failure; the message is its error text."""


def _run(hook, directory=None, config_settings=None, metadata_directory=None):
    import subprocess
    import sys

    from goflit._find import find_goflit_bin

    args = [find_goflit_bin(), "backend", hook]
    if directory is not None:
        args.append(directory)
    if metadata_directory is not None:
        args += ["--metadata-directory", metadata_directory]
    if config_settings:
        import json

        args += ["--config-settings", json.dumps(config_settings)]
    # C extensions (cext) are built for the interpreter running this hook,
    # which may not be the python3 on PATH.
    import os

    env = dict(os.environ, GOFLIT_BUILD_PYTHON=sys.executable)
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    err = proc.stderr.decode("utf-8", "replace")
    if err:
        sys.stderr.write(err)
        sys.stderr.flush()
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    if proc.returncode != 0:
        # A failing binary's stdout is all log: forward every line.
        for line in lines:
            sys.stdout.write(line + "\n")
        sys.stdout.flush()
        msgs = [l[len("error: "):] for l in err.splitlines() if l.startswith("error: ")]
        raise BackendError("; ".join(msgs) or err.strip() or "goflit backend %s failed (exit code %d)" % (hook, proc.returncode))
    if not lines:
        raise BackendError("goflit backend %s printed no result" % hook)
    for line in lines[:-1]:
        sys.stdout.write(line + "\n")
    sys.stdout.flush()
    return lines[-1]


def _requires(hook, config_settings):
    import json

    return json.loads(_run(hook, None, config_settings))


def get_requires_for_build_wheel(config_settings=None):
    return _requires("get_requires_for_build_wheel", config_settings)


def get_requires_for_build_sdist(config_settings=None):
    return _requires("get_requires_for_build_sdist", config_settings)


def get_requires_for_build_editable(config_settings=None):
    return _requires("get_requires_for_build_editable", config_settings)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    return _run("prepare_metadata_for_build_wheel", metadata_directory, config_settings)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    return _run("prepare_metadata_for_build_editable", metadata_directory, config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _run("build_wheel", wheel_directory, config_settings, metadata_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _run("build_editable", wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    return _run("build_sdist", sdist_directory, config_settings)
