package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"

	"goflit/internal/diag"
	"goflit/names"
)

// Keyring stores passwords and tokens. CommandKeyring talks to the `keyring`
// command line tool (the Python keyring package's CLI), the way flit's
// keyring lookups and uv's --keyring-provider subprocess do.
type Keyring interface {
	// Get returns the secret for (service, username); found=false when none.
	Get(service, username string) (secret string, found bool, err error)
	Set(service, username, secret string) error
}

// CommandKeyring runs a keyring command line tool: Command plus
// "get SERVICE USER" (secret on stdout, exit 1 when absent) or
// "set SERVICE USER" (secret on stdin).
type CommandKeyring struct {
	Command []string // e.g. ["keyring"] or ["keyring", "-b", "some.Backend"]
	Env     []string // extra environment (nil: the process environment)
}

// FindKeyring returns a CommandKeyring for `keyring` on PATH, or nil.
func FindKeyring() Keyring {
	p, err := exec.LookPath("keyring")
	if err != nil {
		return nil
	}
	return &CommandKeyring{Command: []string{p}}
}

func (k *CommandKeyring) cmd(args ...string) *exec.Cmd {
	c := exec.Command(k.Command[0], append(append([]string{}, k.Command[1:]...), args...)...)
	if k.Env != nil {
		c.Env = append(os.Environ(), k.Env...)
	}
	return c
}

func (k *CommandKeyring) Get(service, username string) (string, bool, error) {
	c := k.cmd("get", service, username)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 && strings.TrimSpace(stderr.String()) == "" {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("keyring get: %v: %s", err, lastLine(stderr.String()))
	}
	s := strings.TrimRight(string(out), "\r\n")
	return s, s != "", nil
}

func (k *CommandKeyring) Set(service, username, secret string) error {
	c := k.cmd("set", service, username)
	c.Stdin = strings.NewReader(secret + "\n")
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Run(); err != nil {
		return fmt.Errorf("keyring set: %v: %s", err, lastLine(stderr.String()))
	}
	return nil
}

// lastLine is the last non-empty line of a tool's stderr: the exception
// message of a Python traceback.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// Prompter asks the user on a terminal. Nil means there is no terminal.
type Prompter interface {
	Line(prompt string) (string, error)     // echoed input
	Password(prompt string) (string, error) // no echo
	Say(msg string)                         // a line on the terminal
}

// Options say where credentials may come from.
type Options struct {
	Pypirc      string // path of .pypirc (default ~/.pypirc, resolved by the caller)
	PypircGiven bool   // --pypirc was given: the file must exist
	Repository  string // --repository NAME, "" for none
	Project     string // project name, for keyring token keys
	Getenv      func(string) string
	Keyring     Keyring  // nil: no keyring
	Prompt      Prompter // nil: not a terminal
	Log         diag.Logger
	// HTTP is used for trusted publishing (nil: http.DefaultClient).
	HTTP *http.Client
	// Mask receives "::add-mask::TOKEN" lines in GitHub Actions (stdout).
	Mask func(line string)
}

// Target is a resolved upload destination with credentials.
type Target struct {
	URL      string
	Username string
	Password string
	// Source says where the password came from, for -v output: "FLIT_PASSWORD",
	// ".pypirc", "keyring (pypi_token:project:foo)", "trusted publishing", "prompt".
	Source string
}

// Redacted returns the URL with any userinfo password replaced, safe to log.
func Redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// checkUploadURL says what is wrong with an upload URL that cannot be
// used ("" scheme, no host, another scheme), as the end of a sentence.
func checkUploadURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return errors.New("is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		if u.Scheme == "" {
			return errors.New("is not a URL (no http:// or https://)")
		}
		return fmt.Errorf("has scheme %q, not http or https", u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return errors.New("has no host")
	}
	return nil
}

var switchToHTTPS = []string{"http://pypi.python.org/", "http://testpypi.python.org/", "http://upload.pypi.org/"}

