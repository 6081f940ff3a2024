package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// AmbientIDTokenAvailable reports whether the CI can provide an OIDC ID
// token: GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, present
// when the job has `permissions: id-token: write`) or GitLab CI (an
// `id_tokens:` entry named <REPOSITORY>_ID_TOKEN, default PYPI_ID_TOKEN).
// It returns the GitLab token when there is one and the provider's name.
func AmbientIDTokenAvailable(getenv func(string) string, repoName string) (gitlabToken, provider string) {
	if getenv("ACTIONS_ID_TOKEN_REQUEST_URL") != "" && getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN") != "" {
		return "", "GitHub Actions"
	}
	if t := getenv(gitlabVar(repoName)); t != "" {
		return t, "GitLab CI"
	}
	return "", ""
}

func gitlabVar(repoName string) string {
	if repoName == "" {
		repoName = "pypi"
	}
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, repoName)
	return name + "_ID_TOKEN"
}

// indexBase is scheme://host of the upload URL: the OIDC endpoints live
// there (https://upload.pypi.org/_/oidc/...).
func indexBase(uploadURL string) (string, error) {
	u, err := url.Parse(uploadURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("upload URL %q is not a URL", Redacted(uploadURL))
	}
	return u.Scheme + "://" + u.Host, nil
}

// oidcTimeout bounds the whole token exchange (three small requests).
var oidcTimeout = 2 * time.Minute

// TrustedPublishing exchanges the CI's OIDC ID token for a short-lived
// upload token: GET /_/oidc/audience, the ID token for that audience, POST
// /_/oidc/mint-token. In GitHub Actions the minted token is masked in the
// log (mask gets "::add-mask::TOKEN").
func TrustedPublishing(ctx context.Context, client *http.Client, uploadURL, repoName string, getenv func(string) string, mask func(string)) (string, error) {
	if client == nil {
		client = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, oidcTimeout) // a stalled index must not hang flit
	defer cancel()
	base, err := indexBase(uploadURL)
	if err != nil {
		return "", err
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("trusted publishing: "+format, args...)
	}
	var aud struct {
		Audience string `json:"audience"`
	}
	if err := getJSON(ctx, client, base+"/_/oidc/audience", "", &aud); err != nil {
		return "", fail("%v (does %s support trusted publishing?)", err, base)
	}
	gitlab, provider := AmbientIDTokenAvailable(getenv, repoName)
	var idToken string
	switch provider {
	case "GitHub Actions":
		reqURL := getenv("ACTIONS_ID_TOKEN_REQUEST_URL")
		sep := "&"
		if !strings.Contains(reqURL, "?") {
			sep = "?"
		}
		var v struct {
			Value string `json:"value"`
		}
		if err := getJSON(ctx, client, reqURL+sep+"audience="+url.QueryEscape(aud.Audience),
			"bearer "+getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN"), &v); err != nil {
			return "", fail("getting the GitHub Actions ID token: %v (the job needs `permissions: id-token: write`)", err)
		}
		idToken = v.Value
	case "GitLab CI":
		idToken = gitlab
	default:
		return "", fail("no OIDC ID token: run in GitHub Actions with `permissions: id-token: write`, or in GitLab CI with an id_tokens entry %s (aud: %s)", gitlabVar(repoName), aud.Audience)
	}
	if idToken == "" {
		return "", fail("the CI returned an empty ID token")
	}
	body, _ := json.Marshal(map[string]string{"token": idToken})
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/_/oidc/mint-token", bytes.NewReader(body))
	if err != nil {
		return "", fail("%v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", fail("%v", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var minted struct {
		Success bool   `json:"success"`
		Token   string `json:"token"`
		Message string `json:"message"`
		Errors  []struct {
			Code        string `json:"code"`
			Description string `json:"description"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(data, &minted)
	if resp.StatusCode != 200 || minted.Token == "" {
		var why []string
		for _, e := range minted.Errors {
			why = append(why, e.Code+": "+e.Description)
		}
		msg := minted.Message
		if len(why) > 0 {
			msg += " (" + strings.Join(why, "; ") + ")"
		}
		if msg == "" {
			msg = resp.Status
		}
		return "", fail("%s refused the ID token: %s; check the trusted publisher configured for this project (owner, repository, workflow, environment)", base, oneLine(msg))
	}
	if provider == "GitHub Actions" && mask != nil {
		mask("::add-mask::" + minted.Token)
	}
	return minted.Token, nil
}

func getJSON(ctx context.Context, client *http.Client, u, auth string, v any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %s", Redacted(stripQuery(u)), resp.Status)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v)
}

func stripQuery(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
