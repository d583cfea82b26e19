package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"sitrep"
)

func TestTokenAuthenticator(t *testing.T) {
	tests := []struct {
		name, hash, token string
		ok                bool
	}{
		{"right token", HashToken("tok"), "tok", true},
		{"hash in upper case", strings.ToUpper(HashToken("tok")), "tok", true},
		{"wrong token", HashToken("tok"), "tok2", false},
		{"empty token", HashToken(""), "", false},
		{"no hash configured", "", "tok", false},
		{"hash of another length", "abc", "tok", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := TokenAuthenticator{Hash: tt.hash}.Authenticate(context.Background(), tt.token)
			if !tt.ok {
				if sitrep.ErrorCode(err) != sitrep.EUNAUTHORIZED || p != nil {
					t.Fatalf("got %v, %v; want an unauthorized error", p, err)
				}
				return
			}
			if err != nil || p.Name != AdminTokenName || p.Role != sitrep.RoleAdmin {
				t.Fatalf("got %+v, %v; want the admin principal", p, err)
			}
		})
	}
}

func TestRecordsAuth(t *testing.T) {
	const help = "send Authorization: Bearer TOKEN with the admin token printed at first start (or set with SITREP_ADMIN_TOKEN on the server)"
	tests := []struct {
		name          string
		method        string
		target        string
		authorization string
		headers       []string
		noAuth        bool
		status        int
		message       string
	}{
		{name: "no header", target: "/api/v1/incidents", status: 401,
			message: "missing bearer token; " + help},
		{name: "other scheme", target: "/api/v1/incidents", authorization: "Basic YWRtaW46eA==", status: 401,
			message: "missing bearer token; " + help},
		{name: "empty bearer", target: "/api/v1/maintenances", authorization: "Bearer ", status: 401,
			message: "missing bearer token; " + help},
		{name: "unknown token", target: "/api/v1/incidents/inc-1", authorization: "Bearer nope", status: 401,
			message: "invalid or expired token; " + help},
		{name: "unknown token on a write", method: "POST", target: "/api/v1/incidents", authorization: "Bearer nope", status: 401,
			message: "invalid or expired token; " + help},
		{name: "scheme is case-insensitive", target: "/api/v1/incidents", authorization: "bearer " + adminToken, status: 200},
		{name: "viewer may read", target: "/api/v1/incidents/inc-1", authorization: "Bearer " + viewerToken, status: 200},
		{name: "viewer may not write", method: "POST", target: "/api/v1/incidents/inc-1/resolve", authorization: "Bearer " + viewerToken,
			status: 403, message: "vera (role viewer) may not change incidents or maintenance"},
		{name: "viewer may not schedule", method: "POST", target: "/api/v1/maintenances", authorization: "Bearer " + viewerToken,
			status: 403, message: "vera (role viewer) may not change incidents or maintenance"},
		{name: "authenticator failure is internal", target: "/api/v1/incidents", authorization: "Bearer explode", status: 500,
			message: "internal error"},
		{name: "server without authenticator", target: "/api/v1/incidents", authorization: "Bearer " + adminToken, noAuth: true,
			status: 401, message: "this server has no API authentication configured"},
		{name: "cross-site browser post", method: "POST", target: "/api/v1/incidents/inc-1/resolve", authorization: "Bearer " + adminToken,
			headers: []string{"Sec-Fetch-Site", "cross-site"}, status: 403,
			message: "cross-origin request refused: writes are accepted from this site or from API clients only"},
		{name: "cross-origin post by Origin", method: "PUT", target: "/api/v1/incidents/inc-0/postmortem", authorization: "Bearer " + adminToken,
			headers: []string{"Origin", "https://evil.example"}, status: 403,
			message: "cross-origin request refused: writes are accepted from this site or from API clients only"},
		{name: "same-origin browser post", method: "POST", target: "/api/v1/incidents/inc-1/resolve", authorization: "Bearer " + adminToken,
			headers: []string{"Sec-Fetch-Site", "same-origin"}, status: 200},
		{name: "cross-site read is allowed", target: "/api/v1/incidents", authorization: "Bearer " + adminToken,
			headers: []string{"Sec-Fetch-Site", "cross-site"}, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re := newRecordsEnv(t, func(o *Options) {
				if tt.noAuth {
					o.Auth = nil
				}
			})
			method := tt.method
			if method == "" {
				method = "GET"
			}
			body := ""
			if method != "GET" {
				body = `{"message":"done"}`
			}
			hdr := append([]string{"Authorization", tt.authorization}, tt.headers...)
			res := re.do(t, method, tt.target, strings.NewReader(body), hdr...)
			got := readBody(t, res)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tt.status, got)
			}
			if tt.status == 401 && res.Header.Get("WWW-Authenticate") != `Bearer realm="sitrep"` {
				t.Errorf("WWW-Authenticate = %q", res.Header.Get("WWW-Authenticate"))
			}
			if tt.message != "" {
				if msg := errorMessage(t, got); msg != tt.message {
					t.Errorf("message %q\nwant    %q", msg, tt.message)
				}
			}
		})
	}
}

