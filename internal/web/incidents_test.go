package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"sitrep"
)

// call sends an authenticated request as the admin token.
func (re *recordsEnv) call(t *testing.T, method, target, body string) (int, string, http.Header) {
	t.Helper()
	res := re.do(t, method, target, strings.NewReader(body), "Authorization", "Bearer "+adminToken)
	return res.StatusCode, readBody(t, res), res.Header
}

// rejection is one bad request and the error it must get.
type rejection struct {
	name, method, target, body string
	status                     int
	message, field             string
}

func checkRejections(t *testing.T, tests []rejection) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re := newRecordsEnv(t, nil)
			method := tt.method
			if method == "" {
				method = "POST"
			}
			status, body, _ := re.call(t, method, tt.target, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			var e struct {
				Error struct{ Code, Message, Field string } `json:"error"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, body)
			}
			if e.Error.Message != tt.message {
				t.Errorf("message %q\nwant    %q", e.Error.Message, tt.message)
			}
			if e.Error.Field != tt.field {
				t.Errorf("field %q, want %q", e.Error.Field, tt.field)
			}
		})
	}
}

func TestIncidentRejections(t *testing.T) {
	const open = "/api/v1/incidents"
	const openFields = "title, impact, status, message, components, internal, started_at, at"
	checkRejections(t, []rejection{
		{name: "empty body", target: open, body: "", status: 400,
			message: "request body is empty; expected a JSON object with the fields " + openFields},
		{name: "syntax error", target: open, body: "{\n  \"title\": \"x\",\n  }", status: 400,
			message: "invalid JSON at line 3, column 3: invalid character '}' looking for beginning of object key string"},
		{name: "truncated", target: open, body: "{\"title\": \"x\"", status: 400,
			message: "invalid JSON: the body ends early at line 1, column 14; a closing brace, bracket or quote is missing"},
		{name: "unknown field", target: open, body: `{"title":"x","severity":"major"}`, status: 400, field: "severity",
			message: "severity: unknown field; valid fields: " + openFields},
		{name: "wrong type", target: open, body: `{"title":42}`, status: 400, field: "title",
			message: "title: expected a string, got a JSON number"},
		{name: "components as a list", target: open, body: `{"title":"x","components":["a"]}`, status: 400, field: "components",
			message: "components: expected an object, got a JSON array"},
		{name: "not an object", target: open, body: `["x"]`, status: 400,
			message: "expected a JSON object with the fields " + openFields + ", got a JSON array"},
		{name: "trailing data", target: open, body: `{"title":"x"} {"title":"y"}`, status: 400,
			message: "unexpected data after the JSON object at line 1, column 15; send one object"},
		{name: "missing title", target: open, body: `{"title":"  ","message":"m"}`, status: 400, field: "title",
			message: `title: is required, e.g. "Courses are down in Oslo"`},
		{name: "bad impact", target: open, body: `{"title":"x","impact":"huge"}`, status: 400, field: "impact",
			message: `impact: unknown impact "huge", valid: none, minor, major, critical`},
		{name: "bad status", target: open, body: `{"title":"x","status":"fixing"}`, status: 400, field: "status",
			message: `status: unknown incident status "fixing", valid: investigating, identified, monitoring, resolved`},
		{name: "opened resolved", target: open, body: `{"title":"x","status":"resolved"}`, status: 400, field: "status",
			message: "status: a new incident cannot start resolved; open it, then POST .../resolve"},
		{name: "bad component status", target: open, body: `{"title":"x","components":{"courses-oslo":"down"}}`, status: 400,
			field:   "components.courses-oslo",
			message: `components.courses-oslo: unknown component status "down", valid: operational, under_maintenance, degraded_performance, partial_outage, major_outage`},
		{name: "empty component id", target: open, body: `{"title":"x","components":{"":"major_outage"}}`, status: 400,
			field: "components", message: "components: a component ID is empty"},
		{name: "bad started_at", target: open, body: `{"title":"x","started_at":"yesterday 18:00"}`, status: 400, field: "started_at",
			message: `started_at: expected an RFC 3339 time such as 2026-11-21T18:00:00Z or 2026-11-21T19:00:00+01:00, got "yesterday 18:00"`},
		{name: "time without zone", target: open, body: `{"title":"x","at":"2026-11-21T18:00:00"}`, status: 400, field: "at",
			message: `at: expected an RFC 3339 time such as 2026-11-21T18:00:00Z or 2026-11-21T19:00:00+01:00, got "2026-11-21T18:00:00"`},
		{name: "too large", target: open, body: `{"title":"` + strings.Repeat("x", 70<<10) + `"}`, status: 413,
			message: "request body is larger than 64 KB"},
		{name: "update changes nothing", target: "/api/v1/incidents/inc-1/updates", body: `{"internal":true}`, status: 400,
			message: "the update changes nothing; send at least one of status, message, impact, title, components"},
		{name: "update bad status", target: "/api/v1/incidents/inc-1/updates", body: `{"status":"fixed"}`, status: 400, field: "status",
			message: `status: unknown incident status "fixed", valid: investigating, identified, monitoring, resolved`},
		{name: "update bad impact", target: "/api/v1/incidents/inc-1/updates", body: `{"impact":"high","message":"m"}`, status: 400, field: "impact",
			message: `impact: unknown impact "high", valid: none, minor, major, critical`},
		{name: "update unknown field", target: "/api/v1/incidents/inc-1/updates", body: `{"state":"identified"}`, status: 400, field: "state",
			message: "state: unknown field; valid fields: status, message, impact, title, components, internal, at"},
		{name: "update unknown incident", target: "/api/v1/incidents/nope/updates", body: `{"message":"m"}`, status: 404,
			message: `no incident "nope"; GET /api/v1/incidents?status=all lists them`},
		{name: "resolve bad at", target: "/api/v1/incidents/inc-1/resolve", body: `{"message":"m","at":"now"}`, status: 400, field: "at",
			message: `at: expected an RFC 3339 time such as 2026-11-21T18:00:00Z or 2026-11-21T19:00:00+01:00, got "now"`},
		{name: "resolve unknown field", target: "/api/v1/incidents/inc-1/resolve", body: `{"message":"m","status":"resolved"}`, status: 400,
			field: "status", message: "status: unknown field; valid fields: message, at"},
		{name: "postmortem published without summary", method: "PUT", target: "/api/v1/incidents/inc-0/postmortem",
			body: `{"published":true}`, status: 400, field: "summary",
			message: `summary: is required, e.g. "A failed storage controller took Courses in Oslo down for 2 hours."`},
		{name: "postmortem timeline without time", method: "PUT", target: "/api/v1/incidents/inc-0/postmortem",
			body: `{"timeline":[{"at":"2026-11-21T18:00:00Z","text":"a"},{"text":"b"}]}`, status: 400, field: "timeline[1].at",
			message: "timeline[1].at: is required: when it happened, as an RFC 3339 time"},
		{name: "postmortem action item due", method: "PUT", target: "/api/v1/incidents/inc-0/postmortem",
			body: `{"action_items":[{"title":"t","due":"next week"}]}`, status: 400, field: "action_items[0].due",
			message: `action_items[0].due: expected an RFC 3339 time such as 2026-11-21T18:00:00Z or 2026-11-21T19:00:00+01:00, got "next week"`},
		{name: "postmortem action item title", method: "PUT", target: "/api/v1/incidents/inc-0/postmortem",
			body: `{"action_items":[{"owner":"kari"}]}`, status: 400, field: "action_items[0].title",
			message: `action_items[0].title: is required, e.g. "Alert on controller errors"`},
		{name: "postmortem nested unknown field", method: "PUT", target: "/api/v1/incidents/inc-0/postmortem",
			body: `{"action_items":[{"title":"t","assignee":"kari"}]}`, status: 400, field: "assignee",
			message: "assignee: unknown field; valid fields: summary, root_cause, impact, timeline [at, text], action_items [title, owner, due, done], published"},
		{name: "get unknown incident", method: "GET", target: "/api/v1/incidents/nope", status: 404,
			message: `no incident "nope"; GET /api/v1/incidents?status=all lists them`},
		{name: "list bad status", method: "GET", target: "/api/v1/incidents?status=closed", status: 400, field: "status",
			message: `status: unknown value "closed", valid: open, resolved, all`},
		{name: "list bad limit", method: "GET", target: "/api/v1/incidents?limit=0", status: 400, field: "limit",
			message: `limit: expected a whole number from 1 to 200, got "0"`},
		{name: "list bad cursor", method: "GET", target: "/api/v1/incidents?cursor=abc", status: 400, field: "cursor",
			message: `cursor: invalid cursor "abc"; pass the next_cursor of the previous page`},
		{name: "list unknown parameter", method: "GET", target: "/api/v1/incidents?state=open", status: 400, field: "state",
			message: "state: unknown query parameter; valid: status, limit, cursor"},
	})
}

func TestIncidentServiceErrors(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		want   string
	}{
		{"domain error passes through", sitrep.FieldErrorf(sitrep.EINVALID, "components.x", "no component %q", "x"), 400,
			`{"error":{"code":"invalid","message":"components.x: no component \"x\"","field":"components.x"}}`},
		{"conflict", sitrep.Errorf(sitrep.ECONFLICT, "incident is resolved"), 409,
			`{"error":{"code":"conflict","message":"incident is resolved"}}`},
		{"internal detail hidden", errors.New("sql: disk full"), 500, `{"error":{"code":"internal","message":"internal error"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re := newRecordsEnv(t, nil)
			re.records.err = tt.err
			status, body, _ := re.call(t, "POST", "/api/v1/incidents", `{"title":"x"}`)
			if status != tt.status || strings.TrimSpace(body) != tt.want {
				t.Fatalf("got %d %s\nwant %d %s", status, body, tt.status, tt.want)
			}
		})
	}
}

