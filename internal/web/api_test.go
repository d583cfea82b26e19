package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"sitrep"
)

func TestAPI(t *testing.T) {
	tests := []struct {
		name       string
		method     string // default GET
		target     string
		serviceErr error
		status     int
		golden     string // compared after indenting
		contains   string // alternative to golden
	}{
		{name: "list", target: "/api/v1/monitors", status: 200, golden: "monitors.json"},
		{name: "one", target: "/api/v1/monitors/web", status: 200, golden: "monitor_web.json"},
		{name: "never checked", target: "/api/v1/monitors/backup", status: 200, golden: "monitor_backup.json"},
		{name: "unknown monitor", target: "/api/v1/monitors/nope", status: 404, golden: "error_not_found.json"},
		{name: "results default range", target: "/api/v1/monitors/web/results", status: 200, golden: "results_web.json"},
		{name: "results of unknown monitor", target: "/api/v1/monitors/nope/results", status: 404,
			contains: `"message":"no monitor \"nope\"; GET /api/v1/monitors lists them"`},
		{name: "bad from", target: "/api/v1/monitors/web/results?from=x", status: 400, golden: "error_from.json"},
		{name: "bad to", target: "/api/v1/monitors/web/results?to=yesterday", status: 400,
			contains: `{"error":{"code":"invalid","message":"to: expected RFC 3339 time or unix seconds, got \"yesterday\"","field":"to"}}`},
		{name: "from after to", target: "/api/v1/monitors/web/results?from=2026-11-21T13:00:00Z", status: 400,
			contains: `"message":"to: must be after from (2026-11-21T13:00:00Z), got 2026-11-21T12:00:00Z","field":"to"`},
		{name: "unknown endpoint", target: "/api/v2/monitors", status: 404,
			contains: `{"error":{"code":"not_found","message":"no API endpoint GET /api/v2/monitors; the API lives under /api/v1/"}}`},
		{name: "wrong method on a known path", method: "POST", target: "/api/v1/monitors/web", status: 405,
			contains: `{"error":{"code":"method_not_allowed","message":"POST /api/v1/monitors/web is not supported; use GET"}}`},
		{name: "wrong method on an unknown path", method: "DELETE", target: "/api/v1/nothing", status: 404,
			contains: `"code":"not_found"`},
		{name: "internal error hides detail", target: "/api/v1/monitors", serviceErr: errors.New("sql: database is locked"), status: 500,
			contains: `{"error":{"code":"internal","message":"internal error"}}`},
		{name: "unavailable", target: "/api/v1/monitors", serviceErr: fmt.Errorf("list monitors: %w", sitrep.Errorf(sitrep.EUNAVAILABLE, "engine is starting")), status: 503,
			contains: `{"error":{"code":"unavailable","message":"engine is starting"}}`},
		{name: "conflict", target: "/api/v1/monitors/web", serviceErr: sitrep.Errorf(sitrep.ECONFLICT, "busy"), status: 409},
		{name: "unauthorized", target: "/api/v1/monitors/web", serviceErr: sitrep.Errorf(sitrep.EUNAUTHORIZED, "no token"), status: 401},
		{name: "forbidden", target: "/api/v1/monitors/web", serviceErr: sitrep.Errorf(sitrep.EFORBIDDEN, "not yours"), status: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.monitors.err = tt.serviceErr
			method := tt.method
			if method == "" {
				method = "GET"
			}
			res := e.do(t, method, tt.target, nil)
			body := readBody(t, res)
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %s", res.StatusCode, tt.status, body)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if !json.Valid([]byte(body)) {
				t.Fatalf("invalid JSON: %s", body)
			}
			if tt.golden != "" {
				golden(t, tt.golden, indentJSON(t, body))
			}
			if tt.contains != "" && !strings.Contains(body, tt.contains) {
				t.Errorf("body lacks %s\ngot %s", tt.contains, body)
			}
			// Only internal errors are logged at error level, and never reach the client.
			logged := strings.Contains(e.logs.String(), "level=ERROR")
			if want := tt.status == 500; logged != want {
				t.Errorf("error logged = %v, want %v; log:\n%s", logged, want, e.logs.String())
			}
			if strings.Contains(body, "database is locked") {
				t.Errorf("internal detail leaked: %s", body)
			}
		})
	}
}

func TestResultsRange(t *testing.T) {
	now := testTime()
	tests := []struct {
		name     string
		query    string
		from, to time.Time
	}{
		{"default is the last hour", "", now.Add(-time.Hour), now},
		{"rfc3339 both", "?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z",
			time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)},
		{"offset converted to UTC", "?from=2026-11-21T10:00:00%2B01:00", time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC), now},
		{"unix seconds", "?from=1763683200&to=1763686800.5", time.Unix(1763683200, 0).UTC(), time.Unix(1763686800, 5e8).UTC()},
		{"only to", "?to=2026-11-21T06:00:00Z", time.Date(2026, 11, 21, 5, 0, 0, 0, time.UTC), time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			res := e.do(t, "GET", "/api/v1/monitors/web/results"+tt.query, nil)
			if res.StatusCode != 200 {
				t.Fatalf("status %d: %s", res.StatusCode, readBody(t, res))
			}
			got := e.monitors.rangeArg
			if !got[0].Equal(tt.from) || !got[1].Equal(tt.to) {
				t.Errorf("range = %v .. %v, want %v .. %v", got[0], got[1], tt.from, tt.to)
			}
		})
	}
}

func TestParseTimeRejects(t *testing.T) {
	for _, v := range []string{"x", "2026-11-21", "NaN", "Inf", "1e20", "12:00"} {
		t.Run(v, func(t *testing.T) {
			_, err := parseTime("from", v)
			want := fmt.Sprintf("from: expected RFC 3339 time or unix seconds, got %q", v)
			if err == nil || err.Error() != want {
				t.Errorf("parseTime(%q) = %v, want %s", v, err, want)
			}
		})
	}
}

func TestMonitorsSortedByID(t *testing.T) {
	e := newEnv(t)
	shared := fixtureMonitors()
	e.monitors.views = shared
	body := readBody(t, e.do(t, "GET", "/api/v1/monitors", nil))
	var got struct {
		Monitors []struct{ ID string } `json:"monitors"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range got.Monitors {
		ids = append(ids, m.ID)
	}
	if want := "backup db web xss"; strings.Join(ids, " ") != want {
		t.Errorf("ids = %v, want %s", ids, want)
	}
	if shared[0].ID != "web" {
		t.Errorf("the service's slice was reordered in place")
	}
}