// ResolveRepository picks the upload URL and the .pypirc credentials
// (flit's get_repository, before the username/password steps):
// --repository NAME (which must be in index-servers; FLIT_INDEX_URL as well
// is an error), else FLIT_INDEX_URL, else the "pypi" entry, else PyPI.
func ResolveRepository(o Options) (Repository, error) {
	log := o.Log
	if log == nil {
		log = diag.Discard
	}
	if o.PypircGiven {
		if fi, err := os.Stat(o.Pypirc); err != nil || !fi.Mode().IsRegular() {
			return Repository{}, fmt.Errorf("%s: the specified pypirc config file does not exist", o.Pypirc)
		}
	}
	log.Debugf("Loading repositories config from %s", o.Pypirc)
	cfg, err := ReadPypirc(o.Pypirc)
	if err != nil {
		return Repository{}, err
	}
	indexURL := o.Getenv("FLIT_INDEX_URL")
	var repo Repository
	switch {
	case o.Repository != "":
		r, ok := cfg.Repos[o.Repository]
		switch {
		case ok:
		case cfg.Missing:
			return Repository{}, fmt.Errorf("%s does not exist: --repository %s needs a [%s] section (repository = its upload URL) listed in [distutils] index-servers, or set FLIT_INDEX_URL instead",
				o.Pypirc, o.Repository, o.Repository)
		case cfg.Sections[o.Repository]:
			return Repository{}, fmt.Errorf("%s: [%s] is not listed in [distutils] index-servers (have: %s): add it there",
				o.Pypirc, o.Repository, strings.Join(cfg.IndexServers, ", "))
		default:
			return Repository{}, fmt.Errorf("%s: no repository %q in [distutils] index-servers (have: %s): add a [%s] section (repository = its upload URL) and list it there",
				o.Pypirc, o.Repository, strings.Join(cfg.IndexServers, ", "), o.Repository)
		}
		if indexURL != "" {
			return Repository{}, errors.New("use either FLIT_INDEX_URL or --repository, not both")
		}
		repo = r
	case indexURL != "":
		repo = Repository{URL: indexURL}
	default:
		if r, ok := cfg.Repos["pypi"]; ok {
			repo = r
		} else {
			repo = Repository{Name: "pypi", URL: PyPI}
		}
	}
	if err := checkUploadURL(repo.URL); err != nil {
		if o.Repository == "" && indexURL != "" {
			return Repository{}, fmt.Errorf("FLIT_INDEX_URL=%q %s: set it to the index's upload URL, e.g. %s", Redacted(repo.URL), err, PyPI)
		}
		return Repository{}, fmt.Errorf("%s: [%s] repository = %q %s: set it to the index's upload URL, e.g. %s", o.Pypirc, repo.Name, Redacted(repo.URL), err, PyPI)
	}
	for _, p := range switchToHTTPS {
		if strings.HasPrefix(repo.URL, p) {
			repo.URL = "https" + repo.URL[4:]
		}
	}
	if strings.HasPrefix(repo.URL, "http://") {
		log.Warnf("Unencrypted connection - credentials may be visible on the network.")
	}
	log.Infof("Using repository at %s", Redacted(repo.URL))
	return repo, nil
}

