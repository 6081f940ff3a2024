package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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
// A signal (ctx cancelled) ends a prompt at once, with the terminal's echo
// restored: the read itself cannot be interrupted.
type termPrompt struct {
	ctx context.Context
	in  *bufio.Reader
	fd  int
	out io.Writer
}

type readResult struct {
	s   string
	err error
}

// wait returns the read's result, or the cancellation cause once ctx is
// done (restoring the terminal state saved before the read).
func (p *termPrompt) wait(ch <-chan readResult, state *term.State) (string, error) {
	select {
	case r := <-ch:
		return r.s, r.err
	case <-p.ctx.Done():
		if state != nil {
			term.Restore(p.fd, state)
		}
		fmt.Fprintln(p.out)
		return "", context.Cause(p.ctx)
	}
}

func (p *termPrompt) Line(prompt string) (string, error) {
	fmt.Fprint(p.out, prompt)
	ch := make(chan readResult, 1)
	go func() {
		s, err := p.in.ReadString('\n')
		if err != nil && s == "" {
			ch <- readResult{err: fmt.Errorf("reading %s%v", strings.ToLower(prompt), err)}
			return
		}
		ch <- readResult{s: strings.TrimRight(s, "\r\n")}
	}()
	return p.wait(ch, nil)
}

func (p *termPrompt) Password(prompt string) (string, error) {
	fmt.Fprint(p.out, prompt)
	state, _ := term.GetState(p.fd)
	ch := make(chan readResult, 1)
	go func() {
		b, err := term.ReadPassword(p.fd)
		fmt.Fprintln(p.out)
		if err != nil {
			ch <- readResult{err: fmt.Errorf("reading the password: %v", err)}
			return
		}
		ch <- readResult{s: string(b)}
	}()
	return p.wait(ch, state)
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
			"                    [--skip-existing] [--check-url URL] [--no-attestations] [--dry-run] [FILES...]",
		short: "Build and upload wheel and sdist",
	}
	c.run = func(g *Globals, args []string) int {
		var formats formatList
		var useVCS, noUseVCS, skipExisting, dryRun, noAttestations bool
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
  --no-attestations  do not upload attestation files (also FLIT_NO_ATTESTATIONS=1)
  --dry-run          everything but the upload; shows the attestations that go
                     with each file (as -v does)

Attestations: PEP 740 attestation files next to a file being uploaded,
<file name>.<kind>.attestation (e.g. dist/pkg-1.0.tar.gz.publish.attestation,
as gh-action-pypi-publish and other Sigstore tools write them), are uploaded
with it. Before anything is uploaded each is checked: a JSON object with
version 1, verification_material and an envelope whose in-toto statement has
exactly one subject, the file's name and sha256. The Sigstore signature is not
verified here (the index does that), and flit does not generate attestations.
PyPI accepts them only with trusted publishing.

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
		fs.BoolVar(&noAttestations, "no-attestations", false, "")
		if code, ok := parseFlags(g, c, fs, args); !ok {
			return code
		}
		if useVCS && noUseVCS {
			return usageError(g, c, "--use-vcs and --no-use-vcs cannot be used together")
		}
		if checkURL != "" {
			skipExisting = true
		}
		if v := strings.ToLower(g.Env.Getenv("FLIT_NO_ATTESTATIONS")); v != "" && v != "0" && v != "false" && v != "no" {
			noAttestations = true
		}
		files := fs.Args()
		if len(files) > 0 && (len(formats) > 0 || useVCS || noUseVCS) {
			return usageError(g, c, "--format and --use-vcs apply to building: not with FILES")
		}
		// Attestation files among FILES (dist/* matches them) are picked up
		// with their dist; the ones that go with no dist are an error below.
		var givenAtts []string
		for i := 0; i < len(files); {
			if upload.IsAttestation(files[i]) {
				givenAtts = append(givenAtts, files[i])
				files = append(files[:i], files[i+1:]...)
				continue
			}
			i++
		}
		if len(givenAtts) > 0 && len(files) == 0 {
			return usageError(g, c, "only attestation files given: name the wheels and sdists to upload (their attestations go with them)")
		}
		pypircGiven := pypirc != ""
		if !pypircGiven {
			pypirc = filepath.Join(homeDir(g), ".pypirc")
		} else if !filepath.IsAbs(pypirc) {
			pypirc = filepath.Join(g.Env.Dir, pypirc)
		}
		// Ctrl-C or SIGTERM cancels what is under way (a prompt, a
		// request) and ends publish with 128+signal, as the other commands.
		ctx, stop := signalContext()
		defer stop()
		fail := func(err error) int {
			if sig, code, ok := signalExit(ctx); ok {
				g.Fail(fmt.Errorf("publish interrupted (%s)", sig))
				return code
			}
			return g.Fail(err)
		}

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
				return fail(err)
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
				return fail(err)
			}
			project = d.Meta.Metadata.Name
		}

		opts := upload.Options{Pypirc: pypirc, PypircGiven: pypircGiven, Repository: repoName, Project: project,
			Getenv: g.Env.Getenv, Keyring: upload.FindKeyring(), Log: g.Log,
			Mask: func(line string) { fmt.Fprintln(g.Env.Stdout, line) }}
		if g.Env.IsTerminal != nil && g.Env.IsTerminal() {
			if f, ok := g.Env.Stdin.(*os.File); ok {
				opts.Prompt = &termPrompt{ctx: ctx, in: bufio.NewReader(f), fd: int(f.Fd()), out: g.Env.Stderr}
			}
		}
		target, err := upload.Resolve(ctx, opts)
		if err != nil {
			return fail(err)
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
				return fail(err)
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
			return fail(errors.New("not uploading: fix the problems above (flit check shows them again)"))
		}
		atts := make([][]upload.Attestation, len(files))
		if !noAttestations {
			var err error
			if atts, err = loadAttestations(g, files, givenAtts); err != nil {
				return fail(err)
			}
			for _, a := range atts {
				if len(a) > 0 {
					if w := upload.AttestationWarning(target); w != "" {
						g.Log.Warnf("%s", w)
					}
					break
				}
			}
		} else if len(givenAtts) > 0 {
			g.Log.Debugf("--no-attestations: not uploading %s", strings.Join(givenAtts, ", "))
		}
		client := &upload.Client{Log: g.Log, UserAgent: "goflit/" + Version}
		if f, ok := g.Env.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			bar := &progressBar{w: g.Env.Stderr}
			client.Progress = bar.update
		}
		for i, f := range files {
			_, err := client.Upload(ctx, upload.Request{Target: target, Path: f, SkipExisting: skipExisting, CheckURL: checkURL, DryRun: dryRun, Attestations: atts[i]})
			if err != nil {
				return fail(err)
			}
		}
		return 0
	}
	return c
}

