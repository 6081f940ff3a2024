package upload

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"goflit/internal/testutil"
)

type scriptedPrompt struct {
	answers []string
	said    []string
}

func (p *scriptedPrompt) next(prompt string) (string, error) {
	p.said = append(p.said, prompt)
	if len(p.answers) == 0 {
		return "", fmt.Errorf("unexpected prompt %q", prompt)
	}
	a := p.answers[0]
	p.answers = p.answers[1:]
	return a, nil
}
func (p *scriptedPrompt) Line(s string) (string, error)     { return p.next(s) }
func (p *scriptedPrompt) Password(s string) (string, error) { return p.next(s) }
func (p *scriptedPrompt) Say(s string)                      { p.said = append(p.said, s) }

// realKeyring drives Debian's `keyring` CLI with a file backend.
func realKeyring(t *testing.T, preset map[string]string) (*CommandKeyring, string) {
	testutil.PythonWith(t, "keyring")
	bin := testutil.NeedCommand(t, "keyring", "apt-get install python3-keyring")
	store := filepath.Join(t.TempDir(), "keyring.json")
	data, _ := json.Marshal(preset)
	os.WriteFile(store, data, 0o600)
	testdata, _ := filepath.Abs("testdata")
	return &CommandKeyring{Command: []string{bin, "-p", testdata, "-b", "testkeyring.FileKeyring"},
		Env: []string{"GOFLIT_TEST_KEYRING=" + store}}, store
}

const pypircFull = `[distutils]
index-servers =
    pypi
    test

[pypi]
username = rcuser
password = rc%pass

[test]
repository = https://test.example.org/legacy/
username = testuser
password = testpass
`

