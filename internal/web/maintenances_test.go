package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

	"sitrep"
)

func TestMaintenanceRejections(t *testing.T) {
	const sched = "/api/v1/maintenances"
	const ok = `"title":"t","components":["courses-oslo"]`
	const form = `"every DAYS HH:MM-HH:MM [ZONE]", e.g. "every sunday 02:00-04:00 Europe/Oslo" or "every mon,thu 22:00-01:00 UTC" or "every day 03:00-03:30"`
	checkRejections(t, []rejection{
		{name: "missing title", target: sched, body: `{"components":["a"],"start":"2026-11-22T23:00:00Z","end":"2026-11-23T02:00:00Z"}`,
			status: 400, field: "title", message: `title: is required, e.g. "Replace the Oslo storage controller"`},
		{name: "missing components", target: sched, body: `{"title":"t","start":"2026-11-22T23:00:00Z","end":"2026-11-23T02:00:00Z"}`,
			status: 400, field: "components", message: `components: is required: the IDs of the components the work affects, e.g. ["courses-oslo"]`},
		{name: "components as a map", target: sched, body: `{"title":"t","components":{"a":"b"}}`,
			status: 400, field: "components", message: "components: expected an array, got a JSON object"},
		{name: "blank component", target: sched, body: `{"title":"t","components":[" "]}`,
			status: 400, field: "components", message: "components: a component ID is empty"},
		{name: "missing start", target: sched, body: `{` + ok + `,"end":"2026-11-23T02:00:00Z"}`,
			status: 400, field: "start", message: "start: is required: when the work begins, as an RFC 3339 time"},
		{name: "missing end", target: sched, body: `{` + ok + `,"start":"2026-11-23T02:00:00Z"}`,
			status: 400, field: "end", message: "end: is required: when the work is planned to end, as an RFC 3339 time"},
		{name: "end before start", target: sched, body: `{` + ok + `,"start":"2026-11-23T02:00:00Z","end":"2026-11-23T03:00:00+02:00"}`,
			status: 400, field: "end", message: "end: must be after start (2026-11-23T02:00:00Z), got 2026-11-23T01:00:00Z"},
		{name: "bad start", target: sched, body: `{` + ok + `,"start":"tonight","end":"2026-11-23T03:00:00Z"}`,
			status: 400, field: "start", message: `start: expected an RFC 3339 time such as 2026-11-21T18:00:00Z or 2026-11-21T19:00:00+01:00, got "tonight"`},
		{name: "bad recurrence", target: sched, body: `{` + ok + `,"recurrence":"every funday 02:00-04:00"}`,
			status: 400, field: "recurrence", message: `recurrence: unknown day "funday" in "every funday 02:00-04:00"; the form is ` + form},
		{name: "unknown field", target: sched, body: `{` + ok + `,"duration":"3h"}`, status: 400, field: "duration",
			message: "duration: unknown field; valid fields: title, components, start, end, description, message, recurrence"},
		{name: "update bad status", target: "/api/v1/maintenances/mnt-1/updates", body: `{"status":"started"}`, status: 400, field: "status",
			message: `status: unknown maintenance status "started", valid: scheduled, in_progress, verifying, completed`},
		{name: "update bad end", target: "/api/v1/maintenances/mnt-1/updates", body: `{"end":"+1h"}`, status: 400, field: "end",
			message: `end: expected an RFC 3339 time such as 2026-11-21T18:00:00Z or 2026-11-21T19:00:00+01:00, got "+1h"`},
		{name: "update changes nothing", target: "/api/v1/maintenances/mnt-1/updates", body: `{}`, status: 400,
			message: "the update changes nothing; send at least one of status, message, start, end"},
		{name: "update unknown maintenance", target: "/api/v1/maintenances/nope/updates", body: `{"message":"m"}`, status: 404,
			message: `no maintenance "nope"; GET /api/v1/maintenances?status=all lists them`},
		{name: "get unknown maintenance", method: "GET", target: "/api/v1/maintenances/nope", status: 404,
			message: `no maintenance "nope"; GET /api/v1/maintenances?status=all lists them`},
		{name: "list bad status", method: "GET", target: "/api/v1/maintenances?status=upcoming,past", status: 400, field: "status",
			message: `status: unknown value "past", valid: upcoming, active, completed, all (or several joined by commas)`},
	})
}

