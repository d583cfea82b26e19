// Package testidp is an OpenID Connect provider for tests: discovery, a
// JWKS with RSA keys, an authorization endpoint that redirects back with a
// code (at once, or after an "Approve" button for browser tests), and a
// token endpoint that checks the client's secret, the redirect URI and the
// PKCE verifier before it returns a signed ID token. Tests change what it
// answers through its fields, to play a misbehaving or hostile provider.
package testidp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// IdP is a running test provider.
type IdP struct {
	URL          string
	ClientID     string
	ClientSecret string
	srv          *httptest.Server

	mu sync.Mutex
	// Claims go into the next ID tokens on top of iss, aud, sub, iat, exp
	// and nonce (which they may override, to test verification).
	claims map[string]any
	// key signs tokens; published are the keys the JWKS lists.
	key       *rsa.PrivateKey
	kid       string
	published []jose.JSONWebKey
	signWith  *rsa.PrivateKey // not nil: sign with this unpublished key
	deny      string          // not "": /authorize answers with this error
	approve   bool            // /authorize shows an Approve button
	now       func() time.Time
	codes     map[string]grant
	jwksHits  int
	rotations int
}

type grant struct {
	redirectURI, challenge, nonce string
	claims                        map[string]any
}

// Start runs a provider for clientID/clientSecret until the test ends.
func Start(t interface {
	Helper()
	Cleanup(func())
}, clientID, clientSecret string) *IdP {
	t.Helper()
	p := &IdP{ClientID: clientID, ClientSecret: clientSecret, codes: map[string]grant{}, now: time.Now,
		claims: map[string]any{"email": "alice@example.com", "email_verified": true}}
	p.Rotate()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /authorize", p.approved)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	t.Cleanup(p.srv.Close)
	return p
}

// SetClaims replaces the claims of the next sign-ins (nil removes one
// that has a nil value).
func (p *IdP) SetClaims(c map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.claims = map[string]any{}
	for k, v := range c {
		if v != nil {
			p.claims[k] = v
		}
	}
}

// SetNow sets the provider's clock for iat and exp.
func (p *IdP) SetNow(now func() time.Time) { p.mu.Lock(); p.now = now; p.mu.Unlock() }

// Deny makes /authorize redirect back with error (e.g. access_denied);
// "" stops it.
func (p *IdP) Deny(errCode string) { p.mu.Lock(); p.deny = errCode; p.mu.Unlock() }

// RequireApproval makes /authorize show a page with an Approve button.
func (p *IdP) RequireApproval(on bool) { p.mu.Lock(); p.approve = on; p.mu.Unlock() }

// SignWithUnpublishedKey signs the next tokens with a key the JWKS does not
// hold, under the current key's id: a forged signature.
func (p *IdP) SignWithUnpublishedKey(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.signWith = nil
	if on {
		p.signWith = newKey()
	}
}

// Rotate replaces the signing key with a new one under a new key id and
// publishes only the new one, as a provider does when it retires a key.
func (p *IdP) Rotate() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.key = newKey()
	p.rotations++
	p.kid = fmt.Sprintf("key-%d", p.rotations)
	p.published = []jose.JSONWebKey{{Key: p.key.Public(), KeyID: p.kid, Algorithm: "RS256", Use: "sig"}}
}

// JWKSFetches counts requests for the key set.
func (p *IdP) JWKSFetches() int { p.mu.Lock(); defer p.mu.Unlock(); return p.jwksHits }

func newKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err) // only with a broken crypto/rand, in a test helper
	}
	return k
}

func (p *IdP) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.URL,
		"authorization_endpoint":                p.URL + "/authorize",
		"token_endpoint":                        p.URL + "/token",
		"jwks_uri":                              p.URL + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	})
}

func (p *IdP) jwks(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.jwksHits++
	set := jose.JSONWebKeySet{Keys: p.published}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, set)
}

var approvePage = template.Must(template.New("approve").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test IdP</title><link rel="icon" href="data:,"></head><body>
<h1>Test identity provider</h1><p>Let {{.Client}} know who you are?</p>
<form method="post" action="/authorize">{{range $k, $v := .Query}}<input type="hidden" name="{{$k}}" value="{{index $v 0}}">{{end}}
<button type="submit" id="approve">Approve</button></form></body></html>`))

func (p *IdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if msg := p.checkAuthorize(q); msg != "" {
		http.Error(w, msg, http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	approve := p.approve
	p.mu.Unlock()
	if approve {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = approvePage.Execute(w, map[string]any{"Client": q.Get("client_id"), "Query": q})
		return
	}
	p.redirectBack(w, r, q)
}

func (p *IdP) approved(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	q := r.PostForm
	if msg := p.checkAuthorize(q); msg != "" {
		http.Error(w, msg, http.StatusBadRequest)
		return
	}
	p.redirectBack(w, r, q)
}

// checkAuthorize makes the checks a real provider makes of a request.
func (p *IdP) checkAuthorize(q url.Values) string {
	switch {
	case q.Get("client_id") != p.ClientID:
		return "unknown client_id"
	case q.Get("response_type") != "code":
		return "response_type must be code"
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		return "PKCE with S256 is required"
	case q.Get("state") == "" || q.Get("nonce") == "":
		return "state and nonce are required"
	case q.Get("redirect_uri") == "":
		return "redirect_uri is required"
	}
	return ""
}

func (p *IdP) redirectBack(w http.ResponseWriter, r *http.Request, q url.Values) {
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	answer := url.Values{"state": {q.Get("state")}}
	p.mu.Lock()
	if p.deny != "" {
		answer.Set("error", p.deny)
		answer.Set("error_description", "The user said no. <script>alert(1)</script>")
	} else {
		code := rand.Text()
		p.codes[code] = grant{redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge"), nonce: q.Get("nonce"),
			claims: maps.Clone(p.claims)}
		answer.Set("code", code)
	}
	p.mu.Unlock()
	back.RawQuery = answer.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *IdP) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.ClientID || secret != p.ClientSecret {
		w.Header().Set("WWW-Authenticate", "Basic")
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		tokenError(w, "unsupported_grant_type")
		return
	}
	p.mu.Lock()
	code := r.PostForm.Get("code")
	g, found := p.codes[code]
	delete(p.codes, code) // a code works once
	key, kid, now := p.key, p.kid, p.now()
	if p.signWith != nil {
		key = p.signWith
	}
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case !found:
		tokenError(w, "invalid_grant")
		return
	case r.PostForm.Get("redirect_uri") != g.redirectURI:
		tokenError(w, "invalid_grant")
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		tokenError(w, "invalid_grant")
		return
	}
	claims := map[string]any{
		"iss": p.URL, "aud": p.ClientID, "sub": "sub-" + fmt.Sprint(g.claims["email"]),
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "nonce": g.nonce,
	}
	maps.Copy(claims, g.claims)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	raw, _ := jws.CompactSerialize()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 300, "id_token": raw,
	})
}

func tokenError(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
