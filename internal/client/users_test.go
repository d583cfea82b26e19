package client

import (
	"context"
	"encoding/csv"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/accounts"
	"sitrep/internal/sqlstore"
	"sitrep/internal/web"
)

// startAccounts serves the admin API over real accounts on SQLite and
// returns a client holding an admin token.
func startAccounts(t *testing.T) (*accounts.Service, *Client) {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), sqlstore.Options{Path: filepath.Join(t.TempDir(), "a.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := accounts.New(accounts.Options{Store: st, DisableAdminToken: true})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := svc.CreateToken(t.Context(), &sitrep.Principal{Name: "setup", Role: sitrep.RoleAdmin}, "cli", sitrep.RoleAdmin, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	srv := web.New(web.Options{Monitors: fixture(), Health: fixture(), Accounts: svc})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return svc, New(ts.URL, tok, ts.Client())
}

func TestUsersRoundTrip(t *testing.T) {
	_, c := startAccounts(t)
	ctx := t.Context()
	u, err := c.CreateUser(ctx, sitrep.UserInput{Email: "ann@example.com", Name: "Ann", Role: sitrep.RoleResponder,
		Password: "correct horse battery staple 42"})
	if err != nil || u.ID == "" || u.Email != "ann@example.com" || u.Role != sitrep.RoleResponder || u.PasswordHash != "" {
		t.Fatalf("CreateUser = %+v, %v", u, err)
	}
	u, err = c.UpdateUser(ctx, u.ID, sitrep.UserInput{Name: "Ann B", Role: sitrep.RoleViewer})
	if err != nil || u.Name != "Ann B" || u.Role != sitrep.RoleViewer {
		t.Fatalf("UpdateUser = %+v, %v", u, err)
	}
	if err := c.DisableUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	users, err := c.Users(ctx)
	if err != nil || len(users) != 1 || !users[0].Disabled || users[0].Name != "Ann B" {
		t.Fatalf("Users = %+v, %v", users, err)
	}

	tests := []struct {
		name string
		call func() error
		code string
		text string
	}{
		{"bad role", func() error {
			_, err := c.CreateUser(ctx, sitrep.UserInput{Email: "b@example.com", Role: "root", Password: "correct horse battery staple 42"})
			return err
		}, sitrep.EINVALID, `role: unknown role "root"; valid: admin, responder, viewer`},
		{"email change", func() error { _, err := c.UpdateUser(ctx, u.ID, sitrep.UserInput{Email: "x@example.com"}); return err },
			sitrep.EINVALID, "email: cannot be changed through the API; create a new user instead"},
		{"unknown user", func() error { return c.DisableUser(ctx, "nobody") }, sitrep.ENOTFOUND, ""},
		{"no token", func() error { _, err := New(c.base, "", nil).Users(ctx); return err }, sitrep.EUNAUTHORIZED, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if sitrep.ErrorCode(err) != tt.code || (tt.text != "" && err.Error() != tt.text) {
				t.Fatalf("got %v (%s); want %s %q", err, sitrep.ErrorCode(err), tt.code, tt.text)
			}
		})
	}
}

func TestTokensRoundTrip(t *testing.T) {
	_, c := startAccounts(t)
	ctx := t.Context()
	exp := time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC)
	tok, rec, err := c.CreateToken(ctx, "deploy", sitrep.RoleViewer, exp)
	if err != nil || tok == "" || rec.Name != "deploy" || rec.Role != sitrep.RoleViewer || !rec.ExpiresAt.Equal(exp) {
		t.Fatalf("CreateToken = %q %+v, %v", tok, rec, err)
	}
	if _, err := New(c.base, tok, nil).Tokens(ctx); sitrep.ErrorCode(err) != sitrep.EFORBIDDEN {
		t.Errorf("a viewer listing tokens: %v", err)
	}
	list, err := c.Tokens(ctx)
	if err != nil || len(list) != 2 || list[1].ID != rec.ID || list[1].CreatedBy != "token:cli" {
		t.Fatalf("Tokens = %+v, %v", list, err)
	}
	if err := c.RevokeToken(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.RevokeToken(ctx, rec.ID); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Errorf("revoking twice: %v", err)
	}
	if _, _, err := c.CreateToken(ctx, "", sitrep.RoleViewer, time.Time{}); sitrep.ErrorCode(err) != sitrep.EINVALID {
		t.Errorf("a nameless token: %v", err)
	}
}

func TestAuditRoundTrip(t *testing.T) {
	svc, c := startAccounts(t)
	ctx := t.Context()
	for _, a := range []string{"incident.open", "incident.update", "incident.resolve"} {
		if err := svc.Audit(ctx, sitrep.AuditEntry{Actor: "=ann", Action: a, Target: "incident/1"}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	before := time.Time{}
	for range 10 {
		page, next, err := c.AuditLog(ctx, before, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			got = append(got, e.Action)
		}
		if next.IsZero() {
			break
		}
		before = next
	}
	if strings.Join(got, " ") != "incident.resolve incident.update incident.open token.create" {
		t.Errorf("walked %v", got)
	}

	var b strings.Builder
	if err := c.ExportAudit(ctx, &b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil || len(rows) != 5 || rows[1][2] != "'=ann" || rows[1][3] != "incident.resolve" {
		t.Errorf("export = %q, %v", rows, err)
	}
	if err := New(c.base, "", nil).ExportAudit(ctx, &b); sitrep.ErrorCode(err) != sitrep.EUNAUTHORIZED {
		t.Errorf("export without a token: %v", err)
	}
}
