package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"goflit/check/checktest"
	"goflit/internal/testutil"
)

type artifact struct {
	name string
	data []byte
}

func wheel(w checktest.Wheel) artifact { return artifact{w.FilenameOf(), w.Bytes()} }
func sdist(s checktest.Sdist) artifact { return artifact{s.FilenameOf(), s.Bytes()} }

func dropRow(suffix string) func([]string) []string {
	return func(rows []string) []string {
		var out []string
		for _, r := range rows {
			if !strings.HasPrefix(r, suffix) {
				out = append(out, r)
			}
		}
		return out
	}
}

func editRow(prefix string, f func(string) string) func([]string) []string {
	return func(rows []string) []string {
		for i, r := range rows {
			if strings.HasPrefix(r, prefix) {
				rows[i] = f(r)
			}
		}
		return rows
	}
}

const brokenRST = "Title\n===\n\nSome *emphasis without end.\n\n.. frobnicate:: x\n"

func checkCases() map[string]artifact {
	md := checktest.Metadata
	return map[string]artifact{
		"good_wheel": wheel(checktest.Wheel{Name: "Good-Pkg", Version: "1.0",
			Metadata: md("Good-Pkg", "1.0", "# Good\n", "Metadata-Version: 2.4", "License-Expression: MIT", "License-File: LICENSE",
				"Author-email: Ada <ada@example.com>", "Project-URL: Source, https://example.com/x", "Requires-Dist: requests >=2; python_version>'3.8'",
				"Requires-Dist: attrs[tests] (>=1.0)", "Requires-Python: >=3.8", "Classifier: Programming Language :: Python :: 3"),
			Extra: []checktest.Entry{{Name: "licenses/LICENSE", Data: "MIT\n"}, {Name: "entry_points.txt", Data: "[console_scripts]\ngood = good_pkg:main\n"}}}),
		"good_sdist": sdist(checktest.Sdist{Name: "Good-Pkg", Version: "1.0",
			PKGInfo: md("Good-Pkg", "1.0", "Good\n====\n\nFine *text*.\n", "Description-Content-Type: text/x-rst", "Metadata-Version: 2.4", "License-File: LICENSE"),
			Files:   []checktest.Entry{{Name: "LICENSE", Data: "MIT\n"}, {Name: "good_pkg/__init__.py", Data: ""}}}),
		"zip_comment":     wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Comment: "hello"}),
		"zip_trailing":    wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Trailing: "garbage!"}),
		"zip_duplicate":   wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Files: []checktest.Entry{{Name: "pkg/__init__.py", Data: "a"}, {Name: "pkg/__init__.py", Data: "b"}}}),
		"zip_bzip2":       wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Files: []checktest.Entry{{Name: "pkg/__init__.py", Data: "x", Method: 12}}}),
		"zip_control":     wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Files: []checktest.Entry{{Name: "pkg/a\x01b.py", Data: ""}}}),
		"record_missing":  wheel(checktest.Wheel{Name: "pkg", Version: "1.0", NoRecord: true}),
		"record_no_row":   wheel(checktest.Wheel{Name: "pkg", Version: "1.0", EditRecord: dropRow("pkg/__init__.py")}),
		"record_bad_hash": wheel(checktest.Wheel{Name: "pkg", Version: "1.0", EditRecord: editRow("pkg/__init__.py", func(r string) string { return strings.Replace(r, "sha256=", "sha256=AAAA", 1) })}),
		"record_bad_size": wheel(checktest.Wheel{Name: "pkg", Version: "1.0", EditRecord: editRow("pkg/__init__.py", func(r string) string { return r[:strings.LastIndex(r, ",")] + ",1" })}),
		"record_md5":      wheel(checktest.Wheel{Name: "pkg", Version: "1.0", EditRecord: editRow("pkg/__init__.py", func(r string) string { return "pkg/__init__.py,md5=abc,3" })}),
		"record_ghost":    wheel(checktest.Wheel{Name: "pkg", Version: "1.0", EditRecord: func(r []string) []string { return append(r, "pkg/gone.py,sha256=x,1") }}),
		"no_wheel_file": wheel(checktest.Wheel{Name: "pkg", Version: "1.0", EditRecord: dropRow("pkg-1.0.dist-info/WHEEL"),
			WheelFile: "Generator: x\n"}),
		"wheel_name_not_normalized": wheel(checktest.Wheel{Name: "My.Pkg", Version: "1.0", Filename: "My.Pkg-1.0-py3-none-any.whl", DistInfo: "My.Pkg-1.0.dist-info"}),
		"wheel_version_mismatch":    wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Filename: "pkg-2.0-py3-none-any.whl", DistInfo: "pkg-2.0.dist-info"}),
		"wheel_bad_platform":        wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Filename: "pkg-1.0-cp311-cp311-linux_x86_64.whl"}),
		"wheel_bad_filename":        wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Filename: "pkg-1.0-py3.whl"}),
		"bad_extension":             {"pkg-1.0.egg", checktest.ZipBytes([]checktest.Entry{{Name: "EGG-INFO/PKG-INFO", Data: md("pkg", "1.0", "")}})},
		"local_version":             wheel(checktest.Wheel{Name: "pkg", Version: "1.0+local"}),
		"metadata_version_3":        wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Metadata: md("pkg", "1.0", "x", "Metadata-Version: 3.0")}),
		"bad_fields": wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Metadata: md("pkg", "1.0", "x",
			"Author-email: not an email <", "Home-page: ftp//nope", "Project-URL: A label that is far too long for PyPI to accept, https://x.org",
			"Project-URL: nolabel", "Requires-Python: >=3.x", "Provides-Extra: -bad-", "Dynamic: Version", "Dynamic: Colour",
			"Summary2: x", "Description-Content-Type: text/html")}),
		"license_both":  wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Metadata: md("pkg", "1.0", "x", "Metadata-Version: 2.4", "License: MIT License", "License-Expression: MIT")}),
		"field_too_new": wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Metadata: md("pkg", "1.0", "x", "License-Expression: MIT", "Import-Name: pkg", "License-File: LICENSE")}),
		"requires_dist": wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Metadata: md("pkg", "1.0", "x",
			"Requires-Dist: requests @ https://example.com/r.whl", "Requires-Dist: bad name >= 1", "Requires-Dist: ok (>=1.0", "Requires-Dist: foo >= 1.0; (python_version")}),
		"broken_rst":           wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Metadata: md("pkg", "1.0", brokenRST, "Description-Content-Type: text/x-rst")}),
		"warn_no_content_type": wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Metadata: strings.Replace(md("pkg", "1.0", "plain words\n"), "Description-Content-Type: text/markdown\n", "", 1)}),
		"warn_empty_readme":    wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Metadata: md("pkg", "1.0", "")}),
		"entry_points_bad":     wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Extra: []checktest.Entry{{Name: "entry_points.txt", Data: "orphan = x:y\n[console_scripts]\nfoo = 1bad:main\nnoequals\n[broken\n"}}}),
		"license_file_missing_wheel": wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Metadata: md("pkg", "1.0", "x", "Metadata-Version: 2.4", "License-File: LICENSE", "License-File: NOTICE"),
			Extra: []checktest.Entry{{Name: "LICENSE", Data: "top-level, not under licenses/"}}}),
		"classifiers": wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Metadata: md("pkg", "1.0", "x",
			"Classifier: Private :: Do Not Upload", "Classifier: Programming Language :: Cobol", "Classifier: Natural Language :: Ancient", "Classifier: Programming Language :: Python :: 3")}),
		"sdist_not_pep625":    sdist(checktest.Sdist{Name: "My.Pkg", Version: "1.0", Filename: "My.Pkg-1.0.tar.gz", Top: "My.Pkg-1.0"}),
		"sdist_wrong_project": sdist(checktest.Sdist{Name: "pkg", Version: "1.0", Filename: "other-1.0.tar.gz"}),
		"sdist_zip":           {"pkg-1.0.zip", checktest.ZipBytes([]checktest.Entry{{Name: "pkg-1.0/PKG-INFO", Data: md("pkg", "1.0", "x")}})},
		"sdist_links":         sdist(checktest.Sdist{Name: "pkg", Version: "1.0", Symlinks: []checktest.Entry{{Name: "link.py", Data: "/etc/passwd"}}}),
		"sdist_sparse":        sdist(checktest.Sdist{Name: "pkg", Version: "1.0", Sparse: []string{"holes.bin"}}),
		"sdist_no_pkginfo":    sdist(checktest.Sdist{Name: "pkg", Version: "1.0", NoPKGInfo: true}),
		"sdist_two_tops": sdist(checktest.Sdist{Name: "pkg", Version: "1.0", Top: "-",
			Files: []checktest.Entry{{Name: "pkg-1.0/PKG-INFO", Data: md("pkg", "1.0", "x")}, {Name: "stray/file.txt", Data: "x"}}}),
		"sdist_license_missing": sdist(checktest.Sdist{Name: "pkg", Version: "1.0", PKGInfo: md("pkg", "1.0", "x", "Metadata-Version: 2.4", "License-File: COPYING")}),
		"zip_not_utf8":          wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Files: []checktest.Entry{{Name: "pkg/caf\xe9.py", Data: ""}}}),
		"good_signed_record": wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Extra: []checktest.Entry{{Name: "RECORD.jws", Data: "sig"}},
			EditRecord: dropRow("pkg-1.0.dist-info/RECORD.jws")}),
		"sdist_path_escape":        sdist(checktest.Sdist{Name: "pkg", Version: "1.0", Files: []checktest.Entry{{Name: "../evil.py", Data: "x"}, {Name: "pkg/__init__.py", Data: ""}}}),
		"good_build_tag_manylinux": wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Filename: "pkg-1.0-1-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"}),
		"not_an_archive":           {"pkg-1.0-py3-none-any.whl", []byte("this is not a zip file at all")},
		// Before metadata 2.4 a License-File may sit at the dist-info root
		// (setuptools' layout): only the "not sent" warning, no error.
		"warn_license_file_root_21": wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Metadata: md("pkg", "1.0", "x", "Metadata-Version: 2.1", "License-File: LICENSE"),
			Extra: []checktest.Entry{{Name: "LICENSE", Data: "at the dist-info root"}}}),
		"warn_license_file_root_23": wheel(checktest.Wheel{Name: "pkg", Version: "1.0", Metadata: md("pkg", "1.0", "x", "Metadata-Version: 2.3", "License-File: LICENSE"),
			Extra: []checktest.Entry{{Name: "LICENSE", Data: "at the dist-info root"}}}),
		// A file that is no distribution: one problem, not two.
		"not_a_distribution": {"pyproject.toml", []byte("[project]\nname = \"pkg\"\n")},
	}
}

