package web

import (
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"sitrep"
)

// lockedPages is fakePages whose protected pages open with one password.
type lockedPages struct {
	*fakePages
	password string
}

func (l lockedPages) CheckPagePassword(slug, password string) bool { return password == l.password }

func TestPagePasswordUnlocks(t *testing.T) {
	snap := storyPage(t, storyOpts{editPage: func(p *sitrep.Page) { p.PasswordProtected = true }})
	e := newEnv(t)
	e.srv = e.newServer(func(o *Options) {
		o.Pages = lockedPages{newFakePages(snap), "s3cret"}
		o.Logger = slog.New(slog.NewTextHandler(e.logs, nil))
	})
	tests := []struct {
		name     string
		password string
		send     bool
		status   int
	}{
		{"no credentials", "", false, http.StatusUnauthorized},
		{"wrong password", "guess", true, http.StatusUnauthorized},
		{"right password", "s3cret", true, http.StatusOK},
	}
	for _, tt := range tests {
		for _, path := range []string{"/", "/api/v2/summary.json", "/history.atom"} {
			t.Run(tt.name+" "+path, func(t *testing.T) {
				var hdr []string
				if tt.send {
					hdr = []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("anyone:"+tt.password))}
				}
				res := e.do(t, "GET", path, nil, hdr...)
				body := readBody(t, res)
				if res.StatusCode != tt.status {
					t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
				}
				if tt.status == http.StatusUnauthorized {
					if strings.Contains(body, "Oslo") {
						t.Error("refused answer shows page content")
					}
					if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Basic realm=") {
						t.Errorf("WWW-Authenticate = %q, want a Basic challenge", res.Header.Get("WWW-Authenticate"))
					}
				} else if cc := res.Header.Get("Cache-Control"); strings.Contains(cc, "public") {
					t.Errorf("protected page served with Cache-Control %q; shared caches must not keep it", cc)
				}
			})
		}
	}
}

// TestRootFallsBackToOverview: with no status page declared, / is the
// monitor overview rather than a 404.
func TestRootFallsBackToOverview(t *testing.T) {
	e := newPageEnv(t)
	res := e.do(t, "GET", "/", nil)
	if body := readBody(t, res); res.StatusCode != http.StatusOK || !strings.Contains(body, "<table") && !strings.Contains(body, "monitor") {
		t.Errorf("GET / without pages: status %d, body %.200q", res.StatusCode, body)
	}
}
