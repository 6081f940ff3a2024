"""Locate the goflit executable that belongs to this installation."""

# Imports are done inside the function: this module is imported on every
# PEP 517 hook call, and importing sysconfig/shutil only when needed keeps the
# shim's own cost negligible next to the binary's.


def find_goflit_bin():
    """Return the path of the goflit executable.

    Order: $GOFLIT_BIN; the scripts folder of the environment this package is
    installed in (the interpreter's scheme, then the user scheme, then the
    prefix this file lives under, for --prefix/--target installs); then PATH.
    """
    import os

    exe = "goflit.exe" if os.name == "nt" else "goflit"
    override = os.environ.get("GOFLIT_BIN")
    if override:
        if os.path.isfile(override):
            return override
        raise FileNotFoundError(
            "GOFLIT_BIN is set to %r, which is not a file; unset it or point it at the goflit executable" % override
        )

    import sys
    import sysconfig

    candidates = []
    try:
        candidates.append(sysconfig.get_path("scripts"))
    except KeyError:
        pass
    user_scheme = sysconfig.get_preferred_scheme("user") if hasattr(sysconfig, "get_preferred_scheme") else (
        "nt_user" if os.name == "nt" else "posix_user")
    try:
        candidates.append(sysconfig.get_path("scripts", scheme=user_scheme))
    except KeyError:
        pass
    # <prefix>/lib/pythonX.Y/site-packages/goflit/_find.py -> <prefix>/bin
    here = os.path.dirname(os.path.abspath(__file__))
    parts = here.split(os.sep)
    for marker in ("lib", "Lib"):
        if marker in parts:
            prefix = os.sep.join(parts[: len(parts) - parts[::-1].index(marker) - 1])
            candidates.append(os.path.join(prefix, "Scripts" if os.name == "nt" else "bin"))
    # pip install --target DIR puts scripts in DIR/bin
    candidates.append(os.path.join(os.path.dirname(here), "bin"))
    candidates.append(os.path.dirname(sys.executable))
    for d in candidates:
        if d:
            p = os.path.join(d, exe)
            if os.path.isfile(p):
                return p

    import shutil

    p = shutil.which(exe)
    if p:
        return p
    raise FileNotFoundError(
        "could not find the goflit executable next to this installation (%s) or on PATH; "
        "reinstall goflit, or set GOFLIT_BIN to its path" % ", ".join(d for d in candidates if d)
    )
