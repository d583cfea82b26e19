package web

import (
	"strings"
	"testing"

	"sitrep"
)

func TestTokensAPI(t *testing.T) {
	fe := newFullEnv(t)
	rec := fe.as(sitrep.RoleAdmin, "POST", "/api/v1/tokens", `{"name":"deploy bot","role":"responder","expires_at":"2999-01-01T00:00:00Z"}`)
	if rec.Code != 201 {
		t.Fatalf("create = %d %s", rec.Code, rec.Body)
	}
	created := decodeJSON[tokenCreatedJSON](t, rec)
	if created.Token == "" || created.Name != "deploy bot" || created.Role != "responder" || created.ExpiresAt == nil ||
		rec.Header().Get("Location") != "/api/v1/tokens/"+created.ID {
		t.Fatalf("created %s", rec.Body)
	}
	// The new token works, with its role.
	if rec := fe.do("GET", "/api/v1/incidents", "", "", "Authorization", "Bearer "+created.Token); rec.Code != 200 {
		t.Errorf("the new token reading incidents = %d %s", rec.Code, rec.Body)
	}
	if rec := fe.do("GET", "/api/v1/tokens", "", "", "Authorization", "Bearer "+created.Token); rec.Code != 403 {
		t.Errorf("a responder token listing tokens = %d %s", rec.Code, rec.Body)
	}

	rec = fe.as(sitrep.RoleAdmin, "GET", "/api/v1/tokens", "")
	if strings.Contains(rec.Body.String(), created.Token) || strings.Contains(rec.Body.String(), `"token"`) {
		t.Errorf("the list shows a token: %s", rec.Body)
	}
	list := decodeJSON[tokenListJSON](t, rec)
	if rec.Code != 200 || len(list.Tokens) != 4 || list.Tokens[3].ID != created.ID || list.Tokens[3].CreatedBy != "token:test admin" {
		t.Fatalf("list = %d %s", rec.Code, rec.Body)
	}
	rec = fe.as(sitrep.RoleAdmin, "GET", "/api/v1/tokens?limit=3", "")
	if page := decodeJSON[tokenListJSON](t, rec); len(page.Tokens) != 3 || page.NextCursor == nil || *page.NextCursor != "3" {
		t.Errorf("first page of 3 = %s", rec.Body)
	}

	if rec = fe.as(sitrep.RoleAdmin, "DELETE", "/api/v1/tokens/"+created.ID, ""); rec.Code != 204 {
		t.Fatalf("revoke = %d %s", rec.Code, rec.Body)
	}
	if rec := fe.do("GET", "/api/v1/incidents", "", "", "Authorization", "Bearer "+created.Token); rec.Code != 401 {
		t.Errorf("a revoked token = %d %s", rec.Code, rec.Body)
	}

	tests := []struct {
		name, method, path, body string
		role                     sitrep.Role
		status                   int
		want                     string
	}{
		{"no name", "POST", "/api/v1/tokens", `{"role":"viewer"}`, sitrep.RoleAdmin, 400, `name: a token needs a name`},
		{"unknown role", "POST", "/api/v1/tokens", `{"name":"x","role":"boss"}`, sitrep.RoleAdmin, 400, `role: unknown role \"boss\"`},
		{"past expiry", "POST", "/api/v1/tokens", `{"name":"x","role":"viewer","expires_at":"2001-01-01T00:00:00Z"}`, sitrep.RoleAdmin, 400, `"field":"expires_at"`},
		{"bad expiry", "POST", "/api/v1/tokens", `{"name":"x","role":"viewer","expires_at":"tomorrow"}`, sitrep.RoleAdmin, 400, `expires_at: expected an RFC 3339 time such as 2027-01-31T00:00:00Z, got \"tomorrow\"`},
		{"revoke unknown", "DELETE", "/api/v1/tokens/nope", ``, sitrep.RoleAdmin, 404, `"code":"not_found"`},
		{"viewer may not", "POST", "/api/v1/tokens", `{"name":"x","role":"admin"}`, sitrep.RoleViewer, 403, `(role viewer) may not manage tokens`},
		{"no token", "GET", "/api/v1/tokens", ``, "", 401, `missing bearer token`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rec = fe.do(tc.method, tc.path, tc.body, "")
			if tc.role != "" {
				rec = fe.as(tc.role, tc.method, tc.path, tc.body)
			}
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("%s %s = %d %s; want %d with %s", tc.method, tc.path, rec.Code, rec.Body, tc.status, tc.want)
			}
		})
	}
}
