package storetest

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"sitrep"
)

// accountCases are registered in Run.
var accountCases = []tcase{
	{"UserRoundTrip", testUserRoundTrip},
	{"UserTOTP", testUserTOTP},
	{"Sessions", testSessions},
	{"APITokens", testAPITokens},
	{"OneTimeTokens", testOneTimeTokens},
	{"AuditLog", testAuditLog},
}

func accountsOf(t *testing.T, s sitrep.Store) sitrep.AccountStore {
	t.Helper()
	a, ok := s.(sitrep.AccountStore)
	if !ok {
		t.Skip("store does not keep accounts")
	}
	return a
}

func newUser(t *testing.T, a sitrep.AccountStore, email string, role sitrep.Role) *sitrep.User {
	t.Helper()
	u := &sitrep.User{Email: email, Name: "Name " + nasty, Role: role,
		PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", CreatedAt: base}
	if err := a.CreateUser(ctxOf(t), u); err != nil {
		t.Fatalf("CreateUser %s: %v", email, err)
	}
	if !idRE.MatchString(u.ID) {
		t.Fatalf("user id %q is not a long random id", u.ID)
	}
	return u
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if sitrep.ErrorCode(err) != code {
		t.Errorf("%s: err = %v, want code %s", what, err, code)
	}
}

func testUserRoundTrip(t *testing.T, s sitrep.Store) {
	a, ctx := accountsOf(t, s), ctxOf(t)
	u := newUser(t, a, "ada@example.com", sitrep.RoleAdmin)
	v := newUser(t, a, "bob@example.com", sitrep.RoleViewer)

	for _, get := range []func() (*sitrep.User, error){
		func() (*sitrep.User, error) { return a.UserByID(ctx, u.ID) },
		func() (*sitrep.User, error) { return a.UserByEmail(ctx, u.Email) },
	} {
		got, err := get()
		if err != nil || !reflect.DeepEqual(got, u) {
			t.Errorf("read user = %+v, %v; want %+v", got, err, u)
		}
	}
	dup := &sitrep.User{Email: u.Email, Role: sitrep.RoleViewer, CreatedAt: base}
	wantCode(t, "CreateUser with a taken email", a.CreateUser(ctx, dup), sitrep.ECONFLICT)
	_, err := a.UserByID(ctx, "nosuchuser12345")
	wantCode(t, "UserByID unknown", err, sitrep.ENOTFOUND)
	_, err = a.UserByEmail(ctx, "nobody@example.com")
	wantCode(t, "UserByEmail unknown", err, sitrep.ENOTFOUND)

	u.Email, u.Name, u.Role, u.PasswordHash, u.Disabled, u.LastLoginAt = "ada2@example.com", "Ada", sitrep.RoleResponder, "$new", true, base.Add(time.Hour)
	if err := a.UpdateUser(ctx, u); err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	if got, err := a.UserByID(ctx, u.ID); err != nil || !reflect.DeepEqual(got, u) {
		t.Errorf("after update = %+v, %v; want %+v", got, err, u)
	}
	v.Email = u.Email
	wantCode(t, "UpdateUser to a taken email", a.UpdateUser(ctx, v), sitrep.ECONFLICT)
	wantCode(t, "UpdateUser unknown", a.UpdateUser(ctx, &sitrep.User{ID: "nosuchuser12345", Email: "x@example.com"}), sitrep.ENOTFOUND)

	list, err := a.ListUsers(ctx)
	if err != nil || len(list) != 2 || list[0].ID != u.ID || list[1].ID != v.ID {
		t.Errorf("ListUsers = %+v, %v; want ada then bob", list, err)
	}
}

func testUserTOTP(t *testing.T, s sitrep.Store) {
	a, ctx := accountsOf(t, s), ctxOf(t)
	u := newUser(t, a, "totp@example.com", sitrep.RoleResponder)
	if r, err := a.UserTOTP(ctx, u.ID); err != nil || r != (sitrep.TOTPRecord{}) {
		t.Fatalf("UserTOTP of a new user = %+v, %v; want empty", r, err)
	}
	_, err := a.UserTOTP(ctx, "nosuchuser12345")
	wantCode(t, "UserTOTP unknown", err, sitrep.ENOTFOUND)

	rec := sitrep.TOTPRecord{Secret: "v1:sealed", Pending: "v1:pending", LastStep: 100}
	if err := a.SetUserTOTP(ctx, u.ID, rec, []string{"h1", "h2"}); err != nil {
		t.Fatalf("SetUserTOTP: %v", err)
	}
	if got, err := a.UserTOTP(ctx, u.ID); err != nil || got != rec {
		t.Errorf("UserTOTP = %+v, %v; want %+v", got, err, rec)
	}
	if got, _ := a.UserByID(ctx, u.ID); !got.TOTPEnabled {
		t.Error("TOTPEnabled is false with a secret set")
	}

	steps := []struct {
		step int64
		want bool
	}{{100, false}, {99, false}, {101, true}, {101, false}, {105, true}}
	for _, c := range steps {
		if ok, err := a.UseTOTPStep(ctx, u.ID, c.step); err != nil || ok != c.want {
			t.Errorf("UseTOTPStep(%d) = %v, %v; want %v", c.step, ok, err, c.want)
		}
	}

	// Of concurrent uses of one recovery code exactly one succeeds.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Go(func() {
			ok, err := a.UseRecoveryCode(ctx, u.ID, "h1")
			if err != nil {
				t.Errorf("UseRecoveryCode: %v", err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("recovery code used %d times, want exactly once", wins)
	}
	// A nil list keeps the codes; a new list replaces them.
	if err := a.SetUserTOTP(ctx, u.ID, sitrep.TOTPRecord{Secret: "v1:other"}, nil); err != nil {
		t.Fatal(err)
	}
	if ok, _ := a.UseRecoveryCode(ctx, u.ID, "h2"); !ok {
		t.Error("recovery code h2 lost by SetUserTOTP without codes")
	}
	if err := a.SetUserTOTP(ctx, u.ID, sitrep.TOTPRecord{}, []string{"h3"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.UserByID(ctx, u.ID); got.TOTPEnabled {
		t.Error("TOTPEnabled is true after the secret was cleared")
	}
	if ok, _ := a.UseRecoveryCode(ctx, u.ID, "h3"); !ok {
		t.Error("new recovery code h3 not usable")
	}
	wantCode(t, "SetUserTOTP unknown", a.SetUserTOTP(ctx, "nosuchuser12345", rec, nil), sitrep.ENOTFOUND)
}

func testSessions(t *testing.T, s sitrep.Store) {
	a, ctx := accountsOf(t, s), ctxOf(t)
	u := newUser(t, a, "sess@example.com", sitrep.RoleViewer)
	r1 := sitrep.SessionRecord{Hash: "hash1", UserID: u.ID, CSRFToken: "csrf1", Pending: true, CreatedAt: base, SeenAt: base, IP: "192.0.2.1"}
	r2 := sitrep.SessionRecord{Hash: "hash2", UserID: u.ID, CSRFToken: "csrf2", CreatedAt: base, SeenAt: base, IP: "2001:db8::1"}
	for _, r := range []sitrep.SessionRecord{r1, r2} {
		if err := a.CreateSession(ctx, r); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
	}
	if got, err := a.SessionByHash(ctx, "hash1"); err != nil || *got != r1 {
		t.Errorf("SessionByHash = %+v, %v; want %+v", got, err, r1)
	}
	if err := a.TouchSession(ctx, "hash2", base.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.SessionByHash(ctx, "hash2"); !got.SeenAt.Equal(base.Add(time.Minute)) {
		t.Errorf("SeenAt after touch = %v", got.SeenAt)
	}
	if err := a.DeleteSession(ctx, "hash1"); err != nil {
		t.Fatal(err)
	}
	_, err := a.SessionByHash(ctx, "hash1")
	wantCode(t, "SessionByHash after delete", err, sitrep.ENOTFOUND)
	if err := a.DeleteSession(ctx, "hash1"); err != nil {
		t.Errorf("DeleteSession twice: %v", err)
	}
	if err := a.DeleteUserSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err = a.SessionByHash(ctx, "hash2")
	wantCode(t, "SessionByHash after DeleteUserSessions", err, sitrep.ENOTFOUND)
}

func testAPITokens(t *testing.T, s sitrep.Store) {
	a, ctx := accountsOf(t, s), ctxOf(t)
	t1 := &sitrep.APIToken{Name: "deploy " + nasty, Role: sitrep.RoleResponder, CreatedBy: "ada@example.com", CreatedAt: base, ExpiresAt: base.Add(90 * 24 * time.Hour)}
	t2 := &sitrep.APIToken{Name: "ci", Role: sitrep.RoleViewer, CreatedBy: "admin-token", CreatedAt: base.Add(time.Second)}
	for i, tk := range []*sitrep.APIToken{t1, t2} {
		if err := a.CreateAPIToken(ctx, tk, "tokhash"+string(rune('1'+i))); err != nil {
			t.Fatalf("CreateAPIToken: %v", err)
		}
		if !idRE.MatchString(tk.ID) {
			t.Errorf("token id %q is not a long random id", tk.ID)
		}
	}
	if got, err := a.APITokenByHash(ctx, "tokhash1"); err != nil || !reflect.DeepEqual(got, t1) {
		t.Errorf("APITokenByHash = %+v, %v; want %+v", got, err, t1)
	}
	_, err := a.APITokenByHash(ctx, "nope")
	wantCode(t, "APITokenByHash unknown", err, sitrep.ENOTFOUND)
	if err := a.TouchAPIToken(ctx, t2.ID, base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	t2.LastUsedAt = base.Add(time.Hour)
	list, err := a.ListAPITokens(ctx)
	if err != nil || !reflect.DeepEqual(list, []sitrep.APIToken{*t1, *t2}) {
		t.Errorf("ListAPITokens = %+v, %v", list, err)
	}
	if err := a.DeleteAPIToken(ctx, t1.ID); err != nil {
		t.Fatal(err)
	}
	_, err = a.APITokenByHash(ctx, "tokhash1")
	wantCode(t, "APITokenByHash after revoke", err, sitrep.ENOTFOUND)
	wantCode(t, "DeleteAPIToken twice", a.DeleteAPIToken(ctx, t1.ID), sitrep.ENOTFOUND)
}

func testOneTimeTokens(t *testing.T, s sitrep.Store) {
	a, ctx := accountsOf(t, s), ctxOf(t)
	put := func(hash, kind, user string) {
		t.Helper()
		err := a.PutOneTimeToken(ctx, sitrep.OneTimeToken{Hash: hash, Kind: kind, UserID: user, ExpiresAt: base.Add(time.Hour), CreatedAt: base})
		if err != nil {
			t.Fatalf("PutOneTimeToken %s: %v", hash, err)
		}
	}
	put("setup1", sitrep.OneTimeSetup, "")
	put("setup2", sitrep.OneTimeSetup, "") // voids setup1
	put("resetA", sitrep.OneTimeReset, "userA")
	put("resetB", sitrep.OneTimeReset, "userB")

	_, err := a.TakeOneTimeToken(ctx, "setup1")
	wantCode(t, "take a replaced token", err, sitrep.ENOTFOUND)
	got, err := a.TakeOneTimeToken(ctx, "resetA")
	want := &sitrep.OneTimeToken{Hash: "resetA", Kind: sitrep.OneTimeReset, UserID: "userA", ExpiresAt: base.Add(time.Hour), CreatedAt: base}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("TakeOneTimeToken = %+v, %v; want %+v", got, err, want)
	}
	_, err = a.TakeOneTimeToken(ctx, "resetA")
	wantCode(t, "take twice", err, sitrep.ENOTFOUND)

	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Go(func() {
			if _, err := a.TakeOneTimeToken(ctx, "setup2"); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
				t.Errorf("concurrent take: %v", err)
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("setup token taken %d times, want exactly once", wins)
	}
	if _, err := a.TakeOneTimeToken(ctx, "resetB"); err != nil {
		t.Errorf("another user's token was affected: %v", err)
	}
}

func testAuditLog(t *testing.T, s sitrep.Store) {
	a, ctx := accountsOf(t, s), ctxOf(t)
	var all []sitrep.AuditEntry
	for i := range 5 {
		e := sitrep.AuditEntry{At: base.Add(time.Duration(i) * time.Minute), Actor: "ada@example.com", Action: "incident.update",
			Target: "incident/abc", Detail: "title " + nasty, IP: "192.0.2.7"}
		if err := a.AppendAudit(ctx, &e); err != nil {
			t.Fatalf("AppendAudit: %v", err)
		}
		if e.ID == "" {
			t.Fatal("AppendAudit set no ID")
		}
		all = append([]sitrep.AuditEntry{e}, all...)
	}
	cases := []struct {
		name   string
		before time.Time
		limit  int
		want   []sitrep.AuditEntry
	}{
		{"all newest first", time.Time{}, 0, all},
		{"limit", time.Time{}, 2, all[:2]},
		{"before", base.Add(3 * time.Minute), 10, all[2:]},
		{"before the first", base, 10, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := a.AuditLog(ctx, c.before, c.limit)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("AuditLog = %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}
