package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/term"

	"goflit/check"
	"goflit/internal/build"
	"goflit/pyproject"
	"goflit/upload"
)

// termPrompt asks on the terminal: lines with echo, passwords without.
type termPrompt struct {
	in  *bufio.Reader
	fd  int
	out io.Writer
}

func (p *termPrompt) Line(prompt string) (string, error) {
	fmt.Fprint(p.out, prompt)
	s, err := p.in.ReadString('\n')
	if err != nil && s == "" {
		return "", fmt.Errorf("reading %s%v", strings.ToLower(prompt), err)
	}
	return strings.TrimRight(s, "\r\n"), nil
}

func (p *termPrompt) Password(prompt string) (string, error) {
	fmt.Fprint(p.out, prompt)
	b, err := term.ReadPassword(p.fd)
	fmt.Fprintln(p.out)
	if err != nil {
		return "", fmt.Errorf("reading the password: %v", err)
	}
	return string(b), nil
}

func (p *termPrompt) Say(msg string) { fmt.Fprintln(p.out, msg) }

// progressBar draws one line per file on a terminal.
type progressBar struct {
	mu  sync.Mutex
	w   io.Writer
	cur string
}

func (b *progressBar) update(file string, sent, total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	pct := 100
	if total > 0 {
		pct = int(sent * 100 / total)
	}
	const width = 30
	fill := pct * width / 100
	fmt.Fprintf(b.w, "\r%s [%s%s] %3d%% %s/%s", file, strings.Repeat("=", fill), strings.Repeat(" ", width-fill), pct, humanBytes(sent), humanBytes(total))
	if sent >= total {
		fmt.Fprintln(b.w)
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func homeDir(g *Globals) string {
	if h := g.Env.Getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

func publishCommand() *command {
	c := &command{
		name: "publish",
		usage: "[--format wheel|sdist]... [--use-vcs | --no-use-vcs] [--repository NAME] [--pypirc FILE]\n" +
			"                    [--skip-existing] [--check-url URL] [--dry-run] [FILES...]",
		short: "Build and upload wheel and sdist",
	}
	c.run = func(g *Globals, args []string) int {
		var formats formatList
		var useVCS, noUseVCS, skipExisting, dryRun bool
		var repoName, pypirc, checkURL string
		fs := newFlagSet(g, c, func(w io.Writer) {
			fmt.Fprint(w, `Builds the project (as flit build), checks the files the way PyPI will (as
flit check), then uploads the wheel and the sdist. With FILES, uploads those
files instead of building.

  --format F         wheel or sdist; repeat for both (default: both)
  --use-vcs, --no-use-vcs   as for flit build
  --repository NAME  a section of .pypirc named in [distutils] index-servers
  --pypirc FILE      the .pypirc to read (default ~/.pypirc)
  --skip-existing    a file already on the index with the same sha256 counts as
                     uploaded; the same name with other content is an error
  --check-url URL    the index's simple API to compare with (implies
                     --skip-existing; default: the upload URL with /legacy/
                     replaced by /simple/)
  --dry-run          everything but the upload

Repository: --repository, else FLIT_INDEX_URL, else [pypi] in .pypirc, else
https://upload.pypi.org/legacy/. Username: FLIT_USERNAME, else .pypirc, else a
prompt on a terminal. Password: FLIT_PASSWORD, else .pypirc, else keyring
(pypi_token:project:NAME, pypi_token:user:USER, then the password), else a
prompt. With no credentials at all in GitHub Actions (id-token: write) or
GitLab CI (an id_tokens entry PYPI_ID_TOKEN), trusted publishing is used.
Failed attempts are retried (connection errors, 429, 5xx), never on 4xx.
`)
		})
		fs.Var(&formats, "format", "")
		fs.BoolVar(&useVCS, "use-vcs", false, "")
		fs.BoolVar(&noUseVCS, "no-use-vcs", false, "")
		fs.StringVar(&repoName, "repository", "", "")
		fs.StringVar(&pypirc, "pypirc", "", "")
		fs.BoolVar(&skipExisting, "skip-existing", false, "")
		fs.StringVar(&checkURL, "check-url", "", "")
		fs.BoolVar(&dryRun, "dry-run", false, "")
		if code, ok := parseFlags(g, c, fs, args); !ok {
			return code
		}
		if useVCS && noUseVCS {
			return usageError(g, c, "--use-vcs and --no-use-vcs cannot be used together")
		}
		if checkURL != "" {
			skipExisting = true
		}
		files := fs.Args()
		if len(files) > 0 && (len(formats) > 0 || useVCS || noUseVCS) {
			return usageError(g, c, "--format and --use-vcs apply to building: not with FILES")
		}
		pypircGiven := pypirc != ""
		if !pypircGiven {
			pypirc = filepath.Join(homeDir(g), ".pypirc")
		} else if !filepath.IsAbs(pypirc) {
			pypirc = filepath.Join(g.Env.Dir, pypirc)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()

		// The project name (for keyring token keys) comes from the config
		// before anything is built, or from the files given.
		var project string
		if len(files) == 0 {
			if code, ok := g.checkProjectFile(); !ok {
				return code
			}
			pf := g.ProjectFile()
			p, err := pyproject.Load(pf, pyproject.Options{AllowInvalid: g.Env.Getenv("FLIT_ALLOW_INVALID") != "", Getenv: g.Env.Getenv, Log: g.Log})
			if err != nil {
				return g.Fail(err)
			}
			project = p.Name
		} else {
			for i, f := range files {
				if !filepath.IsAbs(f) {
					files[i] = filepath.Join(g.Env.Dir, f)
				}
			}
			d, err := check.Open(files[0])
			if err != nil {
				return g.Fail(err)
			}
			project = d.Meta.Metadata.Name
		}

		opts := upload.Options{Pypirc: pypirc, PypircGiven: pypircGiven, Repository: repoName, Project: project,
			Getenv: g.Env.Getenv, Keyring: upload.FindKeyring(), Log: g.Log,
			Mask: func(line string) { fmt.Fprintln(g.Env.Stdout, line) }}
		if g.Env.IsTerminal != nil && g.Env.IsTerminal() {
			if f, ok := g.Env.Stdin.(*os.File); ok {
				opts.Prompt = &termPrompt{in: bufio.NewReader(f), fd: int(f.Fd()), out: g.Env.Stderr}
			}
		}
		target, err := upload.Resolve(ctx, opts)
		if err != nil {
			return g.Fail(err)
		}
		g.Log.Debugf("Credentials: user %s, password from %s", target.Username, target.Source)

		if len(files) == 0 {
			req := build.Request{ProjectFile: g.ProjectFile(), Formats: formats, Getenv: g.Env.Getenv, Log: g.Log, Validate: true}
			if useVCS || noUseVCS {
				v := useVCS
				req.UseVCS = &v
			}
			arts, err := build.Run(req)
			if err != nil {
				return g.Fail(err)
			}
			// flit uploads the wheel, then the sdist.
			for _, a := range arts {
				if a.Format == "wheel" {
					files = append(files, a.Path)
				}
			}
			for _, a := range arts {
				if a.Format != "wheel" {
					files = append(files, a.Path)
				}
			}
		}
		shown := make([]string, len(files))
		for i, f := range files {
			shown[i] = f
			if rel, err := filepath.Rel(g.Env.Dir, f); err == nil && !strings.HasPrefix(rel, "..") {
				shown[i] = rel
			}
		}
		if runChecks(g, shown) {
			return g.Fail(errors.New("not uploading: fix the problems above (flit check shows them again)"))
		}
		client := &upload.Client{Log: g.Log, UserAgent: "goflit/" + Version}
		if f, ok := g.Env.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			bar := &progressBar{w: g.Env.Stderr}
			client.Progress = bar.update
		}
		for _, f := range files {
			_, err := client.Upload(ctx, upload.Request{Target: target, Path: f, SkipExisting: skipExisting, CheckURL: checkURL, DryRun: dryRun})
			if err != nil {
				return g.Fail(err)
			}
		}
		return 0
	}
	return c
}
