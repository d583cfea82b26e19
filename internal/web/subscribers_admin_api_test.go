package web

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"sitrep"
)

func addSubscribers(t *testing.T, fe *fullEnv) []*sitrep.Subscriber {
	t.Helper()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	subs := []*sitrep.Subscriber{
		{Page: "main", Kind: sitrep.SubscriberEmail, Address: "ann@example.com", Confirmed: true, ConfirmedAt: at},
		{Page: "main", Kind: sitrep.SubscriberEmail, Address: "=cmd@example.com"},
		{Page: "main", Kind: sitrep.SubscriberSlack, Address: "https://hooks.slack.com/services/T0/B0/secret", Confirmed: true,
			Components: []string{"courses-oslo", "video-us"}},
		{Page: "other", Kind: sitrep.SubscriberWebhook, Address: "https://example.net/hook?key=secret", Confirmed: true},
	}
	for i, s := range subs {
		s.CreatedAt = at.Add(time.Duration(i) * time.Minute)
		s.ManageHash = []byte(fmt.Sprintf("manage-%d-0123456789abcdef0123", i))
		if err := fe.store.CreateSubscriber(t.Context(), s); err != nil {
			t.Fatal(err)
		}
	}
	return subs
}

func TestSubscribersAdminAPI(t *testing.T) {
	fe := newFullEnv(t)
	subs := addSubscribers(t, fe)

	lists := []struct {
		name, query string
		want        []string // addresses as shown, in order
		total       int
		next        bool
	}{
		{"all, newest first", "", []string{"https://example.net/…", "https://hooks.slack.com/…", "=cmd@example.com", "ann@example.com"}, 4, false},
		{"search", "?q=ann", []string{"ann@example.com"}, 1, false},
		{"page and kind", "?page=main&kind=email", []string{"=cmd@example.com", "ann@example.com"}, 2, false},
		{"unconfirmed", "?confirmed=false", []string{"=cmd@example.com"}, 1, false},
		{"first page", "?limit=3", []string{"https://example.net/…", "https://hooks.slack.com/…", "=cmd@example.com"}, 4, true},
		{"second page", "?limit=3&cursor=3", []string{"ann@example.com"}, 4, false},
	}
	for _, tc := range lists {
		t.Run(tc.name, func(t *testing.T) {
			rec := fe.as(sitrep.RoleResponder, "GET", "/api/v1/subscribers"+tc.query, "")
			got := decodeJSON[subscriberAdminListJSON](t, rec)
			var addrs []string
			for _, s := range got.Subscribers {
				addrs = append(addrs, s.Address)
			}
			if rec.Code != 200 || strings.Join(addrs, " ") != strings.Join(tc.want, " ") || got.Total != tc.total || (got.NextCursor != nil) != tc.next {
				t.Errorf("GET %s = %d %s; want %v total %d", tc.query, rec.Code, rec.Body, tc.want, tc.total)
			}
			if strings.Contains(rec.Body.String(), "secret") {
				t.Errorf("a webhook secret leaks: %s", rec.Body)
			}
		})
	}

	rec := fe.as(sitrep.RoleResponder, "GET", "/api/v1/subscribers.csv?page=main", "")
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil || rec.Code != 200 {
		t.Fatalf("export = %d %v %s", rec.Code, err, rec.Body)
	}
	if len(rows) != 4 || rows[1][3] != "https://hooks.slack.com/…" || rows[1][4] != "courses-oslo video-us" ||
		rows[2][3] != "'=cmd@example.com" || rows[3][5] != "true" || rows[3][7] != "2026-01-01T00:00:00Z" {
		t.Errorf("export rows = %q", rows)
	}

	if rec = fe.as(sitrep.RoleResponder, "DELETE", "/api/v1/subscribers/"+subs[0].ID, ""); rec.Code != 204 {
		t.Fatalf("delete = %d %s", rec.Code, rec.Body)
	}
	if _, err := fe.store.Subscriber(t.Context(), subs[0].ID); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Errorf("after delete: %v", err)
	}
	log, err := fe.auth.AuditLog(t.Context(), time.Time{}, 1)
	if err != nil || len(log) != 1 || log[0].Action != "subscriber.delete" || log[0].Actor != "token:test responder" ||
		log[0].Target != "subscriber/"+subs[0].ID || log[0].Detail != "email ann@example.com on page main" {
		t.Errorf("audit = %+v %v", log, err)
	}

	tests := []struct {
		name, method, path string
		role               sitrep.Role
		status             int
		want               string
	}{
		{"unknown kind", "GET", "/api/v1/subscribers?kind=fax", sitrep.RoleAdmin, 400, `kind: unknown kind \"fax\"; valid: email, webhook, slack, teams, discord`},
		{"bad confirmed", "GET", "/api/v1/subscribers?confirmed=maybe", sitrep.RoleAdmin, 400, `confirmed: expected true or false, got \"maybe\"`},
		{"bad cursor", "GET", "/api/v1/subscribers?cursor=x", sitrep.RoleAdmin, 400, `cursor: invalid cursor`},
		{"bad limit", "GET", "/api/v1/subscribers?limit=5000", sitrep.RoleAdmin, 400, `limit: expected a whole number from 1 to 1000`},
		{"export bad kind", "GET", "/api/v1/subscribers.csv?kind=fax", sitrep.RoleAdmin, 400, `kind: unknown kind`},
		{"delete twice", "DELETE", "/api/v1/subscribers/" + subs[0].ID, sitrep.RoleAdmin, 404, `"code":"not_found"`},
		{"viewer may not list", "GET", "/api/v1/subscribers", sitrep.RoleViewer, 403, `(role viewer) may not manage subscribers`},
		{"viewer may not delete", "DELETE", "/api/v1/subscribers/" + subs[1].ID, sitrep.RoleViewer, 403, `may not manage subscribers`},
		{"wrong method", "PUT", "/api/v1/subscribers", sitrep.RoleAdmin, 405, `PUT /api/v1/subscribers is not supported; use POST or GET`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := fe.as(tc.role, tc.method, tc.path, "")
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("%s %s = %d %s; want %d with %s", tc.method, tc.path, rec.Code, rec.Body, tc.status, tc.want)
			}
		})
	}
}
