// Command flit builds, installs and publishes Python packages described by a
// pyproject.toml, as Python's flit does. All the work is in internal/cli.
package main

import (
	"os"

	"goflit/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.OSEnv()))
}
