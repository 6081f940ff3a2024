package install

import (
	"testing"

	"goflit/wheel"
)

// TestInstallProjectMatchesWheel: installing straight from the project
// gives exactly what building the wheel file and installing it gives.
func TestInstallProjectMatchesWheel(t *testing.T) {
	for _, dir := range []string{"testdata/demo", "testdata/srcns"} {
		t.Run(dir, func(t *testing.T) {
			p := loadProject(t, dir)
			wopts := wheel.Options{SourceDateEpoch: "1700000000"}
			out := t.TempDir()
			name, err := wheel.Build(p, out, wopts)
			if err != nil {
				t.Fatal(err)
			}
			viaFile, direct := t.TempDir(), t.TempDir()
			if _, err := InstallWheel(out+"/"+name, fakeTarget(t, viaFile), Options{}); err != nil {
				t.Fatal(err)
			}
			res, err := InstallProject(p, fakeTarget(t, direct), wopts, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d := treeDiff(tree(t, viaFile), tree(t, direct)); d != "" {
				t.Errorf("InstallProject differs from InstallWheel of the built wheel:\n%s", d)
			}
			if len(res.Files) < 5 {
				t.Errorf("only %d files installed: %v", len(res.Files), res.Files)
			}
		})
	}
}
