package index

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// The trusted publishing endpoints (warehouse/oidc/views.py) with a
// test-only issuer: ID tokens are compact JWTs signed with HS256 and the
// server's OIDCTestKey, audience "pypi".

const testAudience = "pypi"

// SignIDToken returns a test ID token (HS256 JWT) for claims, signed with key.
func SignIDToken(key string, claims map[string]any) string {
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body, _ := json.Marshal(claims)
	msg := head + "." + enc.EncodeToString(body)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(msg))
	return msg + "." + enc.EncodeToString(mac.Sum(nil))
}

// verifyIDToken checks signature, audience and expiry of a test ID token.
func verifyIDToken(key, tok string, now time.Time) (map[string]any, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JWT")
	}
	enc := base64.RawURLEncoding
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := enc.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return nil, errors.New("invalid signature")
	}
	data, err := enc.DecodeString(parts[1])
	if err != nil {
		return nil, errors.New("malformed claims")
	}
	var claims map[string]any
	if err := json.Unmarshal(data, &claims); err != nil {
		return nil, errors.New("malformed claims")
	}
	if aud, _ := claims["aud"].(string); aud != testAudience {
		return nil, errors.New("invalid audience " + aud)
	}
	if exp, ok := claims["exp"].(float64); ok && now.Unix() > int64(exp) {
		return nil, errors.New("token expired")
	}
	return claims, nil
}

func (s *Server) mintToken(w http.ResponseWriter, r *http.Request) {
	type oidcErr struct {
		Code        string `json:"code"`
		Description string `json:"description"`
	}
	refuse := func(code, desc string) {
		writeJSON(w, 422, map[string]any{"message": "Token request failed", "errors": []oidcErr{{code, desc}}})
	}
	if r.Method != http.MethodPost {
		refuse("invalid-payload", "POST a JSON body {\"token\": \"<ID token>\"}")
		return
	}
	var body struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil || body.Token == "" {
		refuse("invalid-payload", "malformed JSON body: expected {\"token\": \"...\"}")
		return
	}
	if _, err := verifyIDToken(s.opt.OIDCTestKey, body.Token, s.opt.Now()); err != nil {
		refuse("invalid-publisher", "valid token, but no corresponding publisher ("+err.Error()+")")
		return
	}
	tok := "pypi-" + randomToken()
	exp := s.opt.Now().Add(900 * time.Second)
	s.mu.Lock()
	s.minted[tok] = exp
	s.mu.Unlock()
	writeJSON(w, 200, map[string]any{"success": true, "token": tok, "expires": exp.Unix()})
}

// githubIDToken plays GitHub Actions' ID token endpoint for tests.
func (s *Server) githubIDToken(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	if !strings.EqualFold(auth, "bearer "+s.opt.OIDCTestKey) {
		writeJSON(w, 401, map[string]string{"message": "bad request token"})
		return
	}
	aud := r.URL.Query().Get("audience")
	tok := SignIDToken(s.opt.OIDCTestKey, map[string]any{
		"iss": "https://token.actions.githubusercontent.com", "aud": aud,
		"sub": "repo:example/project:ref:refs/heads/main", "exp": s.opt.Now().Add(5 * time.Minute).Unix(),
	})
	writeJSON(w, 200, map[string]string{"value": tok})
}