func TestRecordsAuthorIsPrincipal(t *testing.T) {
	re := newRecordsEnv(t, nil)
	res := re.do(t, "POST", "/api/v1/incidents/inc-1/updates", strings.NewReader(`{"message":"Looking"}`),
		"Authorization", "Bearer responder-token")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, readBody(t, res))
	}
	if got := re.records.lastUpdate.Author; got != "rita" {
		t.Errorf("author %q, want rita", got)
	}
}

func TestRecordsRoutesOnlyWhenConfigured(t *testing.T) {
	e := newEnv(t)
	res := e.do(t, "GET", "/api/v1/incidents", nil, "Authorization", "Bearer "+adminToken)
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d, want 404 without an IncidentService", res.StatusCode)
	}
	re := newRecordsEnv(t, func(o *Options) { o.Maintenances = nil })
	res = re.do(t, "GET", "/api/v1/maintenances", nil, "Authorization", "Bearer "+adminToken)
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d, want 404 without a MaintenanceService", res.StatusCode)
	}
}

// errorMessage returns the message of an {"error":{…}} body.
func errorMessage(t *testing.T, body string) string {
	t.Helper()
	var e struct {
		Error struct {
			Code, Message, Field string
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not an error body: %v\n%s", err, body)
	}
	if e.Error.Code == "" {
		t.Fatalf("no error in body: %s", body)
	}
	return e.Error.Message
}

func TestRecordsMethodNotAllowed(t *testing.T) {
	tests := []struct{ method, target, allow, message string }{
		{"DELETE", "/api/v1/incidents", "GET, POST, HEAD", "DELETE /api/v1/incidents is not supported; use GET or POST"},
		{"GET", "/api/v1/incidents/inc-1/resolve", "POST", "GET /api/v1/incidents/inc-1/resolve is not supported; use POST"},
		{"POST", "/api/v1/incidents/inc-1/postmortem", "PUT", "POST /api/v1/incidents/inc-1/postmortem is not supported; use PUT"},
		{"DELETE", "/api/v1/maintenances/mnt-1", "GET, PATCH, HEAD", "DELETE /api/v1/maintenances/mnt-1 is not supported; use GET or PATCH"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			re := newRecordsEnv(t, nil)
			res := re.do(t, tt.method, tt.target, nil, "Authorization", "Bearer "+adminToken)
			body := readBody(t, res)
			if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != tt.allow {
				t.Fatalf("status %d, Allow %q: %s", res.StatusCode, res.Header.Get("Allow"), body)
			}
			if msg := errorMessage(t, body); msg != tt.message {
				t.Errorf("message %q\nwant    %q", msg, tt.message)
			}
		})
	}
}
