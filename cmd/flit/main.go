// Command flit builds, installs and publishes Python packages described by a
// pyproject.toml, as Python's flit does. All the work is in internal/cli.
package main

import (
	"os"

	"goflit/internal/cli"
	"goflit/internal/interrupt"
)

func main() {
	// Ctrl-C or SIGTERM during a build removes its temporary directories.
	interrupt.Enable()
	os.Exit(cli.Main(os.Args[1:], cli.OSEnv()))
}