// TestCredentialPrecedence follows flit.md §4 (flit publish: repository
// resolution, username, password) case by case.
func TestCredentialPrecedence(t *testing.T) {
	type tc struct {
		name         string
		pypirc       string // "" = no file
		pypircGiven  bool
		env          map[string]string
		repo         string
		keyring      map[string]string // nil = no keyring
		noBackend    bool              // the keyring CLI with no usable backend
		prompt       []string          // nil = no terminal
		want         Target
		wantErr      string
		wantLog      string
		wantPypirc   string // content of .pypirc afterwards
		wantKeyring  string // a key that must be in keyring afterwards
		wantPromptIO string
	}
	cases := []tc{
		{name: "nothing, no terminal", wantErr: "could not find a username for upload: set FLIT_USERNAME (and FLIT_PASSWORD), add username/password to .pypirc, or run on a terminal to be asked"},
		{name: "GitHub Actions without id-token permission", env: map[string]string{"GITHUB_ACTIONS": "true"},
			wantErr: "or run on a terminal to be asked; for trusted publishing, give the job `permissions: id-token: write`"},
		{name: "GitLab CI without an ID token", env: map[string]string{"GITLAB_CI": "true"}, repo: "test", pypirc: "[distutils]\nindex-servers = test\n[test]\nrepository = https://t.example/legacy/\n",
			wantErr: "for trusted publishing, add an id_tokens entry TEST_ID_TOKEN whose aud is the index's audience (pypi for PyPI)"},
		{name: "env only", env: map[string]string{"FLIT_USERNAME": "u", "FLIT_PASSWORD": "p"},
			want: Target{URL: PyPI, Username: "u", Password: "p", Source: "FLIT_PASSWORD"}},
		{name: "pypirc pypi entry, % is literal", pypirc: pypircFull,
			want: Target{URL: PyPI, Username: "rcuser", Password: "rc%pass", Source: ".pypirc"}},
		{name: "FLIT_PASSWORD beats pypirc", pypirc: pypircFull, env: map[string]string{"FLIT_PASSWORD": "envpass"},
			want: Target{URL: PyPI, Username: "rcuser", Password: "envpass", Source: "FLIT_PASSWORD"}},
		{name: "FLIT_USERNAME beats pypirc", pypirc: pypircFull, env: map[string]string{"FLIT_USERNAME": "envuser"},
			want: Target{URL: PyPI, Username: "envuser", Password: "rc%pass", Source: ".pypirc"}},
		{name: "--repository", pypirc: pypircFull, repo: "test",
			want: Target{URL: "https://test.example.org/legacy/", Username: "testuser", Password: "testpass", Source: ".pypirc"}},
		{name: "--repository not in index-servers", pypirc: pypircFull, repo: "nope",
			wantErr: `no repository "nope" in [distutils] index-servers (have: pypi, test)`},
		{name: "--repository and FLIT_INDEX_URL", pypirc: pypircFull, repo: "test", env: map[string]string{"FLIT_INDEX_URL": "https://x/legacy/"},
			wantErr: "use either FLIT_INDEX_URL or --repository, not both"},
		{name: "FLIT_INDEX_URL ignores pypirc credentials", pypirc: pypircFull, env: map[string]string{"FLIT_INDEX_URL": "https://idx.example/legacy/"},
			wantErr: "could not find a username"},
		{name: "FLIT_INDEX_URL with env credentials", pypirc: pypircFull,
			env:  map[string]string{"FLIT_INDEX_URL": "https://idx.example/legacy/", "FLIT_USERNAME": "a", "FLIT_PASSWORD": "b"},
			want: Target{URL: "https://idx.example/legacy/", Username: "a", Password: "b", Source: "FLIT_PASSWORD"}},
		{name: "http pypi rewritten to https", pypirc: "[pypi]\nrepository = http://upload.pypi.org/legacy/\nusername = u\npassword = p\n",
			want: Target{URL: "https://upload.pypi.org/legacy/", Username: "u", Password: "p", Source: ".pypirc"}},
		{name: "unencrypted warning", env: map[string]string{"FLIT_INDEX_URL": "http://idx.example/legacy/", "FLIT_USERNAME": "a", "FLIT_PASSWORD": "b"},
			want:    Target{URL: "http://idx.example/legacy/", Username: "a", Password: "b", Source: "FLIT_PASSWORD"},
			wantLog: "warning: Unencrypted connection - credentials may be visible on the network."},
		{name: "--pypirc that does not exist", pypircGiven: true, wantErr: "the specified pypirc config file does not exist"},
		{name: "no password, no terminal", env: map[string]string{"FLIT_USERNAME": "u"},
			wantErr: "could not find a password for upload: set FLIT_PASSWORD"},
		{name: "keyring project token", env: map[string]string{"FLIT_USERNAME": "fred"},
			keyring: map[string]string{PyPI + " pypi_token:project:my-proj": "pypi-proj", PyPI + " pypi_token:user:fred": "pypi-user"},
			want:    Target{URL: PyPI, Username: "__token__", Password: "pypi-proj", Source: "keyring (pypi_token:project:my-proj)"}},
		{name: "keyring user token", env: map[string]string{"FLIT_USERNAME": "fred"},
			keyring: map[string]string{PyPI + " pypi_token:user:fred": "pypi-user", PyPI + " fred": "pw"},
			want:    Target{URL: PyPI, Username: "__token__", Password: "pypi-user", Source: "keyring (pypi_token:user:fred)"}},
		{name: "keyring password", env: map[string]string{"FLIT_USERNAME": "fred"}, keyring: map[string]string{PyPI + " fred": "pw"},
			want: Target{URL: PyPI, Username: "fred", Password: "pw", Source: "keyring"}},
		{name: "pypirc password beats keyring", pypirc: pypircFull, keyring: map[string]string{PyPI + " pypi_token:project:my-proj": "pypi-proj"},
			want: Target{URL: PyPI, Username: "rcuser", Password: "rc%pass", Source: ".pypirc"}},
		{name: "FLIT_PASSWORD beats keyring", env: map[string]string{"FLIT_USERNAME": "fred", "FLIT_PASSWORD": "envpw"},
			keyring: map[string]string{PyPI + " pypi_token:project:my-proj": "pypi-proj"},
			want:    Target{URL: PyPI, Username: "fred", Password: "envpw", Source: "FLIT_PASSWORD"}},
		{name: "prompt username writes new pypirc, password stored in keyring", keyring: map[string]string{},
			prompt:     []string{"", "ada", "", "s3cret"},
			want:       Target{URL: PyPI, Username: "ada", Password: "s3cret", Source: "prompt"},
			wantPypirc: "[pypi]\nusername = ada\n", wantKeyring: PyPI + " ada",
			wantPromptIO: "Username: |Username: |Server  : " + PyPI + "|Username: ada|Password: |Password: "},
		{name: "keyring without a backend", env: map[string]string{"FLIT_USERNAME": "u"}, noBackend: true,
			wantErr: "could not find a password for upload"},
		{name: "keyring without a backend, prompt", env: map[string]string{"FLIT_USERNAME": "u"}, noBackend: true, prompt: []string{"pw"},
			want:    Target{URL: PyPI, Username: "u", Password: "pw", Source: "prompt"},
			wantLog: "warning: Could not get token from keyring: keyring get: exit status 1: keyring.errors.NoKeyringError: No recommended backend was available."},
		{name: "prompt without keyring", env: map[string]string{"FLIT_USERNAME": "u"}, prompt: []string{"pw"},
			want: Target{URL: PyPI, Username: "u", Password: "pw", Source: "prompt"}, wantLog: "warning: Install keyring to store tokens/passwords securely"},
		{name: "prompted username not written for other index", env: map[string]string{"FLIT_INDEX_URL": "https://idx.example/legacy/", "FLIT_PASSWORD": "p"},
			prompt: []string{"ada"}, want: Target{URL: "https://idx.example/legacy/", Username: "ada", Password: "p", Source: "FLIT_PASSWORD"}},
		// Unusable upload URLs are refused up front, naming where they came from.
		{name: "FLIT_INDEX_URL not a URL", env: map[string]string{"FLIT_INDEX_URL": "notaurl", "FLIT_USERNAME": "u", "FLIT_PASSWORD": "p"},
			wantErr: `FLIT_INDEX_URL="notaurl" is not a URL (no http:// or https://): set it to the index's upload URL, e.g. https://upload.pypi.org/legacy/`},
		{name: "FLIT_INDEX_URL without host", env: map[string]string{"FLIT_INDEX_URL": "https:///legacy/", "FLIT_USERNAME": "u", "FLIT_PASSWORD": "p"},
			wantErr: `FLIT_INDEX_URL="https:///legacy/" has no host`},
		{name: "FLIT_INDEX_URL other scheme", env: map[string]string{"FLIT_INDEX_URL": "ftp://idx.example/", "FLIT_USERNAME": "u", "FLIT_PASSWORD": "p"},
			wantErr: `FLIT_INDEX_URL="ftp://idx.example/" has scheme "ftp", not http or https`},
		{name: "pypirc repository without scheme", pypirc: "[distutils]\nindex-servers = test\n[test]\nrepository = idx.example/legacy/\nusername = u\npassword = p\n", repo: "test",
			wantErr: `.pypirc: [test] repository = "idx.example/legacy/" is not a URL (no http:// or https://)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			rc := filepath.Join(dir, ".pypirc")
			if c.pypirc != "" {
				os.WriteFile(rc, []byte(c.pypirc), 0o600)
			}
			o := Options{Pypirc: rc, PypircGiven: c.pypircGiven, Repository: c.repo, Project: "My_Proj",
				Getenv: func(k string) string { return c.env[k] }}
			log := &testutil.Log{}
			o.Log = log
			var store string
			if c.keyring != nil {
				var k *CommandKeyring
				k, store = realKeyring(t, c.keyring)
				o.Keyring = k
			}
			if c.noBackend {
				k, _ := realKeyring(t, nil)
				k.Command = []string{k.Command[0], "-b", "keyring.backends.fail.Keyring"}
				o.Keyring = k
			}
			var prompt *scriptedPrompt
			if c.prompt != nil {
				prompt = &scriptedPrompt{answers: c.prompt}
				o.Prompt = prompt
			}
			got, err := Resolve(context.Background(), o)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *got != c.want {
				t.Errorf("got  %+v\nwant %+v", *got, c.want)
			}
			if c.wantLog != "" && !strings.Contains(log.String(), c.wantLog) {
				t.Errorf("log lacks %q:\n%s", c.wantLog, log.String())
			}
			data, _ := os.ReadFile(rc)
			if c.pypirc == "" && string(data) != c.wantPypirc {
				t.Errorf(".pypirc = %q, want %q", data, c.wantPypirc)
			}
			if c.wantKeyring != "" {
				kr, _ := os.ReadFile(store)
				if !strings.Contains(string(kr), c.wantKeyring) {
					t.Errorf("keyring lacks %q: %s", c.wantKeyring, kr)
				}
			}
			if c.wantPromptIO != "" && strings.Join(prompt.said, "|") != c.wantPromptIO {
				t.Errorf("prompt I/O %q", strings.Join(prompt.said, "|"))
			}
		})
	}
}

func TestParsePypirc(t *testing.T) {
	p, err := ParsePypirc(strings.NewReader(pypircFull+"\n[extra]\nusername: colon\n"), "x")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.IndexServers, ",") != "pypi,test" || p.Repos["pypi"].URL != PyPI || p.Repos["test"].Username != "testuser" {
		t.Errorf("%+v", p)
	}
	for _, bad := range []string{"key = x\n", "[open\n", "[s]\n  indented-first\n", "[s]\nnovalue\n"} {
		if _, err := ParsePypirc(strings.NewReader(bad), ".pypirc"); err == nil || !strings.HasPrefix(err.Error(), ".pypirc:") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// ConfigParser (empty_lines_in_values, full-line comments) keeps a value
// going across blank and comment lines: flit reads this index-servers list
// as [pypi, local, other], and a password continued after a blank line
// keeps the blank line.
func TestParsePypircBlankLinesInValues(t *testing.T) {
	rc := "[distutils]\nindex-servers =\n    pypi\n\n    local\n    # not this one\n    other\n\n\n[local]\nrepository = http://127.0.0.1:8080/legacy/\npassword = a\n\n  b\n\n"
	p, err := ParsePypirc(strings.NewReader(rc), ".pypirc")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.IndexServers, ","); got != "pypi,local,other" {
		t.Errorf("index-servers %q", got)
	}
	if got := p.Repos["local"].Password; got != "a\n\nb" {
		t.Errorf("password %q", got)
	}
}

func FuzzParsePypirc(f *testing.F) {
	f.Add(pypircFull)
	f.Fuzz(func(t *testing.T, s string) { ParsePypirc(strings.NewReader(s), "f") })
}

func FuzzSimpleHTML(f *testing.F) {
	f.Add(`<a href="../../files/x/x-1.0.tar.gz#sha256=abc" data-requires-python="&gt;=3">x-1.0.tar.gz</a>`)
	f.Fuzz(func(t *testing.T, s string) { parseSimpleHTML(s) })
}

func FuzzServerMessage(f *testing.F) {
	f.Add(400, "application/json", `{"message":"400 File already exists"}`)
	f.Add(403, "text/html", "<html><body><h1>403 Forbidden</h1></body></html>")
	f.Fuzz(func(t *testing.T, status int, ct, body string) {
		serverMessage(&response{status: status, statusLine: fmt.Sprint(status), contentType: ct, body: []byte(body)})
	})
}

// --repository NAME that .pypirc cannot supply says what to add: the file
// is missing, the section is not listed in index-servers (flit needs it
// there, a common slip), or neither exists.
func TestRepositoryNotConfigured(t *testing.T) {
	dir := t.TempDir()
	env := func(string) string { return "" }
	missing := filepath.Join(dir, "missing")
	unlisted := filepath.Join(dir, "unlisted")
	os.WriteFile(unlisted, []byte("[testpypi]\nrepository = https://test.pypi.org/legacy/\n"), 0o600)
	other := filepath.Join(dir, "other")
	os.WriteFile(other, []byte("[distutils]\nindex-servers = pypi local\n[local]\nrepository = http://127.0.0.1:8080/legacy/\n"), 0o600)
	for path, want := range map[string]string{
		missing:  missing + ` does not exist: --repository testpypi needs a [testpypi] section (repository = its upload URL) listed in [distutils] index-servers, or set FLIT_INDEX_URL instead`,
		unlisted: unlisted + `: [testpypi] is not listed in [distutils] index-servers (have: pypi): add it there`,
		other:    other + `: no repository "testpypi" in [distutils] index-servers (have: pypi, local): add a [testpypi] section (repository = its upload URL) and list it there`,
	} {
		_, err := ResolveRepository(Options{Pypirc: path, Repository: "testpypi", Getenv: env})
		if err == nil || err.Error() != want {
			t.Errorf("got  %v\nwant %s", err, want)
		}
	}
}
