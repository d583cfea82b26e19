package accounts_test

import (
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/accounts"
)

// BenchmarkAuthenticate is the cost every API request pays for its token.
func BenchmarkAuthenticate(b *testing.B) {
	e := newEnv(b)
	tok, _, err := e.svc.CreateToken(b.Context(), e.admin, "bench", sitrep.RoleViewer, time.Time{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.svc.Authenticate(b.Context(), tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSession is the cost every admin page pays for its cookie.
func BenchmarkSession(b *testing.B) {
	e := newEnv(b)
	e.user(b, "ada@example.com", sitrep.RoleViewer)
	r, err := e.svc.Login(b.Context(), "ada@example.com", goodPassword, "")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.svc.Session(b.Context(), r.SessionToken); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoginDefaultArgon2 is one sign-in at OWASP's parameters: the
// deliberate cost of a password check.
func BenchmarkLoginDefaultArgon2(b *testing.B) {
	e := newEnv(b)
	e.svc = e.service(b, accounts.DefaultArgon2)
	e.user(b, "ada@example.com", sitrep.RoleViewer)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.svc.Login(b.Context(), "ada@example.com", goodPassword, ""); err != nil {
			b.Fatal(err)
		}
	}
}