func TestOpenIncident(t *testing.T) {
	re := newRecordsEnv(t, nil)
	status, body, h := re.call(t, "POST", "/api/v1/incidents", `{
		"title": "Courses down in Oslo", "impact": "major", "status": "identified",
		"message": "We are <b>on it</b>.", "components": {"courses-oslo": "major_outage", "messaging-oslo": "degraded_performance"},
		"internal": false, "started_at": "2026-11-21T12:50:00+01:00", "at": "2026-11-21T11:55:00Z"}`)
	if status != http.StatusCreated {
		t.Fatalf("status %d: %s", status, body)
	}
	if got := h.Get("Location"); got != "/api/v1/incidents/new-1" {
		t.Errorf("Location %q", got)
	}
	want := sitrep.IncidentInput{
		Title: "Courses down in Oslo", Impact: sitrep.ImpactMajor, Status: sitrep.IncidentIdentified,
		Message:    "We are <b>on it</b>.",
		Components: map[string]sitrep.ComponentStatus{"courses-oslo": sitrep.StatusMajorOutage, "messaging-oslo": sitrep.StatusDegraded},
		StartedAt:  time.Date(2026, 11, 21, 11, 50, 0, 0, time.UTC), At: time.Date(2026, 11, 21, 11, 55, 0, 0, time.UTC),
		Author: AdminTokenName,
	}
	if got := re.records.lastOpen; !reflect.DeepEqual(got, want) {
		t.Errorf("service got\n%+v\nwant\n%+v", got, want)
	}
	golden(t, "api-incidents/opened.json", indentJSON(t, body))
}

