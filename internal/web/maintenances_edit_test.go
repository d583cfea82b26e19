package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

	"sitrep"
)

func TestEditMaintenanceRejections(t *testing.T) {
	const edit = "/api/v1/maintenances/mnt-1"
	checkRejections(t, []rejection{
		{name: "blank title", method: "PATCH", target: edit, body: `{"title":"  "}`, status: 400, field: "title",
			message: `title: is required, e.g. "Replace the Oslo storage controller"`},
		{name: "no components", method: "PATCH", target: edit, body: `{"components":[]}`, status: 400, field: "components",
			message: `components: must list at least one component ID, e.g. ["courses-oslo"]; leave it out to keep the current ones`},
		{name: "blank component", method: "PATCH", target: edit, body: `{"components":["courses-oslo",""]}`, status: 400, field: "components",
			message: "components: a component ID is empty"},
		{name: "components as a string", method: "PATCH", target: edit, body: `{"components":"courses-oslo"}`, status: 400, field: "components",
			message: "components: expected an array, got a JSON string"},
		{name: "bad start", method: "PATCH", target: edit, body: `{"start":"next sunday"}`, status: 400, field: "start",
			message: `start: expected an RFC 3339 time such as 2026-11-21T18:00:00Z or 2026-11-21T19:00:00+01:00, got "next sunday"`},
		{name: "bad end", method: "PATCH", target: edit, body: `{"end":"2026-11-23 04:00"}`, status: 400, field: "end",
			message: `end: expected an RFC 3339 time such as 2026-11-21T18:00:00Z or 2026-11-21T19:00:00+01:00, got "2026-11-23 04:00"`},
		{name: "status is not edited here", method: "PATCH", target: edit, body: `{"status":"completed"}`, status: 400, field: "status",
			message: "status: unknown field; valid fields: title, description, components, start, end, message"},
		{name: "changes nothing", method: "PATCH", target: edit, body: `{}`, status: 400,
			message: "nothing to change; send at least one of title, description, components, start, end"},
		{name: "a message alone changes nothing", method: "PATCH", target: edit, body: `{"message":"hello"}`, status: 400,
			message: "nothing to change; send at least one of title, description, components, start, end"},
		{name: "nulls change nothing", method: "PATCH", target: edit, body: `{"title":null,"components":null}`, status: 400,
			message: "nothing to change; send at least one of title, description, components, start, end"},
		{name: "unknown maintenance", method: "PATCH", target: "/api/v1/maintenances/nope", body: `{"title":"x"}`, status: 404,
			message: `no maintenance "nope"; GET /api/v1/maintenances?status=all lists them`},
	})
}

func TestEditMaintenance(t *testing.T) {
	str := func(s string) *string { return &s }
	comps := func(ids ...string) *[]string { return &ids }
	tests := []struct {
		name, body string
		want       sitrep.MaintenanceUpdateInput
	}{
		{"text and components", `{"title":" Replace controller B ","description":"","components":["courses-oslo","messaging-oslo"]}`,
			sitrep.MaintenanceUpdateInput{Title: "Replace controller B", Description: str(""), Components: comps("courses-oslo", "messaging-oslo"),
				Author: AdminTokenName}},
		{"reschedule with a message", `{"start":"2026-11-29T23:00:00+01:00","end":"2026-11-30T02:00:00Z","message":"Moved a week."}`,
			sitrep.MaintenanceUpdateInput{Start: time.Date(2026, 11, 29, 22, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC),
				Message: "Moved a week.", Author: AdminTokenName}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re := newRecordsEnv(t, nil)
			status, body, _ := re.call(t, "PATCH", "/api/v1/maintenances/mnt-1", tt.body)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			if got := re.records.lastMntUpdate; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("service got\n%+v\nwant\n%+v", got, tt.want)
			}
			var m struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal([]byte(body), &m); err != nil || m.ID != "mnt-1" {
				t.Errorf("answer is not the window: %v %s", err, body)
			}
		})
	}
}

// TestEditMaintenanceServiceErrors checks that the service's refusals
// reach the caller in the standard shape with the right status.
func TestEditMaintenanceServiceErrors(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		code   string
		field  string
	}{
		{"completed window", sitrep.Errorf(sitrep.ECONFLICT, "maintenance window mnt-1 is completed and can no longer be edited; schedule a new window instead"),
			http.StatusConflict, sitrep.ECONFLICT, ""},
		{"started window", sitrep.FieldErrorf(sitrep.EINVALID, "start", "the window has already started; only its end can move"),
			http.StatusBadRequest, sitrep.EINVALID, "start"},
		{"unknown component", sitrep.FieldErrorf(sitrep.EINVALID, "components", `unknown component "db", valid: courses-oslo`),
			http.StatusBadRequest, sitrep.EINVALID, "components"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re := newRecordsEnv(t, nil)
			re.records.err = tt.err
			status, body, _ := re.call(t, "PATCH", "/api/v1/maintenances/mnt-1", `{"title":"x","start":"2026-11-29T23:00:00Z"}`)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			var e struct {
				Error struct{ Code, Message, Field string } `json:"error"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				t.Fatal(err)
			}
			if e.Error.Code != tt.code || e.Error.Field != tt.field || e.Error.Message == "" {
				t.Errorf("error %+v, want code %s field %q", e.Error, tt.code, tt.field)
			}
		})
	}
}

func TestEditMaintenanceRoles(t *testing.T) {
	fe := newFullEnv(t)
	for _, c := range []struct {
		role   sitrep.Role
		status int
	}{{sitrep.RoleAdmin, 200}, {sitrep.RoleResponder, 200}, {sitrep.RoleViewer, 403}} {
		t.Run(string(c.role), func(t *testing.T) {
			fe.records.lastMntUpdate = sitrep.MaintenanceUpdateInput{}
			rec := fe.as(c.role, "PATCH", "/api/v1/maintenances/mnt-1", `{"title":"Corrected"}`)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body)
			}
			if reached := fe.records.lastMntUpdate.Title != ""; reached != (c.status == 200) {
				t.Errorf("service reached = %v for %s", reached, c.role)
			}
		})
	}
}
