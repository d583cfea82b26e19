package accounts_test

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/accounts"
	"sitrep/internal/clock"
	"sitrep/internal/sqlstore"
)

var t0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

const goodPassword = "correct horse battery"

// cheap keeps argon2 fast under -race; TestDefaultParameters covers the
// real costs.
var cheap = accounts.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}

type env struct {
	svc   *accounts.Service
	store *sqlstore.Store
	clock *clock.Manual
	key   []byte
	admin *sitrep.Principal
}

func openStore(t testing.TB) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), sqlstore.Options{Path: filepath.Join(t.TempDir(), "sitrep.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{store: openStore(t), clock: clock.NewManual(t0), key: make([]byte, 32),
		admin: &sitrep.Principal{Name: "root@example.com", Role: sitrep.RoleAdmin}}
	rand.Read(e.key)
	e.svc = e.service(t, cheap)
	return e
}

func (e *env) service(t testing.TB, p accounts.Argon2Params) *accounts.Service {
	t.Helper()
	svc, err := accounts.New(accounts.Options{Store: e.store, Clock: e.clock, SecretKey: e.key, Argon2: p})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func (e *env) user(t testing.TB, email string, role sitrep.Role) *sitrep.User {
	t.Helper()
	u, err := e.svc.CreateUser(t.Context(), e.admin, sitrep.UserInput{Email: email, Name: "N", Role: role, Password: goodPassword})
	if err != nil {
		t.Fatalf("CreateUser %s: %v", email, err)
	}
	return u
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if sitrep.ErrorCode(err) != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
}

// code computes a TOTP code independently of the package under test.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	m := hmac.New(sha1.New, raw)
	m.Write(msg[:])
	s := m.Sum(nil)
	o := s[19] & 15
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(s[o:])&0x7fffffff)%1000000)
}

// enableTOTP turns TOTP on for u and returns its secret and recovery codes.
func (e *env) enableTOTP(t *testing.T, u *sitrep.User) (string, []string) {
	t.Helper()
	secret, url, err := e.svc.BeginTOTP(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(url, "otpauth://totp/sitrep:") || !strings.Contains(url, "secret="+secret) {
		t.Errorf("otpauth URL %q", url)
	}
	codes, err := e.svc.ConfirmTOTP(t.Context(), u.ID, code(t, secret, e.clock.Now()))
	if err != nil {
		t.Fatalf("ConfirmTOTP: %v", err)
	}
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes, want 10", len(codes))
	}
	// The confirming code must not sign anyone in afterwards.
	e.clock.Advance(30 * time.Second)
	return secret, codes
}

