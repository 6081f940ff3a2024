"""python -m goflit: run the goflit executable with the given arguments."""


def _main():
    import os
    import sys

    from goflit._find import find_goflit_bin

    try:
        exe = find_goflit_bin()
    except FileNotFoundError as e:
        sys.stderr.write("goflit: %s\n" % e)
        sys.exit(1)
    args = [exe] + sys.argv[1:]
    if os.name == "nt":
        import subprocess

        sys.exit(subprocess.call(args))
    os.execv(exe, args)


if __name__ == "__main__":
    _main()
