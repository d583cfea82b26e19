package app

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sitrep"
)

// TestBehindProxy runs the real app as if behind a TLS-terminating reverse
// proxy on 127.0.0.1: with trusted_proxies the client's address and scheme
// come from X-Forwarded-For/-Proto and reach login throttling, the audit
// log, HSTS and the session cookie; without it the same headers change
// nothing.
func TestBehindProxy(t *testing.T) {
	const (
		email    = "ops@example.com"
		password = "correct horse battery staple"
		client   = "203.0.113.7"
		other    = "198.51.100.9"
	)
	tests := []struct {
		name    string
		cfg     string
		trusted bool
	}{
		{name: "trusted proxy", cfg: "trusted_proxies: [127.0.0.1]\nmonitors: []\n", trusted: true},
		{name: "no trusted proxies", cfg: "monitors: []\n", trusted: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := startApp(t, tt.cfg)
			base := "http://" + a.Addr().String()
			if _, err := a.accounts.CreateUser(t.Context(), &sitrep.Principal{Name: "cli", Role: sitrep.RoleAdmin}, sitrep.UserInput{
				Email: email, Name: "Ops", Role: sitrep.RoleAdmin, Password: password}); err != nil {
				t.Fatal(err)
			}
			wantIP := "127.0.0.1"
			if tt.trusted {
				wantIP = client
			}

			// HSTS follows X-Forwarded-Proto from a trusted proxy only.
			for _, proto := range []string{"https", ""} {
				resp := proxied(t, "GET", base+"/healthz", client, proto, nil)
				got := resp.Header.Get("Strict-Transport-Security") != ""
				if want := tt.trusted && proto == "https"; got != want {
					t.Errorf("X-Forwarded-Proto %q: HSTS sent = %v, want %v", proto, got, want)
				}
			}

			// A sign-in through the proxy: the cookie is Secure when the
			// proxy says the user's connection is HTTPS, and the audit log
			// has the user's address.
			resp := login(t, base, client, "https", email, password)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-in = %s, want 303", resp.Status)
			}
			var session *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == "sitrep_session" {
					session = c
				}
			}
			if session == nil {
				t.Fatal("no session cookie after sign-in")
			}
			if session.Secure != tt.trusted {
				t.Errorf("session cookie Secure = %v, want %v", session.Secure, tt.trusted)
			}
			entries, err := a.accounts.AuditLog(t.Context(), time.Time{}, 10)
			if err != nil {
				t.Fatal(err)
			}
			var loginIP string
			for _, e := range entries {
				if e.Action == "user.login" {
					loginIP = e.IP
					break
				}
			}
			if loginIP != wantIP {
				t.Errorf("audit log: user.login from %q, want %q", loginIP, wantIP)
			}

			// Wrong passwords from one address (each for another account,
			// so only the per-address limit can bite) are slowed down...
			slowed := 0
			for i := range 30 {
				resp := login(t, base, client, "https", fmt.Sprintf("nobody%d@example.com", i), "wrong")
				if resp.slowed() {
					slowed = i + 1
					break
				}
				if resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("wrong password %d = %s, want 401", i, resp.Status)
				}
			}
			if slowed == 0 {
				t.Fatalf("30 wrong passwords from %s were never slowed down", client)
			}
			// ...while another client behind the same proxy is not, unless
			// the proxy is not trusted and everyone is the proxy.
			resp = login(t, base, other, "https", "someone@example.com", "wrong")
			if resp.slowed() == tt.trusted {
				t.Errorf("wrong password from %s after %s was slowed: slowed down = %v, want %v (%s)",
					other, client, resp.slowed(), !tt.trusted, resp.Status)
			}
		})
	}
}

// answer is what the proxy got back.
type answer struct {
	*http.Response
	body string
}

// slowed reports whether the answer refuses a sign-in for too many failed
// attempts: 429, with the text the user reads.
func (a answer) slowed() bool {
	return a.StatusCode == http.StatusTooManyRequests && strings.Contains(a.body, "too many failed sign-in attempts")
}

// proxied sends a request as a proxy on 127.0.0.1 would forward it, after
// a client that put its own claim on the left of X-Forwarded-For: that
// claim must never count.
func proxied(t *testing.T, method, u, xff, proto string, form url.Values) answer {
	t.Helper()
	// The sign-in form's pre-session token, as the form would echo it.
	const pre = "0123456789abcdef0123456789abcdef0123456789a"
	if form != nil {
		form.Set("csrf", pre)
	}
	req, err := http.NewRequest(method, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "192.0.2.66, "+xff)
	if proto != "" {
		req.Header.Set("X-Forwarded-Proto", proto)
	}
	req.AddCookie(&http.Cookie{Name: "sitrep_pre", Value: pre})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp, string(b)}
}

func login(t *testing.T, base, xff, proto, email, password string) answer {
	t.Helper()
	return proxied(t, "POST", base+"/login", xff, proto, url.Values{"email": {email}, "password": {password}})
}
