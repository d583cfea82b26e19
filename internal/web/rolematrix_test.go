package web

import (
	"fmt"
	"strings"
	"testing"

	"sitrep"
)

// TestRoleMatrix sends every /api/v1 route (from apiRoutes, which the
// OpenAPI test ties to what is registered) as each role and without a
// token, and checks the answer against sitrep.Allowed: refused means 401
// (no token) or 403 (role), allowed means anything else but a 5xx. The
// tokens are real API tokens minted by internal/accounts over SQLite.
func TestRoleMatrix(t *testing.T) {
	fe := newFullEnv(t)
	callers := []struct {
		name  string
		token string
		role  sitrep.Role
	}{
		{"admin", fe.tokens[sitrep.RoleAdmin], sitrep.RoleAdmin},
		{"responder", fe.tokens[sitrep.RoleResponder], sitrep.RoleResponder},
		{"viewer", fe.tokens[sitrep.RoleViewer], sitrep.RoleViewer},
		{"no token", "", ""},
	}
	for _, rt := range apiRoutes() {
		path := strings.NewReplacer("{id}", "inc-1").Replace(rt.Path)
		body := ""
		if rt.Body != nil {
			// Empty bodies fail validation after authorization: 400 is
			// "allowed in", which is all this test asks.
			body = "{}"
		}
		for _, c := range callers {
			t.Run(fmt.Sprintf("%s/%s", rt.pattern(), c.name), func(t *testing.T) {
				var hdr []string
				if c.token != "" {
					hdr = []string{"Authorization", "Bearer " + c.token}
				}
				rec := fe.do(rt.Method, path, body, "", hdr...)
				var want string
				switch {
				case rt.Action == "":
					want = "allowed"
				case c.token == "":
					want = "401"
				case sitrep.Allowed(c.role, rt.Action):
					want = "allowed"
				default:
					want = "403"
				}
				got := fmt.Sprint(rec.Code)
				if rec.Code != 401 && rec.Code != 403 {
					got = "allowed"
				}
				if got != want || rec.Code >= 500 {
					t.Errorf("%s %s as %s = %d %s; want %s", rt.Method, path, c.name, rec.Code, rec.Body, want)
				}
			})
		}
	}
}
