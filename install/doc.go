// Package install installs Python wheels natively and makes flit's
// development installs (--symlink, --pth-file), for any target interpreter.
//
// InstallWheel follows the binary distribution format specification and
// what pip and pypa/installer do (see ../shared/reference/peers.md §5):
//
//   - the wheel file name is parsed, the single .dist-info directory is
//     located and must match it, WHEEL must say Wheel-Version 1.x;
//   - RECORD is validated before anything is installed: every member is
//     listed, hashes and sizes match;
//   - no file lands outside the target's scheme directories, whatever the
//     wheel says: absolute paths, drive letters, backslashes, "..", symlink
//     members, unknown .data/<scheme> directories and writes through
//     pre-existing symlinked directories are refused;
//   - .data/ schemes (purelib, platlib, scripts with the #!python rewrite,
//     headers, data), console_scripts and gui_scripts launchers (the /bin/sh
//     exec trampoline when the interpreter path has spaces or is too long),
//     INSTALLER, REQUESTED, direct_url.json (PEP 610), and a RECORD with
//     urlsafe-base64 sha256 hashes;
//   - bytecode is compiled by the target interpreter with the final paths
//     embedded, and the .pyc files are recorded;
//   - an installed version of the same project is replaced: its RECORD
//     files that the new version does not have are removed.
//
// Everything is staged in temporary directories on the same file systems as
// the targets and then renamed into place (a directory that does not exist
// yet moves in whole); a failure restores every replaced file, so the
// environment is as it was. Bytecode is compiled while files are staged:
// the target interpreter receives the sources on stdin and returns .pyc
// bytes (timestamp pycs, or checked-hash pycs under SOURCE_DATE_EPOCH).
//
// InstallProject installs a project's wheel without writing the wheel file:
// the members wheel.WriteTo produces are read from the project directly,
// each file once (hashed while it is staged, so RECORD describes what was
// installed); C/C++ extension modules (package cext) are
// compiled for the target interpreter first (built in place for the
// development installs). DevInstall makes flit's development installs
// (--symlink, --pth-file) with the same .dist-info (direct_url.json marked
// editable); unlike flit, they also get gui_scripts launchers, as a wheel
// install does. SelectRequirements and InstallRequirements are flit's
// dependency step (one `python -m pip install -r FILE` call).
//
// pip refuses to remove symlinks that point outside the environment, so
// `pip uninstall` leaves a --symlink install's links behind (as with flit);
// goflit removes them when it replaces the install.
//
// Decisions: INSTALLER holds "flit" (no newline), as flit writes it, so that
// tools checking who installed a project see flit. RECORD rows are sorted by
// path and end in CRLF, and .pyc files have an empty hash and size, as pip
// writes them. Only POSIX launchers are written (no Windows .exe launchers),
// and wheel tags are not checked against the target interpreter. PEP 668
// (EXTERNALLY-MANAGED) is checked by the CLI through ExternallyManaged, and
// a project's requires-python against the target interpreter through
// CheckRequiresPython (pip's rule), before anything is installed.
package install
