"""Unit tests of the goflit shim (goflit.buildapi, goflit._find, goflit.__main__).

They run against a fake goflit binary (a shell script found through
GOFLIT_BIN or the search path) that records its argv and working directory
and prints what the test asks for. backend/shim_test.go runs this file with
Debian's python3; the real binary is exercised there too.

    PYTHONPATH=python python3 -m unittest discover -s python/tests -v
"""

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

import goflit
import goflit.buildapi as api
from goflit import _find

FAKE = r"""#!/bin/sh
printf '%s\0' "$@" > "$FAKE_ARGV"
pwd > "$FAKE_ARGV.cwd"
printf '%s' "$FAKE_STDERR" >&2
printf '%s' "$FAKE_STDOUT"
exit "${FAKE_EXIT:-0}"
"""


def write_fake(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(FAKE)
    os.chmod(path, 0o755)
    return path


class FakeBinaryTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="goflit-shim-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.bin = write_fake(os.path.join(self.tmp, "fakebin", "goflit"))
        self.argv_file = os.path.join(self.tmp, "argv")
        env = mock.patch.dict(os.environ, {"GOFLIT_BIN": self.bin, "FAKE_ARGV": self.argv_file})
        env.start()
        self.addCleanup(env.stop)
        # The project directory: PEP 517 runs hooks in the source tree.
        self.project = os.path.join(self.tmp, "project")
        os.mkdir(self.project)
        cwd = os.getcwd()
        os.chdir(self.project)
        self.addCleanup(os.chdir, cwd)

    def call(self, fn, *args, stdout="", stderr="", exit=0, **kwargs):
        """Run a hook against the fake binary; return (result, exception, stdout, stderr, argv)."""
        os.environ.update(FAKE_STDOUT=stdout, FAKE_STDERR=stderr, FAKE_EXIT=str(exit))
        if os.path.exists(self.argv_file):
            os.remove(self.argv_file)
        out, err = io.StringIO(), io.StringIO()
        result, exc = None, None
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                result = fn(*args, **kwargs)
            except Exception as e:  # noqa: BLE001 - the test inspects it
                exc = e
        return result, exc, out.getvalue(), err.getvalue(), self.argv()

    def argv(self):
        if not os.path.exists(self.argv_file):
            return None
        with open(self.argv_file, "rb") as f:
            raw = f.read().decode("utf-8")
        with open(self.argv_file + ".cwd") as f:
            self.cwd = f.read().strip()
        return raw.split("\0")[:-1]


class HookTest(FakeBinaryTest):
    # (hook function, positional args, keyword args, extra argv after the hook name)
    CASES = [
        ("get_requires_for_build_wheel", (), {}, []),
        ("get_requires_for_build_sdist", (), {}, []),
        ("get_requires_for_build_editable", (), {}, []),
        ("prepare_metadata_for_build_wheel", ("/md",), {}, ["/md"]),
        ("prepare_metadata_for_build_editable", ("/md",), {}, ["/md"]),
        ("build_wheel", ("/wd",), {}, ["/wd"]),
        ("build_wheel", ("/wd",), {"metadata_directory": "/md/x.dist-info"},
         ["/wd", "--metadata-directory", "/md/x.dist-info"]),
        ("build_sdist", ("/sd",), {}, ["/sd"]),
        ("build_editable", ("/wd",), {}, ["/wd"]),
        ("build_editable", ("/wd",), {"metadata_directory": "/md/x.dist-info"},
         ["/wd", "--metadata-directory", "/md/x.dist-info"]),
    ]

    def test_every_hook_is_exported(self):
        self.assertEqual(sorted(api.__all__), sorted({c[0] for c in self.CASES}))
        for name in api.__all__:
            self.assertTrue(callable(getattr(api, name)), name)

    def test_hooks_return_last_line_and_forward_the_rest(self):
        for name, args, kwargs, extra in self.CASES:
            with self.subTest(hook=name, kwargs=kwargs):
                requires = name.startswith("get_requires")
                last = '["a >=1", "b ; extra == \\"x\\""]' if requires else "result-of-" + name
                log = "I-Building %s\nW-something to say\n" % name
                result, exc, out, err, argv = self.call(
                    getattr(api, name), *args,
                    stdout="first line\nsecond line\n" + last + "\n", stderr=log, **kwargs)
                self.assertIsNone(exc)
                self.assertEqual(result, ["a >=1", 'b ; extra == "x"'] if requires else last)
                self.assertEqual(out, "first line\nsecond line\n")
                self.assertEqual(err, log)
                self.assertEqual(argv, ["backend", name] + extra)
                self.assertEqual(os.path.realpath(self.cwd), os.path.realpath(self.project))

    def test_result_without_trailing_newline(self):
        result, exc, out, _, _ = self.call(api.build_wheel, "/wd", stdout="x-1.0-py3-none-any.whl")
        self.assertIsNone(exc)
        self.assertEqual(result, "x-1.0-py3-none-any.whl")
        self.assertEqual(out, "")

    def test_config_settings_reach_the_binary_unchanged(self):
        settings = {
            "compiler": "zig cc",
            "jobs": ["1", "2"],
            "--global-option": "--verbose",
            "empty": "",
            "unicode": "caf\u00e9 \u2603",
            "quote": 'a "b" \\c',
        }
        for name, args, kwargs, extra in self.CASES:
            with self.subTest(hook=name):
                _, exc, _, _, argv = self.call(getattr(api, name), *args, config_settings=settings,
                                               stdout="[]\n", **kwargs)
                self.assertIsNone(exc)
                self.assertEqual(argv[:-2], ["backend", name] + extra)
                self.assertEqual(argv[-2], "--config-settings")
                self.assertEqual(json.loads(argv[-1]), settings)

    def test_no_config_settings_flag_when_empty(self):
        for settings in (None, {}):
            _, _, _, _, argv = self.call(api.build_sdist, "/sd", config_settings=settings, stdout="x.tar.gz\n")
            self.assertEqual(argv, ["backend", "build_sdist", "/sd"])

    def test_failure_raises_backend_error_with_the_message(self):
        stderr = ("I-Loading pyproject.toml\n"
                  'error: pyproject.toml:8:1: [project] has unknown key "reedme" (did you mean "readme"?)\n'
                  "reedme = \"README.md\"\n^\n")
        _, exc, out, err, _ = self.call(api.build_wheel, "/wd", stdout="partial log\n", stderr=stderr, exit=1)
        self.assertIsInstance(exc, api.BackendError)
        self.assertEqual(str(exc), 'pyproject.toml:8:1: [project] has unknown key "reedme" (did you mean "readme"?)')
        self.assertEqual(err, stderr)
        self.assertEqual(out, "partial log\n")

    def test_failure_with_several_errors(self):
        stderr = "error: a.toml:1:1: first\nerror: a.toml:2:1: second\n"
        _, exc, _, _, _ = self.call(api.prepare_metadata_for_build_wheel, "/md", stderr=stderr, exit=1)
        self.assertEqual(str(exc), "a.toml:1:1: first; a.toml:2:1: second")

    def test_failure_without_error_line(self):
        _, exc, _, _, _ = self.call(api.build_sdist, "/sd", stderr="panic: oops\n", exit=2)
        self.assertEqual(str(exc), "panic: oops")
        _, exc, _, _, _ = self.call(api.build_sdist, "/sd", exit=3)
        self.assertIsInstance(exc, api.BackendError)
        self.assertEqual(str(exc), "goflit backend build_sdist failed (exit code 3)")

    def test_no_result_is_an_error(self):
        _, exc, _, _, _ = self.call(api.build_wheel, "/wd")
        self.assertIsInstance(exc, api.BackendError)
        self.assertEqual(str(exc), "goflit backend build_wheel printed no result")

    def test_goflit_bin_pointing_at_nothing(self):
        missing = os.path.join(self.tmp, "no-such-goflit")
        os.environ["GOFLIT_BIN"] = missing
        _, exc, _, _, argv = self.call(api.build_wheel, "/wd", stdout="x\n")
        self.assertIsNone(argv)
        self.assertIsInstance(exc, FileNotFoundError)
        self.assertIn("GOFLIT_BIN is set to %r" % missing, str(exc))
        self.assertIn("unset it or point it at the goflit executable", str(exc))


class FindTest(unittest.TestCase):
    """The search order: GOFLIT_BIN, the environment's scripts folder, the
    user scheme's, the prefix this package is installed under, the
    interpreter's folder, then PATH."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="goflit-find-")
        self.addCleanup(shutil.rmtree, self.tmp)
        d = lambda *p: os.path.join(self.tmp, *p)  # noqa: E731
        self.scripts, self.user, self.path = d("env", "bin"), d("user", "bin"), d("path")
        self.prefix_bin = d("prefix", "bin")
        # pip install --target DIR puts the scripts in DIR/bin.
        self.target_bin = d("prefix", "lib", "python3.11", "site-packages", "bin")
        self.exe_dir = d("interp")
        for x in (self.scripts, self.user, self.path, self.prefix_bin, self.target_bin, self.exe_dir):
            os.makedirs(x)
        fake_file = d("prefix", "lib", "python3.11", "site-packages", "goflit", "_find.py")

        def get_path(name, scheme=None, **kw):
            self.assertEqual(name, "scripts")
            return self.scripts if scheme is None else self.user

        for p in (
            mock.patch("sysconfig.get_path", get_path),
            mock.patch.object(_find, "__file__", fake_file),
            mock.patch.object(sys, "executable", os.path.join(self.exe_dir, "python3")),
            mock.patch.dict(os.environ, {"PATH": self.path}),
        ):
            p.start()
            self.addCleanup(p.stop)
        os.environ.pop("GOFLIT_BIN", None)

    def test_search_order(self):
        order = [self.scripts, self.user, self.prefix_bin, self.target_bin, self.exe_dir, self.path]
        for d in order:
            write_fake(os.path.join(d, "goflit"))
        override = write_fake(os.path.join(self.tmp, "override", "goflit"))
        os.environ["GOFLIT_BIN"] = override
        self.assertEqual(_find.find_goflit_bin(), override)
        os.environ["GOFLIT_BIN"] = ""  # empty means unset
        for d in order:
            with self.subTest(expect=d):
                self.assertEqual(_find.find_goflit_bin(), os.path.join(d, "goflit"))
                os.remove(os.path.join(d, "goflit"))
        with self.assertRaises(FileNotFoundError) as cm:
            _find.find_goflit_bin()
        msg = str(cm.exception)
        self.assertIn("could not find the goflit executable", msg)
        self.assertIn("set GOFLIT_BIN to its path", msg)
        for d in order[:-1]:
            self.assertIn(d, msg)
        self.assertIn("or on PATH", msg)

    def test_a_directory_named_goflit_is_not_the_binary(self):
        os.mkdir(os.path.join(self.scripts, "goflit"))
        write_fake(os.path.join(self.path, "goflit"))
        self.assertEqual(_find.find_goflit_bin(), os.path.join(self.path, "goflit"))

    def test_hook_reports_a_missing_binary(self):
        with self.assertRaises(FileNotFoundError) as cm:
            api.get_requires_for_build_wheel()
        self.assertIn("reinstall goflit, or set GOFLIT_BIN", str(cm.exception))


class MainTest(unittest.TestCase):
    """python -m goflit runs the binary with the arguments and its exit status."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="goflit-main-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.bin = write_fake(os.path.join(self.tmp, "goflit"))
        self.env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(goflit.__file__)),
                        GOFLIT_BIN=self.bin, FAKE_ARGV=os.path.join(self.tmp, "argv"))

    def run_main(self, *args, **env):
        return subprocess.run([sys.executable, "-m", "goflit"] + list(args), env=dict(self.env, **env),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)

    def test_runs_the_binary(self):
        p = self.run_main("-V", "--flag", "a b", FAKE_STDOUT="goflit 0.1.0\n", FAKE_STDERR="log\n", FAKE_EXIT="3")
        self.assertEqual((p.returncode, p.stdout, p.stderr), (3, "goflit 0.1.0\n", "log\n"))
        with open(self.env["FAKE_ARGV"], "rb") as f:
            self.assertEqual(f.read().decode().split("\0")[:-1], ["-V", "--flag", "a b"])

    def test_missing_binary(self):
        p = self.run_main("-V", GOFLIT_BIN=os.path.join(self.tmp, "nothing"))
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, "")
        self.assertTrue(p.stderr.startswith("goflit: GOFLIT_BIN is set to "), p.stderr)


class LazyImportTest(unittest.TestCase):
    def test_import_loads_nothing_heavy(self):
        code = ("import sys; before = set(sys.modules); import goflit.buildapi; "
                "print(' '.join(sorted(set(sys.modules) - before)))")
        p = subprocess.run([sys.executable, "-S", "-c", code], stdout=subprocess.PIPE, universal_newlines=True,
                           env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(goflit.__file__))),
                           check=True)
        self.assertEqual(p.stdout.split(), ["goflit", "goflit.buildapi"])


if __name__ == "__main__":
    unittest.main()
