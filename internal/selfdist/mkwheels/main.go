// Command mkwheels builds goflit's platform wheels into a folder:
//
//	go run ./internal/selfdist/mkwheels [-out dist] [-only linux/amd64,...]
//
// It is what `make wheels` runs.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"goflit/internal/selfdist"
)

type stderrLog struct{ verbose bool }

func (stderrLog) Infof(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }
func (stderrLog) Warnf(f string, a ...any) { fmt.Fprintf(os.Stderr, "warning: "+f+"\n", a...) }
func (l stderrLog) Debugf(f string, a ...any) {
	if l.verbose {
		fmt.Fprintf(os.Stderr, "  "+f+"\n", a...)
	}
}

func main() {
	out := flag.String("out", "dist", "output folder")
	only := flag.String("only", "", "comma-separated GOOS/GOARCH list (default: all targets)")
	verbose := flag.Bool("v", false, "show commands")
	flag.Parse()
	log := stderrLog{*verbose}
	root, err := os.Getwd()
	if err != nil {
		fail(err)
	}
	scratch, err := os.MkdirTemp("", "goflit-mkwheels-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(scratch)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	for _, t := range selfdist.Targets {
		if *only != "" && !strings.Contains(","+*only+",", ","+t.GOOS+"/"+t.GOARCH+",") {
			continue
		}
		bin, err := selfdist.CompileBinary(root, t, scratch, log)
		if err != nil {
			fail(err)
		}
		name, err := selfdist.BuildWheel(filepath.Join(root, "python"), bin, t, *out, os.Getenv("SOURCE_DATE_EPOCH"), log)
		if err != nil {
			fail(err)
		}
		fmt.Println(filepath.Join(*out, name))
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "mkwheels: %v\n", err)
	os.Exit(1)
}