func TestScheduleMaintenance(t *testing.T) {
	re := newRecordsEnv(t, nil)
	status, body, h := re.call(t, "POST", "/api/v1/maintenances", `{"title":"Replace controller","components":["courses-oslo","messaging-oslo"],
		"start":"2026-11-22T23:00:00Z","end":"2026-11-23T03:00:00+01:00","description":"d","message":"m",
		"recurrence":"every sun 02:00-04:00 Europe/Oslo"}`)
	if status != http.StatusCreated {
		t.Fatalf("status %d: %s", status, body)
	}
	if got := h.Get("Location"); got != "/api/v1/maintenances/mnt-new-1" {
		t.Errorf("Location %q", got)
	}
	in := re.records.lastSchedule
	if in.Recurrence == nil || in.Recurrence.String() != "every sun 02:00-04:00 Europe/Oslo" {
		t.Fatalf("recurrence %+v", in.Recurrence)
	}
	in.Recurrence = nil
	want := sitrep.MaintenanceInput{Title: "Replace controller", Components: []string{"courses-oslo", "messaging-oslo"},
		Start: time.Date(2026, 11, 22, 23, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC),
		Description: "d", Message: "m", Author: AdminTokenName}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("service got\n%+v\nwant\n%+v", in, want)
	}
	golden(t, "api-maintenances/scheduled.json", indentJSON(t, body))
}

func TestMaintenanceAnswers(t *testing.T) {
	tests := []struct {
		name, method, target, body, golden string
		wantUpdate                         *sitrep.MaintenanceUpdateInput
	}{
		{name: "get overrun window", method: "GET", target: "/api/v1/maintenances/mnt-0", golden: "api-maintenances/mnt-0.json"},
		{name: "extend", method: "POST", target: "/api/v1/maintenances/mnt-0/updates",
			body: `{"end":"2026-11-22T20:00:00Z","message":"One more hour","internal":true}`, golden: "api-maintenances/extended.json",
			wantUpdate: &sitrep.MaintenanceUpdateInput{End: time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC), Message: "One more hour",
				Internal: true, Author: AdminTokenName}},
		{name: "complete", method: "POST", target: "/api/v1/maintenances/mnt-0/updates", body: `{"status":"completed"}`,
			golden:     "api-maintenances/completed.json",
			wantUpdate: &sitrep.MaintenanceUpdateInput{Status: sitrep.MaintenanceCompleted, Author: AdminTokenName}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re := newRecordsEnv(t, nil)
			status, body, _ := re.call(t, tt.method, tt.target, tt.body)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			if tt.wantUpdate != nil && !reflect.DeepEqual(re.records.lastMntUpdate, *tt.wantUpdate) {
				t.Errorf("update input\n%+v\nwant\n%+v", re.records.lastMntUpdate, *tt.wantUpdate)
			}
			golden(t, tt.golden, indentJSON(t, body))
		})
	}
}

func TestListMaintenances(t *testing.T) {
	tests := []struct {
		query        string
		wantStatuses []sitrep.MaintenanceStatus
		wantIDs      []string
	}{
		{"", nil, []string{"mnt-0", "mnt-old", "mnt-1"}},
		{"?status=all", nil, []string{"mnt-0", "mnt-old", "mnt-1"}},
		{"?status=upcoming", []sitrep.MaintenanceStatus{sitrep.MaintenanceScheduled}, []string{"mnt-1"}},
		{"?status=active", []sitrep.MaintenanceStatus{sitrep.MaintenanceInProgress, sitrep.MaintenanceVerifying}, []string{"mnt-0"}},
		{"?status=upcoming,active", []sitrep.MaintenanceStatus{sitrep.MaintenanceScheduled, sitrep.MaintenanceInProgress, sitrep.MaintenanceVerifying},
			[]string{"mnt-0", "mnt-1"}},
		{"?status=completed", []sitrep.MaintenanceStatus{sitrep.MaintenanceCompleted}, []string{"mnt-old"}},
		{"?status=completed,all", nil, []string{"mnt-0", "mnt-old", "mnt-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			re := newRecordsEnv(t, nil)
			status, body, _ := re.call(t, "GET", "/api/v1/maintenances"+tt.query, "")
			if status != 200 {
				t.Fatalf("status %d: %s", status, body)
			}
			if got := re.records.lastMntFilter.Statuses; !reflect.DeepEqual(got, tt.wantStatuses) {
				t.Errorf("statuses %v, want %v", got, tt.wantStatuses)
			}
			var out struct {
				Maintenances []struct {
					ID string `json:"id"`
				} `json:"maintenances"`
				Total int `json:"total"`
			}
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, m := range out.Maintenances {
				ids = append(ids, m.ID)
			}
			if !reflect.DeepEqual(ids, tt.wantIDs) || out.Total != len(tt.wantIDs) {
				t.Errorf("got %v (total %d), want %v", ids, out.Total, tt.wantIDs)
			}
		})
	}
}
