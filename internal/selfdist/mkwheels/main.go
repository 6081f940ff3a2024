// Command mkwheels builds goflit's platform wheels, or its sdist, into a
// folder:
//
//	go run ./internal/selfdist/mkwheels [-out dist] [-only linux/amd64,...|host] [-project DIR]
//	go run ./internal/selfdist/mkwheels -sdist [-out dist] [-project DIR]
//
// It is what `make wheels` and `make sdist` run, and what the in-tree
// backend of goflit's sdist runs to build a wheel from source. It runs in
// the Go module's root; -project is the shim project (default: python/).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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
	only := flag.String("only", "", "comma-separated GOOS/GOARCH list, or host (default: all targets)")
	project := flag.String("project", "", "the shim project folder (default: python/ in the module root)")
	sdistOnly := flag.Bool("sdist", false, "build the sdist (which builds from source with a Go toolchain) instead of wheels")
	verbose := flag.Bool("v", false, "show commands")
	flag.Parse()
	log := stderrLog{*verbose}
	root, err := os.Getwd()
	if err != nil {
		fail(err)
	}
	if *project == "" {
		*project = filepath.Join(root, "python")
	}
	if *only == "host" {
		*only = runtime.GOOS + "/" + runtime.GOARCH
		if _, ok := selfdist.Find(runtime.GOOS, runtime.GOARCH); !ok {
			fail(fmt.Errorf("goflit has no wheel target for this machine (%s); known: %s", *only, targetList()))
		}
	}
	if *sdistOnly {
		name, err := selfdist.BuildSdist(root, *project, *out, os.Getenv("SOURCE_DATE_EPOCH"), log)
		if err != nil {
			fail(err)
		}
		fmt.Println(filepath.Join(*out, name))
		return
	}
	scratch, err := os.MkdirTemp("", "goflit-mkwheels-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(scratch)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	built := 0
	for _, t := range selfdist.Targets {
		if *only != "" && !strings.Contains(","+*only+",", ","+t.GOOS+"/"+t.GOARCH+",") {
			continue
		}
		built++
		bin, err := selfdist.CompileBinary(root, t, scratch, log)
		if err != nil {
			fail(err)
		}
		name, err := selfdist.BuildWheel(*project, bin, t, *out, os.Getenv("SOURCE_DATE_EPOCH"), log)
		if err != nil {
			fail(err)
		}
		fmt.Println(filepath.Join(*out, name))
	}
	if built == 0 {
		fail(fmt.Errorf("-only %q matches no target; known: %s", *only, targetList()))
	}
}

func targetList() string {
	var l []string
	for _, t := range selfdist.Targets {
		l = append(l, t.GOOS+"/"+t.GOARCH)
	}
	return strings.Join(l, ", ")
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "mkwheels: %v\n", err)
	os.Exit(1)
}