func TestLoginBruteForceSlowed(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.user(t, "ada@example.com", sitrep.RoleResponder)

	// Unknown user and wrong password look the same.
	_, errUnknown := e.svc.Login(ctx, "nobody@example.com", goodPassword, "198.51.100.9")
	_, errWrong := e.svc.Login(ctx, "ada@example.com", "wrong password!", "198.51.100.9")
	wantCode(t, errUnknown, sitrep.EUNAUTHORIZED)
	if errUnknown.Error() != errWrong.Error() {
		t.Errorf("unknown user says %q, wrong password %q", errUnknown, errWrong)
	}
	e.svc.Login(ctx, "ada@example.com", goodPassword, "198.51.100.9") // success forgives

	for i := range 5 {
		_, err := e.svc.Login(ctx, "ADA@example.com ", "wrong password!", fmt.Sprintf("203.0.113.%d", i))
		wantCode(t, err, sitrep.EUNAUTHORIZED)
	}
	// Even the right password waits now, from any address.
	_, err := e.svc.Login(ctx, "ada@example.com", goodPassword, "192.0.2.50")
	wantCode(t, err, sitrep.ETOOMANYREQUESTS)
	if !strings.Contains(err.Error(), "try again in 15s") {
		t.Errorf("message %q does not say how long", err)
	}
	e.clock.Advance(15 * time.Second)
	if _, err := e.svc.Login(ctx, "ada@example.com", goodPassword, "192.0.2.50"); err != nil {
		t.Fatalf("after waiting: %v", err)
	}

	// Parallel guesses cannot outrun the count: it is taken before the
	// password is checked.
	e.clock.Advance(2 * time.Hour)
	var wg sync.WaitGroup
	results := make(chan string, 20)
	for i := range 20 {
		wg.Go(func() {
			_, err := e.svc.Login(ctx, "ada@example.com", "wrong password!", fmt.Sprintf("198.51.100.%d", i))
			results <- sitrep.ErrorCode(err)
		})
	}
	wg.Wait()
	close(results)
	checked := 0
	for c := range results {
		if c == sitrep.EUNAUTHORIZED {
			checked++
		}
	}
	if checked != 5 {
		t.Errorf("%d of 20 parallel guesses were checked, want 5", checked)
	}
	e.clock.Advance(2 * time.Hour)

	// Per address: 20 guesses at different accounts, then the address waits.
	for i := range 20 {
		e.svc.Login(ctx, fmt.Sprintf("u%d@example.com", i), "wrong password!", "203.0.113.200")
	}
	_, err = e.svc.Login(ctx, "ada@example.com", goodPassword, "203.0.113.200")
	wantCode(t, err, sitrep.ETOOMANYREQUESTS)
}

func TestSessionRotationAndFixation(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	u := e.user(t, "ada@example.com", sitrep.RoleResponder)

	r1, err := e.svc.Login(ctx, "ada@example.com", goodPassword, "192.0.2.1")
	if err != nil || r1.NeedTOTP || r1.SessionToken == "" {
		t.Fatalf("Login = %+v, %v", r1, err)
	}
	r2, _ := e.svc.Login(ctx, "ada@example.com", goodPassword, "192.0.2.1")
	if r1.SessionToken == r2.SessionToken {
		t.Error("two sign-ins share a session token")
	}
	s, err := e.svc.Session(ctx, r1.SessionToken)
	if err != nil || s.User.ID != u.ID || s.User.PasswordHash != "" || s.Principal != (sitrep.Principal{Name: "ada@example.com", Role: sitrep.RoleResponder}) || s.CSRFToken == "" {
		t.Fatalf("Session = %+v, %v", s, err)
	}
	// A token chosen by someone else is never adopted.
	for _, tok := range []string{"", "attacker-chosen", r1.SessionToken + "x"} {
		_, err := e.svc.Session(ctx, tok)
		wantCode(t, err, sitrep.EUNAUTHORIZED)
	}
	if err := e.svc.Logout(ctx, r1.SessionToken); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Session(ctx, r1.SessionToken)
	wantCode(t, err, sitrep.EUNAUTHORIZED)
	if _, err := e.svc.Session(ctx, r2.SessionToken); err != nil {
		t.Errorf("logging out one session ended another: %v", err)
	}

	// With TOTP, the password alone grants nothing, and completing the
	// second factor swaps the token.
	secret, _ := e.enableTOTP(t, u)
	p, err := e.svc.Login(ctx, "ada@example.com", goodPassword, "192.0.2.1")
	if err != nil || !p.NeedTOTP {
		t.Fatalf("Login with TOTP = %+v, %v", p, err)
	}
	_, err = e.svc.Session(ctx, p.SessionToken)
	wantCode(t, err, sitrep.EUNAUTHORIZED)
	full, err := e.svc.VerifySecondFactor(ctx, p.SessionToken, code(t, secret, e.clock.Now()), "192.0.2.1")
	if err != nil || full.NeedTOTP || full.SessionToken == p.SessionToken {
		t.Fatalf("VerifySecondFactor = %+v, %v; want a new token", full, err)
	}
	if _, err := e.svc.Session(ctx, full.SessionToken); err != nil {
		t.Errorf("new session: %v", err)
	}
	_, err = e.svc.Session(ctx, p.SessionToken)
	wantCode(t, err, sitrep.EUNAUTHORIZED)
	_, err = e.svc.VerifySecondFactor(ctx, full.SessionToken, code(t, secret, e.clock.Now()), "192.0.2.1")
	wantCode(t, err, sitrep.EUNAUTHORIZED) // a full session is not a pending one

	// A pending sign-in expires.
	p, _ = e.svc.Login(ctx, "ada@example.com", goodPassword, "192.0.2.1")
	e.clock.Advance(11 * time.Minute)
	_, err = e.svc.VerifySecondFactor(ctx, p.SessionToken, code(t, secret, e.clock.Now()), "192.0.2.1")
	wantCode(t, err, sitrep.EUNAUTHORIZED)
}