func TestIncidentAnswers(t *testing.T) {
	tests := []struct {
		name, method, target, body string
		golden                     string
	}{
		// inc-1 has an internal update and metrics; inc-0 a postmortem.
		{name: "get with internal updates", method: "GET", target: "/api/v1/incidents/inc-1", golden: "api-incidents/inc-1.json"},
		{name: "get with postmortem", method: "GET", target: "/api/v1/incidents/inc-0", golden: "api-incidents/inc-0.json"},
		{name: "update", method: "POST", target: "/api/v1/incidents/inc-1/updates",
			body:   `{"status":"monitoring","message":"Fix deployed","components":{"courses-oslo":"degraded_performance"},"internal":true}`,
			golden: "api-incidents/updated.json"},
		{name: "resolve", method: "POST", target: "/api/v1/incidents/inc-1/resolve", body: `{"message":"All good"}`,
			golden: "api-incidents/resolved.json"},
		{name: "postmortem", method: "PUT", target: "/api/v1/incidents/inc-0/postmortem",
			body: `{"summary":"s","root_cause":"r","impact":"i","timeline":[{"at":"2026-11-02T07:50:00Z","text":"Latency rises."}],
				"action_items":[{"title":"Add the index","owner":"ola","due":"2026-11-12T12:00:00Z","done":true}],"published":true}`,
			golden: "api-incidents/postmortem.json"},
		{name: "list open", method: "GET", target: "/api/v1/incidents?status=open", golden: "api-incidents/list-open.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re := newRecordsEnv(t, nil)
			status, body, h := re.call(t, tt.method, tt.target, tt.body)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			if h.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q; staff-only answers must not be cached", h.Get("Cache-Control"))
			}
			golden(t, tt.golden, indentJSON(t, body))
		})
	}
}