func testClassifier(c string) (bool, bool) {
	switch c {
	case "Programming Language :: Python :: 3":
		return true, false
	case "Natural Language :: Ancient":
		return true, true
	}
	return false, false
}

// TestGolden checks every artifact and compares the whole output of
// `flit check` for it with testdata/golden/NAME.txt.
func TestGolden(t *testing.T) {
	rst := BuiltinRST
	if testutil.InCI() || fileExists(testutil.DebianPython) {
		rst = DocutilsRST(testutil.PythonWith(t, "docutils"))
	}
	for name, a := range checkCases() {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p, err := checktest.Write(dir, a.name, a.data)
			if err != nil {
				t.Fatal(err)
			}
			list := Files([]string{p}, Options{Classifier: testClassifier, RST: rst})
			var b strings.Builder
			for _, d := range list {
				b.WriteString(strings.ReplaceAll(d.Error(), dir+string(filepath.Separator), "") + "\n")
			}
			got := b.String()
			if (strings.HasPrefix(name, "good_") || strings.HasPrefix(name, "warn_")) && list.Err() != nil {
				t.Errorf("valid artifact reported:\n%s", got)
			}
			if strings.HasPrefix(name, "warn_") && len(list) == 0 {
				t.Errorf("expected warnings")
			}
			if !strings.HasPrefix(name, "good_") && !strings.HasPrefix(name, "warn_") && list.Err() == nil {
				t.Errorf("defective artifact passed:\n%s", got)
			}
			testutil.Golden(t, filepath.Join("testdata", "golden", name+".txt"), []byte(got))
		})
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestMissingFile: a missing file is one problem saying so, not a stat error.
func TestMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pkg-1.0-py3-none-any.whl")
	list := Files([]string{p}, Options{Classifier: testClassifier, RST: BuiltinRST})
	if len(list) != 1 || !strings.HasPrefix(list[0].Msg, "file does not exist") {
		t.Fatalf("got %v", list)
	}
	if _, err := Open(p); err == nil || err.Error() != p+" does not exist" {
		t.Errorf("Open: %v", err)
	}
}
