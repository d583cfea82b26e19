package web

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"sitrep"
)

const testPassword = "correct horse battery staple 42"

// as sends a request with a role's token.
func (fe *fullEnv) as(role sitrep.Role, method, path, body string, hdr ...string) *httptest.ResponseRecorder {
	return fe.do(method, path, body, "", append([]string{"Authorization", "Bearer " + fe.tokens[role]}, hdr...)...)
}

func decodeJSON[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, rec.Body)
	}
	return v
}

func TestUsersAPI(t *testing.T) {
	fe := newFullEnv(t)
	create := `{"email":"ann@example.com","name":"Ann","role":"responder","password":"` + testPassword + `"}`
	rec := fe.as(sitrep.RoleAdmin, "POST", "/api/v1/users", create, "Idempotency-Key", "u-1")
	if rec.Code != 201 {
		t.Fatalf("create = %d %s", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "password") || strings.Contains(rec.Body.String(), testPassword) {
		t.Errorf("the answer echoes the password: %s", rec.Body)
	}
	u := decodeJSON[userJSON](t, rec)
	if u.Email != "ann@example.com" || u.Role != "responder" || u.ID == "" || rec.Header().Get("Location") != "/api/v1/users/"+u.ID {
		t.Fatalf("created %+v at %q", u, rec.Header().Get("Location"))
	}
	if again := fe.as(sitrep.RoleAdmin, "POST", "/api/v1/users", create, "Idempotency-Key", "u-1"); again.Code != 201 ||
		again.Header().Get("Idempotent-Replayed") != "true" || again.Body.String() != rec.Body.String() {
		t.Errorf("retry with the same key = %d %s", again.Code, again.Body)
	}

	rec = fe.as(sitrep.RoleAdmin, "PATCH", "/api/v1/users/"+u.ID, `{"name":"Ann B","role":"viewer","password":"another long passphrase 7"}`)
	if got := decodeJSON[userJSON](t, rec); rec.Code != 200 || got.Name != "Ann B" || got.Role != "viewer" {
		t.Fatalf("patch = %d %s", rec.Code, rec.Body)
	}
	if rec = fe.as(sitrep.RoleAdmin, "POST", "/api/v1/users/"+u.ID+"/disable", ""); rec.Code != 204 {
		t.Fatalf("disable = %d %s", rec.Code, rec.Body)
	}
	rec = fe.as(sitrep.RoleAdmin, "GET", "/api/v1/users?limit=1", "")
	list := decodeJSON[userListJSON](t, rec)
	if rec.Code != 200 || len(list.Users) != 1 || list.NextCursor != nil || !list.Users[0].Disabled || list.Users[0].Name != "Ann B" {
		t.Fatalf("list = %d %s", rec.Code, rec.Body)
	}

	tests := []struct {
		name, method, path, body string
		role                     sitrep.Role
		status                   int
		want                     string
	}{
		{"unknown role", "POST", "/api/v1/users", `{"email":"b@example.com","role":"root","password":"` + testPassword + `"}`, sitrep.RoleAdmin, 400, `role: unknown role \"root\"; valid: admin, responder, viewer`},
		{"bad email", "POST", "/api/v1/users", `{"email":"nope","role":"viewer","password":"` + testPassword + `"}`, sitrep.RoleAdmin, 400, `"field":"email"`},
		{"short password", "POST", "/api/v1/users", `{"email":"b@example.com","role":"viewer","password":"short"}`, sitrep.RoleAdmin, 400, `"field":"password"`},
		{"taken email", "POST", "/api/v1/users", `{"email":"ann@example.com","role":"viewer","password":"` + testPassword + `"}`, sitrep.RoleAdmin, 409, `"code":"conflict"`},
		{"unknown field", "POST", "/api/v1/users", `{"email":"b@example.com","role":"viewer","pasword":"x"}`, sitrep.RoleAdmin, 400, `pasword: unknown field; valid fields: email, name, role, password`},
		{"empty body", "POST", "/api/v1/users", ``, sitrep.RoleAdmin, 400, `request body is empty`},
		{"nothing to change", "PATCH", "/api/v1/users/" + u.ID, `{}`, sitrep.RoleAdmin, 400, `nothing to change; send at least one of name, role, password`},
		{"empty name", "PATCH", "/api/v1/users/" + u.ID, `{"name":""}`, sitrep.RoleAdmin, 400, `name: must not be empty`},
		{"empty password", "PATCH", "/api/v1/users/" + u.ID, `{"password":""}`, sitrep.RoleAdmin, 400, `password: must not be empty`},
		{"unknown user", "PATCH", "/api/v1/users/nobody", `{"name":"X"}`, sitrep.RoleAdmin, 404, `"code":"not_found"`},
		{"disable unknown", "POST", "/api/v1/users/nobody/disable", ``, sitrep.RoleAdmin, 404, `"code":"not_found"`},
		{"responder may not", "GET", "/api/v1/users", ``, sitrep.RoleResponder, 403, `(role responder) may not manage users`},
		{"wrong method", "PUT", "/api/v1/users", `{}`, sitrep.RoleAdmin, 405, `PUT /api/v1/users is not supported; use GET or POST`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := fe.as(tc.role, tc.method, tc.path, tc.body)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("%s %s = %d %s; want %d with %s", tc.method, tc.path, rec.Code, rec.Body, tc.status, tc.want)
			}
		})
	}
}