func TestIncidentInputs(t *testing.T) {
	re := newRecordsEnv(t, nil)
	if status, body, _ := re.call(t, "POST", "/api/v1/incidents/inc-1/updates",
		`{"status":"monitoring","message":"m","impact":"critical","title":" New title ","components":{"courses-oslo":"operational"},"internal":true,"at":"2026-11-21T10:00:00Z"}`); status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	wantUpdate := sitrep.IncidentUpdateInput{Status: sitrep.IncidentMonitoring, Impact: sitrep.ImpactCritical, Title: "New title", Message: "m",
		Components: map[string]sitrep.ComponentStatus{"courses-oslo": sitrep.StatusOperational},
		At:         time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC), Author: AdminTokenName, Internal: true}
	if got := re.records.lastUpdate; !reflect.DeepEqual(got, wantUpdate) {
		t.Errorf("update input\n%+v\nwant\n%+v", got, wantUpdate)
	}

	if status, body, _ := re.call(t, "POST", "/api/v1/incidents/inc-1/resolve", `{"message":"ok","at":"2026-11-21T11:00:00Z"}`); status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	wantResolve := sitrep.IncidentUpdateInput{Status: sitrep.IncidentResolved, Message: "ok",
		At: time.Date(2026, 11, 21, 11, 0, 0, 0, time.UTC), Author: AdminTokenName}
	if got := re.records.lastUpdate; !reflect.DeepEqual(got, wantResolve) {
		t.Errorf("resolve input\n%+v\nwant\n%+v", got, wantResolve)
	}

	if status, body, _ := re.call(t, "PUT", "/api/v1/incidents/inc-0/postmortem",
		`{"summary":"s","timeline":[{"at":"2026-11-02T08:50:00+01:00","text":"t"}],"action_items":[{"title":"a","owner":"o"}]}`); status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	wantPM := sitrep.Postmortem{Summary: "s", Author: AdminTokenName,
		Timeline:    []sitrep.TimelineEntry{{At: time.Date(2026, 11, 2, 7, 50, 0, 0, time.UTC), Text: "t"}},
		ActionItems: []sitrep.ActionItem{{Title: "a", Owner: "o"}}}
	if got := re.records.lastPostmortem; !reflect.DeepEqual(got, wantPM) {
		t.Errorf("postmortem\n%+v\nwant\n%+v", got, wantPM)
	}
}

func TestListIncidentsPaging(t *testing.T) {
	open, resolved := true, false
	tests := []struct {
		query      string
		wantFilter sitrep.IncidentFilter
		wantIDs    []string
		wantTotal  int
		wantNext   any
	}{
		{"", sitrep.IncidentFilter{Limit: 25}, []string{"inc-1", "inc-0"}, 2, nil},
		{"?status=all&limit=1", sitrep.IncidentFilter{Limit: 1}, []string{"inc-1"}, 2, "1"},
		{"?status=all&limit=1&cursor=1", sitrep.IncidentFilter{Limit: 1, Offset: 1}, []string{"inc-0"}, 2, nil},
		{"?status=open", sitrep.IncidentFilter{Open: &open, Limit: 25}, []string{"inc-1"}, 1, nil},
		{"?status=resolved", sitrep.IncidentFilter{Open: &resolved, Limit: 25}, []string{"inc-0"}, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			re := newRecordsEnv(t, nil)
			status, body, _ := re.call(t, "GET", "/api/v1/incidents"+tt.query, "")
			if status != 200 {
				t.Fatalf("status %d: %s", status, body)
			}
			if got := re.records.lastIncFilter; !reflect.DeepEqual(got, tt.wantFilter) {
				t.Errorf("filter %+v, want %+v", got, tt.wantFilter)
			}
			var out struct {
				Incidents []struct {
					ID string `json:"id"`
				} `json:"incidents"`
				Total      int `json:"total"`
				NextCursor any `json:"next_cursor"`
			}
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, i := range out.Incidents {
				ids = append(ids, i.ID)
			}
			if !reflect.DeepEqual(ids, tt.wantIDs) || out.Total != tt.wantTotal || out.NextCursor != tt.wantNext {
				t.Errorf("got %v total %d next %v; want %v total %d next %v", ids, out.Total, out.NextCursor, tt.wantIDs, tt.wantTotal, tt.wantNext)
			}
		})
	}
}
