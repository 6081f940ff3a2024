package diag

import (
	"errors"
	"fmt"
	"testing"
)

func TestRender(t *testing.T) {
	d := Diagnostic{File: "pyproject.toml", Line: 3, Col: 1, Msg: `[project] has unknown key "reedme"`, Hint: `did you mean "readme"?`, Source: `reedme = "README.md"`}
	if got, want := d.Error(), `pyproject.toml:3:1: [project] has unknown key "reedme" (did you mean "readme"?)`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := d.Caret(), "    reedme = \"README.md\"\n    ^"; got != want {
		t.Errorf("Caret() = %q, want %q", got, want)
	}
	d.Col = 10
	if got, want := d.Caret(), "    reedme = \"README.md\"\n             ^"; got != want {
		t.Errorf("Caret() = %q, want %q", got, want)
	}
}

// TestRenderCharColumn: the column shown counts characters, as tomllib and
// editors do, while Col (and the caret) stay byte-based.
func TestRenderCharColumn(t *testing.T) {
	d := Diagnostic{File: "pyproject.toml", Line: 2, Col: len(`name = "über`) + 1, Msg: "bad", Source: `name = "über" x`}
	if got, want := d.Error(), "pyproject.toml:2:13: bad"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := d.Caret(), "    name = \"über\" x\n                ^"; got != want {
		t.Errorf("Caret() = %q, want %q", got, want)
	}
	d.Source = "" // unknown text: the byte column is all there is
	if got, want := d.Error(), "pyproject.toml:2:14: bad"; got != want {
		t.Errorf("Error() without source = %q, want %q", got, want)
	}
}

func TestListErr(t *testing.T) {
	var l List
	l.Add(Diagnostic{Msg: "careful", Warning: true})
	if l.Err() != nil {
		t.Fatal("warnings alone must not be an error")
	}
	l.Add(Diagnostic{File: "f", Line: 2, Msg: "b"})
	l.Add(Diagnostic{File: "f", Line: 1, Msg: "a"})
	l.Sort()
	err := fmt.Errorf("loading: %w", l.Err())
	got, ok := AsList(err)
	if !ok || len(got) != 2 || got[0].Msg != "a" {
		t.Fatalf("AsList = %v, %v", got, ok)
	}
	if _, ok := AsList(errors.New("plain")); ok {
		t.Fatal("plain error is not a list")
	}
}