func TestSessionTimeouts(t *testing.T) {
	cases := []struct {
		name  string
		every time.Duration // how often the session is used
		total time.Duration
		alive bool
	}{
		{"used hourly for six days", time.Hour, 6 * 24 * time.Hour, true},
		{"used hourly for seven days", time.Hour, 7 * 24 * time.Hour, false},
		{"idle eleven hours", 11 * time.Hour, 11 * time.Hour, true},
		{"idle twelve hours", 12 * time.Hour, 12 * time.Hour, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := t.Context()
			e.user(t, "ada@example.com", sitrep.RoleViewer)
			r, err := e.svc.Login(ctx, "ada@example.com", goodPassword, "")
			if err != nil {
				t.Fatal(err)
			}
			var last error
			for el := time.Duration(0); el < c.total; {
				e.clock.Advance(c.every)
				el += c.every
				_, last = e.svc.Session(ctx, r.SessionToken)
				if last != nil && el < c.total {
					t.Fatalf("session ended after %s: %v", el, last)
				}
			}
			if (last == nil) != c.alive {
				t.Errorf("alive = %v (%v), want %v", last == nil, last, c.alive)
			}
		})
	}
}

func TestTOTPWindowAndReplay(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	u := e.user(t, "ada@example.com", sitrep.RoleAdmin)
	secret, _ := e.enableTOTP(t, u)

	verify := func(at time.Time) error {
		p, err := e.svc.Login(ctx, "ada@example.com", goodPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.VerifySecondFactor(ctx, p.SessionToken, code(t, secret, at), "")
		return err
	}
	// Each case moves the clock on and uses one code; steps must rise, so a
	// code accepted once is never accepted again.
	cases := []struct {
		name    string
		advance time.Duration
		offset  time.Duration // the phone's clock error
		code    string        // "" ok
	}{
		{"current", time.Minute, 0, ""},
		{"replay of the same code", 0, 0, sitrep.EUNAUTHORIZED},
		{"phone 30s behind", time.Minute, -30 * time.Second, ""},
		{"phone 30s ahead", time.Minute, 30 * time.Second, ""},
		{"older step after a newer one", 0, -30 * time.Second, sitrep.EUNAUTHORIZED},
		{"phone 60s behind", 2 * time.Minute, -60 * time.Second, sitrep.EUNAUTHORIZED},
		{"phone 60s ahead", 0, 60 * time.Second, sitrep.EUNAUTHORIZED},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.clock.Advance(c.advance)
			err := verify(e.clock.Now().Add(c.offset))
			if sitrep.ErrorCode(err) != c.code {
				t.Errorf("err = %v, want %q", err, c.code)
			}
		})
	}
	// A wrong code never works and counts as a failed attempt; the
	// failures above are forgotten after an hour of quiet.
	e.clock.Advance(time.Hour)
	p, _ := e.svc.Login(ctx, "ada@example.com", goodPassword, "")
	for range 5 {
		_, err := e.svc.VerifySecondFactor(ctx, p.SessionToken, "000000", "")
		wantCode(t, err, sitrep.EUNAUTHORIZED)
	}
	_, err := e.svc.VerifySecondFactor(ctx, p.SessionToken, code(t, secret, e.clock.Now().Add(30*time.Second)), "")
	wantCode(t, err, sitrep.ETOOMANYREQUESTS)
}