// loadAttestations finds and checks the attestation files of every file
// before anything is uploaded. given are attestation files named on the
// command line: each must go with one of files. Errors name the
// attestation relative to the working directory.
func loadAttestations(g *Globals, files, given []string) ([][]upload.Attestation, error) {
	rel := func(p string) string {
		if r, err := filepath.Rel(g.Env.Dir, p); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
		return p
	}
	out := make([][]upload.Attestation, len(files))
	used := map[string]bool{}
	for i, f := range files {
		if found, err := upload.FindAttestations(f); err != nil || len(found) == 0 {
			continue // an unreadable directory shows when uploading
		}
		dg, err := upload.FileDigests(f)
		if err != nil {
			return nil, err
		}
		atts, err := upload.LoadAttestations(f, dg.SHA256)
		var ae *upload.AttestationError
		if errors.As(err, &ae) {
			ae.Path = rel(ae.Path)
			return nil, ae
		}
		if err != nil {
			return nil, err
		}
		for _, a := range atts {
			used[filepath.Clean(a.Path)] = true
		}
		out[i] = atts
	}
	for _, a := range given {
		p := a
		if !filepath.IsAbs(p) {
			p = filepath.Join(g.Env.Dir, p)
		}
		if !used[filepath.Clean(p)] {
			return nil, fmt.Errorf("%s: attestation for none of the files being uploaded (attestations are named <file name>.<kind>.attestation and sit next to their file)", a)
		}
	}
	return out, nil
}
