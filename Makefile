# Developer shortcuts. The README's two commands are the supported entry points.
.PHONY: flit test wheels sdist clean

flit:
	go build -o bin/flit ./cmd/flit

test:
	./scripts/test.sh

# goflit's own platform wheels (linux x86_64/aarch64, macOS, Windows) into dist/.
wheels:
	go run ./internal/selfdist/mkwheels -out dist

# goflit's sdist (builds from source with a Go toolchain) into dist/.
sdist:
	go run ./internal/selfdist/mkwheels -sdist -out dist

clean:
	rm -rf bin dist