func TestRecoveryCodesSingleUse(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	u := e.user(t, "ada@example.com", sitrep.RoleAdmin)
	_, codes := e.enableTOTP(t, u)
	use := func(c string) error {
		p, err := e.svc.Login(ctx, "ada@example.com", goodPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.VerifySecondFactor(ctx, p.SessionToken, c, "")
		return err
	}
	cases := []struct {
		name, code, want string
	}{
		{"first code", codes[0], ""},
		{"first code again", codes[0], sitrep.EUNAUTHORIZED},
		{"second code lower case without dash", strings.ToLower(strings.ReplaceAll(codes[1], "-", "")), ""},
		{"made up", "AAAAA-AAAAA", sitrep.EUNAUTHORIZED},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := use(c.code); sitrep.ErrorCode(err) != c.want {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
	// Re-enrolling replaces the codes.
	_, fresh := e.enableTOTP(t, u)
	if err := use(codes[2]); sitrep.ErrorCode(err) != sitrep.EUNAUTHORIZED {
		t.Errorf("an old code after re-enrolment: %v", err)
	}
	if err := use(fresh[0]); err != nil {
		t.Errorf("a new code: %v", err)
	}
}

func TestPasswordReset(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.user(t, "ada@example.com", sitrep.RoleViewer)
	old, _ := e.svc.Login(ctx, "ada@example.com", goodPassword, "")

	if tok, err := e.svc.RequestPasswordReset(ctx, "nobody@example.com"); tok != "" || err != nil {
		t.Errorf("reset for an unknown email = %q, %v; want nothing", tok, err)
	}
	expired, _ := e.svc.RequestPasswordReset(ctx, "ada@example.com")
	e.clock.Advance(time.Hour)
	wantCode(t, e.svc.ResetPassword(ctx, expired, "a new long password"), sitrep.EUNAUTHORIZED)

	voided, _ := e.svc.RequestPasswordReset(ctx, "ada@example.com")
	tok, _ := e.svc.RequestPasswordReset(ctx, "ada@example.com")
	wantCode(t, e.svc.ResetPassword(ctx, voided, "a new long password"), sitrep.EUNAUTHORIZED)
	wantCode(t, e.svc.ResetPassword(ctx, tok, "short"), sitrep.EINVALID) // not spent by a bad password
	e.clock.Advance(59 * time.Minute)
	if err := e.svc.ResetPassword(ctx, tok, "a new long password"); err != nil {
		t.Fatalf("ResetPassword: %v", err)
	}
	wantCode(t, e.svc.ResetPassword(ctx, tok, "another long password"), sitrep.EUNAUTHORIZED)
	_, err := e.svc.Session(ctx, old.SessionToken)
	wantCode(t, err, sitrep.EUNAUTHORIZED) // signed out everywhere
	_, err = e.svc.Login(ctx, "ada@example.com", goodPassword, "")
	wantCode(t, err, sitrep.EUNAUTHORIZED)
	if _, err := e.svc.Login(ctx, "ada@example.com", "a new long password", ""); err != nil {
		t.Errorf("new password: %v", err)
	}
}

func TestAPITokens(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	if err := e.store.SetAdminTokenHash(ctx, sha("sitrep_interim")); err != nil {
		t.Fatal(err)
	}
	viewer := &sitrep.Principal{Name: "vic@example.com", Role: sitrep.RoleViewer}
	_, _, err := e.svc.CreateToken(ctx, viewer, "ci", sitrep.RoleViewer, time.Time{})
	wantCode(t, err, sitrep.EFORBIDDEN)
	_, _, err = e.svc.CreateToken(ctx, e.admin, "", sitrep.RoleViewer, time.Time{})
	wantCode(t, err, sitrep.EINVALID)
	_, _, err = e.svc.CreateToken(ctx, e.admin, "x", "root", time.Time{})
	wantCode(t, err, sitrep.EINVALID)
	_, _, err = e.svc.CreateToken(ctx, e.admin, "x", sitrep.RoleViewer, t0.Add(-time.Second))
	wantCode(t, err, sitrep.EINVALID)

	tok, at, err := e.svc.CreateToken(ctx, e.admin, "deploy", sitrep.RoleResponder, t0.Add(90*24*time.Hour))
	if err != nil || !strings.HasPrefix(tok, "sitrep_") || len(tok) < 40 {
		t.Fatalf("CreateToken = %q, %v", tok, err)
	}
	p, err := e.svc.Authenticate(ctx, tok)
	if err != nil || *p != (sitrep.Principal{Name: "token:deploy", Role: sitrep.RoleResponder}) {
		t.Fatalf("Authenticate = %+v, %v", p, err)
	}
	lastUsed := func() time.Time {
		list, _ := e.svc.Tokens(ctx)
		return list[0].LastUsedAt
	}
	if !lastUsed().Equal(t0) {
		t.Errorf("last use = %v, want %v", lastUsed(), t0)
	}
	e.clock.Advance(30 * time.Second)
	e.svc.Authenticate(ctx, tok)
	if !lastUsed().Equal(t0) {
		t.Error("last use written again within a minute")
	}
	e.clock.Advance(30 * time.Second)
	e.svc.Authenticate(ctx, tok)
	if !lastUsed().Equal(t0.Add(time.Minute)) {
		t.Errorf("last use = %v after a minute", lastUsed())
	}

	// The interim admin token still works; unknown ones do not.
	if p, err := e.svc.Authenticate(ctx, "sitrep_interim"); err != nil || *p != (sitrep.Principal{Name: "admin-token", Role: sitrep.RoleAdmin}) {
		t.Errorf("admin token = %+v, %v", p, err)
	}
	for _, bad := range []string{"", "sitrep_nope", tok + "x"} {
		_, err := e.svc.Authenticate(ctx, bad)
		wantCode(t, err, sitrep.EUNAUTHORIZED)
	}

	e.clock.Set(at.ExpiresAt)
	_, err = e.svc.Authenticate(ctx, tok)
	wantCode(t, err, sitrep.EUNAUTHORIZED)

	tok2, at2, _ := e.svc.CreateToken(ctx, e.admin, "forever", sitrep.RoleViewer, time.Time{})
	wantCode(t, e.svc.RevokeToken(ctx, viewer, at2.ID), sitrep.EFORBIDDEN)
	if err := e.svc.RevokeToken(ctx, e.admin, at2.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Authenticate(ctx, tok2)
	wantCode(t, err, sitrep.EUNAUTHORIZED)
	wantCode(t, e.svc.RevokeToken(ctx, e.admin, at2.ID), sitrep.ENOTFOUND)
}

func TestSetup(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	if need, err := e.svc.NeedsSetup(ctx); err != nil || !need {
		t.Fatalf("NeedsSetup on an empty store = %v, %v", need, err)
	}
	first, _ := e.svc.PrepareSetup(ctx)
	tok, err := e.svc.PrepareSetup(ctx) // a restart prints a new one
	if err != nil || tok == "" || tok == first {
		t.Fatalf("PrepareSetup = %q, %v", tok, err)
	}
	in := sitrep.UserInput{Email: "Root@Example.com", Name: "Root", Role: sitrep.RoleViewer, Password: goodPassword}
	_, err = e.svc.CompleteSetup(ctx, first, in)
	wantCode(t, err, sitrep.EUNAUTHORIZED)
	_, err = e.svc.CompleteSetup(ctx, "", in)
	wantCode(t, err, sitrep.EUNAUTHORIZED)
	weak := in
	weak.Password = "password1234"
	_, err = e.svc.CompleteSetup(ctx, tok, weak)
	wantCode(t, err, sitrep.EINVALID)
	u, err := e.svc.CompleteSetup(ctx, tok, in) // the weak try did not spend the token
	if err != nil || u.Role != sitrep.RoleAdmin || u.Email != "root@example.com" {
		t.Fatalf("CompleteSetup = %+v, %v; want an admin", u, err)
	}
	if need, _ := e.svc.NeedsSetup(ctx); need {
		t.Error("NeedsSetup after setup")
	}
	if tok, _ := e.svc.PrepareSetup(ctx); tok != "" {
		t.Error("PrepareSetup made a token after setup")
	}
	_, err = e.svc.CompleteSetup(ctx, tok, in)
	wantCode(t, err, sitrep.ECONFLICT)
}

func TestUsers(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	root := e.user(t, "root@example.com", sitrep.RoleAdmin)
	bob := e.user(t, "bob@example.com", sitrep.RoleViewer)
	bobP := &sitrep.Principal{Name: bob.Email, Role: bob.Role}

	cases := []struct {
		name string
		by   *sitrep.Principal
		in   sitrep.UserInput
		code string
		msg  string
	}{
		{"bad email", e.admin, sitrep.UserInput{Email: "not-an-email", Role: sitrep.RoleViewer, Password: goodPassword}, sitrep.EINVALID, "email: "},
		{"bad role", e.admin, sitrep.UserInput{Email: "x@example.com", Role: "owner", Password: goodPassword}, sitrep.EINVALID, "role: unknown role"},
		{"weak password", e.admin, sitrep.UserInput{Email: "x@example.com", Role: sitrep.RoleViewer, Password: "letmein"}, sitrep.EINVALID, "password: "},
		{"taken email", e.admin, sitrep.UserInput{Email: "BOB@example.com", Role: sitrep.RoleViewer, Password: goodPassword}, sitrep.ECONFLICT, "exists already"},
		{"viewer may not", bobP, sitrep.UserInput{Email: "x@example.com", Role: sitrep.RoleViewer, Password: goodPassword}, sitrep.EFORBIDDEN, "may not manage users"},
		{"nobody may not", nil, sitrep.UserInput{Email: "x@example.com", Role: sitrep.RoleViewer, Password: goodPassword}, sitrep.EUNAUTHORIZED, ""},
	}
	for _, c := range cases {
		t.Run("create/"+c.name, func(t *testing.T) {
			_, err := e.svc.CreateUser(ctx, c.by, c.in)
			if sitrep.ErrorCode(err) != c.code || !strings.Contains(fmt.Sprint(err), c.msg) {
				t.Errorf("err = %v, want %s containing %q", err, c.code, c.msg)
			}
		})
	}

	// A user may change their own name and password, not their role.
	if _, err := e.svc.UpdateUser(ctx, bobP, bob.ID, sitrep.UserInput{Name: "Bob", Password: "bob's new long password"}); err != nil {
		t.Errorf("self update: %v", err)
	}
	_, err := e.svc.UpdateUser(ctx, bobP, bob.ID, sitrep.UserInput{Role: sitrep.RoleAdmin})
	wantCode(t, err, sitrep.EFORBIDDEN)
	// The last admin can be neither demoted nor disabled.
	_, err = e.svc.UpdateUser(ctx, e.admin, root.ID, sitrep.UserInput{Role: sitrep.RoleViewer})
	wantCode(t, err, sitrep.ECONFLICT)
	wantCode(t, e.svc.DisableUser(ctx, e.admin, root.ID), sitrep.ECONFLICT)

	r, _ := e.svc.Login(ctx, "bob@example.com", "bob's new long password", "")
	if err := e.svc.DisableUser(ctx, e.admin, bob.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Session(ctx, r.SessionToken)
	wantCode(t, err, sitrep.EUNAUTHORIZED)
	_, err = e.svc.Login(ctx, "bob@example.com", "bob's new long password", "")
	wantCode(t, err, sitrep.EUNAUTHORIZED)
	users, _ := e.svc.Users(ctx)
	if len(users) != 2 || !users[1].Disabled || users[0].PasswordHash != "" {
		t.Errorf("Users = %+v", users)
	}
}

func TestRehashOnParameterChange(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	u := e.user(t, "ada@example.com", sitrep.RoleViewer)
	stronger := accounts.Argon2Params{MemoryKiB: 128, Time: 2, Threads: 1}
	svc := e.service(t, stronger)
	if _, err := svc.Login(ctx, "ada@example.com", goodPassword, ""); err != nil {
		t.Fatal(err)
	}
	got, _ := e.store.UserByID(ctx, u.ID)
	if !strings.HasPrefix(got.PasswordHash, "$argon2id$v=19$m=128,t=2,p=1$") {
		t.Errorf("hash after sign-in = %q, want the new parameters", got.PasswordHash)
	}
	if _, err := svc.Login(ctx, "ada@example.com", goodPassword, ""); err != nil {
		t.Errorf("sign-in with the rehashed password: %v", err)
	}
}

func TestDefaultParameters(t *testing.T) {
	e := newEnv(t)
	svc := e.service(t, accounts.Argon2Params{})
	u, err := svc.CreateUser(t.Context(), e.admin, sitrep.UserInput{Email: "ada@example.com", Role: sitrep.RoleViewer, Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	if u.PasswordHash != "" {
		t.Error("CreateUser returned the password hash")
	}
	stored, _ := e.store.UserByID(t.Context(), u.ID)
	if !strings.HasPrefix(stored.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not use OWASP's parameters", stored.PasswordHash)
	}
}

func TestAuditTrail(t *testing.T) {
	e := newEnv(t)
	ctx := sitrep.WithClientIP(t.Context(), "192.0.2.77")
	setup, _ := e.svc.PrepareSetup(ctx)
	root, err := e.svc.CompleteSetup(ctx, setup, sitrep.UserInput{Email: "root@example.com", Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	u := e.user(t, "ada@example.com", sitrep.RoleResponder)
	_, _ = e.svc.UpdateUser(ctx, e.admin, u.ID, sitrep.UserInput{Role: sitrep.RoleViewer, Password: "secret new password"})
	e.enableTOTP(t, u)
	reset, _ := e.svc.RequestPasswordReset(ctx, u.Email)
	_ = e.svc.ResetPassword(ctx, reset, "secret reset password")
	tok, at, _ := e.svc.CreateToken(ctx, e.admin, "ci", sitrep.RoleViewer, time.Time{})
	_ = e.svc.RevokeToken(ctx, e.admin, at.ID)
	_ = e.svc.DisableUser(ctx, e.admin, u.ID)
	e.svc.Login(ctx, root.Email, goodPassword, "192.0.2.77")

	log, err := e.svc.AuditLog(ctx, time.Time{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range log {
		actions = append([]string{a.Action}, actions...)
		all := a.Actor + a.Action + a.Target + a.Detail
		for _, secret := range []string{goodPassword, "secret new password", "secret reset password", tok, reset, setup} {
			if strings.Contains(all, secret) {
				t.Errorf("audit entry %+v contains a secret", a)
			}
		}
	}
	want := "setup.complete user.create user.update user.totp_enable user.reset_request user.password_reset token.create token.revoke user.disable user.login"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("audit actions:\n got %s\nwant %s", got, want)
	}
	if log[len(log)-1].IP != "192.0.2.77" || log[0].Actor != "root@example.com" {
		t.Errorf("entry lacks address or actor: %+v", log[len(log)-1])
	}
}

func TestTOTPNeedsKey(t *testing.T) {
	e := newEnv(t)
	u := e.user(t, "ada@example.com", sitrep.RoleViewer)
	svc, err := accounts.New(accounts.Options{Store: e.store, Clock: e.clock, Argon2: cheap})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = svc.BeginTOTP(t.Context(), u.ID)
	wantCode(t, err, sitrep.EUNAVAILABLE)
}

func sha(s string) string {
	return accounts.HashToken(s)
}