// Resolve returns the upload URL and credentials, as flit does:
//
//	username: FLIT_USERNAME, else .pypirc, else a terminal prompt (written to
//	          a new .pypirc for PyPI), else an error;
//	password: FLIT_PASSWORD, else .pypirc, else keyring tokens
//	          (pypi_token:project:<name>, pypi_token:user:<user>; username
//	          becomes __token__), else the keyring password, else a prompt
//	          (stored in keyring), else an error.
//
// Before asking for a username, when neither FLIT_USERNAME, FLIT_PASSWORD
// nor .pypirc credentials are set and the CI provides an OIDC ID token
// (GitHub Actions, GitLab CI), trusted publishing mints a short-lived token.
func Resolve(ctx context.Context, o Options) (*Target, error) {
	log := o.Log
	if log == nil {
		log = diag.Discard
	}
	repo, err := ResolveRepository(o)
	if err != nil {
		return nil, err
	}
	t := &Target{URL: repo.URL, Username: repo.Username, Password: repo.Password}
	if t.Password != "" {
		t.Source = ".pypirc"
	}
	envUser, envPass := o.Getenv("FLIT_USERNAME"), o.Getenv("FLIT_PASSWORD")
	if envUser == "" && envPass == "" && t.Username == "" && t.Password == "" {
		if _, provider := AmbientIDTokenAvailable(o.Getenv, o.Repository); provider != "" {
			log.Infof("No credentials configured; using trusted publishing (%s)", provider)
			tok, err := TrustedPublishing(ctx, o.HTTP, repo.URL, o.Repository, o.Getenv, o.Mask)
			if err != nil {
				return nil, err
			}
			t.Username, t.Password, t.Source = "__token__", tok, SourceTrustedPublishing
			return t, nil
		}
	}
	switch {
	case envUser != "":
		t.Username = envUser
	case t.Username == "" && o.Prompt != nil:
		for t.Username == "" {
			if t.Username, err = o.Prompt.Line("Username: "); err != nil {
				return nil, err
			}
			t.Username = strings.TrimSpace(t.Username)
		}
		if t.URL == PyPI {
			if err := writeNewPypirc(o.Pypirc, t.Username); err != nil {
				log.Warnf("%s: could not save the username: %v", o.Pypirc, err)
			}
		}
	case t.Username == "":
		msg := "could not find a username for upload: set FLIT_USERNAME (and FLIT_PASSWORD), " +
			"add username/password to .pypirc, or run on a terminal to be asked"
		switch {
		case o.Getenv("GITHUB_ACTIONS") == "true":
			msg += "; for trusted publishing, give the job `permissions: id-token: write`"
		case o.Getenv("GITLAB_CI") == "true":
			msg += "; for trusted publishing, add an id_tokens entry " + gitlabVar(o.Repository) + " whose aud is the index's audience (pypi for PyPI)"
		}
		return nil, errors.New(msg)
	}
	if envPass != "" {
		t.Password, t.Source = envPass, "FLIT_PASSWORD"
		return t, nil
	}
	if t.Password != "" {
		return t, nil
	}
	keyring := o.Keyring
	if keyring != nil {
		keys := []string{}
		if o.Project != "" {
			keys = append(keys, "pypi_token:project:"+names.Normalize(o.Project))
		}
		keys = append(keys, "pypi_token:user:"+t.Username)
		for _, k := range keys {
			tok, found, err := keyring.Get(t.URL, k)
			if err != nil {
				log.Warnf("Could not get token from keyring: %v", err)
				keyring = nil // unusable: do not ask again
				break
			}
			if found {
				log.Infof("Using %s token from keyring", k)
				t.Username, t.Password, t.Source = "__token__", tok, "keyring ("+k+")"
				return t, nil
			}
		}
	}
	if keyring != nil {
		pw, found, err := keyring.Get(t.URL, t.Username)
		if err != nil {
			log.Warnf("Could not get password from keyring: %v", err)
			keyring = nil
		} else if found {
			t.Password, t.Source = pw, "keyring"
			return t, nil
		}
	}
	if o.Prompt == nil {
		return nil, errors.New("could not find a password for upload: set FLIT_PASSWORD (an API token, with " +
			"FLIT_USERNAME=__token__), add it to .pypirc or keyring, or run on a terminal to be asked")
	}
	o.Prompt.Say("Server  : " + Redacted(t.URL))
	o.Prompt.Say("Username: " + t.Username)
	for t.Password == "" {
		if t.Password, err = o.Prompt.Password("Password: "); err != nil {
			return nil, err
		}
	}
	t.Source = "prompt"
	if o.Keyring == nil {
		log.Warnf("Install keyring to store tokens/passwords securely")
	} else if keyring != nil {
		if err := keyring.Set(t.URL, t.Username, t.Password); err != nil {
			log.Warnf("Could not store password in keyring: %v", err)
		}
	}
	return t, nil
}
