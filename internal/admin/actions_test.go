package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sitrep"
)

func TestOpenIncident(t *testing.T) {
	e := newEnv(t, envOpts{})
	form := url.Values{"title": {"Exams down"}, "impact": {"critical"}, "status": {"identified"}, "message": {"We know why."},
		"component.courses": {"major_outage"}, "component.video": {""}}
	w := e.post(t, "/admin/incidents", responderEmail, form, true)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/admin/incidents/inc-") {
		t.Fatalf("%d %s", w.Code, w.Header().Get("Location"))
	}
	id := strings.TrimPrefix(w.Header().Get("Location"), "/admin/incidents/")
	inc, err := e.incs.Incident(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Title != "Exams down" || inc.Impact != sitrep.ImpactCritical || inc.Status != sitrep.IncidentIdentified ||
		len(inc.Components) != 1 || inc.Components[0] != (sitrep.AffectedComponent{ComponentID: "courses", Status: sitrep.StatusMajorOutage}) ||
		inc.Updates[0].Author != responderEmail || !inc.Updates[0].Public {
		t.Errorf("incident %+v", inc)
	}
}

func TestIncidentFormRejections(t *testing.T) {
	cases := []struct {
		name string
		form url.Values
		says string
	}{
		{"no title", url.Values{"impact": {"minor"}, "status": {"investigating"}}, "title: say in a few words"},
		{"bad impact", url.Values{"title": {"x"}, "impact": {"huge"}, "status": {"investigating"}}, "impact: unknown impact &#34;huge&#34;, valid: none, minor, major, critical"},
		{"bad status", url.Values{"title": {"x"}, "impact": {"minor"}, "status": {"done"}}, "status: unknown incident status"},
		{"bad component status", url.Values{"title": {"x"}, "impact": {"minor"}, "status": {"investigating"}, "component.video": {"on_fire"}},
			"component.video: unknown component status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			w := e.post(t, "/admin/incidents", responderEmail, tc.form, true)
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), tc.says) {
				t.Errorf("%d, want 400 saying %q:\n%s", w.Code, tc.says, w.Body)
			}
			if e.writes() != 0 {
				t.Error("a rejected form reached the service")
			}
		})
	}
}

func TestPreviewsSaveNothing(t *testing.T) {
	e := newEnv(t, envOpts{})
	w := e.post(t, "/admin/incidents/inc-1/updates", responderEmail, url.Values{"status": {"monitoring"},
		"message": {"A fix is **rolling out**."}, "component.video": {"degraded_performance"}, "action": {"preview"}}, true)
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "Preview of the public update") ||
		!strings.Contains(body, "<strong>Monitoring</strong>") || !strings.Contains(body, "A fix is <strong>rolling out</strong>.") ||
		!strings.Contains(body, "Video: Degraded performance") {
		t.Errorf("%d\n%s", w.Code, body)
	}
	// What was typed is kept for the real submission.
	if !strings.Contains(body, ">A fix is **rolling out**.</textarea>") {
		t.Error("the message is not kept in the form")
	}
	if e.writes() != 0 {
		t.Errorf("preview saved: %v", e.incs.callLog())
	}
}

func TestUpdateAndResolve(t *testing.T) {
	e := newEnv(t, envOpts{})
	if w := e.post(t, "/admin/incidents/inc-1/updates", responderEmail, url.Values{"status": {"monitoring"}, "message": {"Watching"}, "internal": {"1"}}, true); w.Code != http.StatusSeeOther {
		t.Fatalf("update: %d %s", w.Code, w.Body)
	}
	if w := e.post(t, "/admin/incidents/inc-1/updates", responderEmail, url.Values{"status": {"monitoring"}}, true); w.Code != http.StatusBadRequest ||
		!strings.Contains(w.Body.String(), "message: write what changed") {
		t.Errorf("update without message: %d", w.Code)
	}
	if w := e.post(t, "/admin/incidents/inc-1/resolve", responderEmail, nil, true); w.Code != http.StatusSeeOther {
		t.Fatalf("resolve: %d %s", w.Code, w.Body)
	}
	inc, _ := e.incs.Incident(t.Context(), "inc-1")
	last := inc.Updates[len(inc.Updates)-1]
	if inc.Status != sitrep.IncidentResolved || last.Message != "This incident has been resolved." || inc.Updates[2].Public {
		t.Errorf("incident %+v", inc)
	}
	// A resolved incident offers no update form.
	if body := e.get(t, "/admin/incidents/inc-1", responderEmail).Body.String(); strings.Contains(body, "Post an update") {
		t.Error("resolved incident still offers updates")
	}
}

func TestPostmortemSave(t *testing.T) {
	e := newEnv(t, envOpts{})
	form := url.Values{"summary": {"Disk filled."}, "root_cause": {"Logs"}, "impact": {"1 h"}, "published": {"1"},
		"timeline":     {"2026-11-21 10:00 Alert fired\r\n\r\n2026-11-21 10:30 Disk cleaned"},
		"action.title": {"Rotate logs", "", "Alert earlier"}, "action.owner": {"ops", "", ""}, "action.due": {"2026-12-01", "", ""},
		"action.done.2": {"1"}}
	if w := e.post(t, "/admin/incidents/inc-0/postmortem", responderEmail, form, true); w.Code != http.StatusSeeOther {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	inc, _ := e.incs.Incident(t.Context(), "inc-0")
	pm := inc.Postmortem
	if pm == nil || !pm.Published || pm.Author != responderEmail || len(pm.Timeline) != 2 ||
		!pm.Timeline[1].At.Equal(time.Date(2026, 11, 21, 10, 30, 0, 0, time.UTC)) || pm.Timeline[1].Text != "Disk cleaned" {
		t.Fatalf("postmortem %+v", pm)
	}
	want := []sitrep.ActionItem{{Title: "Rotate logs", Owner: "ops", Due: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}, {Title: "Alert earlier", Done: true}}
	if len(pm.ActionItems) != 2 || pm.ActionItems[0] != want[0] || pm.ActionItems[1] != want[1] {
		t.Errorf("action items %+v", pm.ActionItems)
	}

	bad := []struct {
		name string
		form url.Values
		says string
	}{
		{"timeline without time", url.Values{"timeline": {"yesterday it broke"}}, "timeline: line 1: start with the time"},
		{"action without title", url.Values{"action.title": {""}, "action.owner": {"ops"}, "action.due": {""}}, "action item 1 needs a title"},
		{"bad due date", url.Values{"action.title": {"x"}, "action.owner": {""}, "action.due": {"soon"}}, "&#34;soon&#34; is not a date"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			w := e.post(t, "/admin/incidents/inc-0/postmortem", responderEmail, tc.form, true)
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), tc.says) {
				t.Errorf("%d, want 400 saying %q:\n%s", w.Code, tc.says, w.Body)
			}
		})
	}
}

func TestMaintenanceActions(t *testing.T) {
	e := newEnv(t, envOpts{})
	w := e.post(t, "/admin/maintenances", responderEmail, url.Values{"title": {"Kernel update"}, "start": {"2026-11-22T02:00"},
		"end": {"2026-11-22T04:00"}, "components": {"video", "unknown"}, "message": {"Short outage"}}, true)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("schedule: %d %s", w.Code, w.Body)
	}
	id := strings.TrimPrefix(w.Header().Get("Location"), "/admin/maintenances/")
	m, _ := e.maints.Maintenance(t.Context(), id)
	if m.Title != "Kernel update" || len(m.Components) != 1 || m.Components[0] != "video" ||
		!m.PlannedStart.Equal(time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)) || m.Author != responderEmail {
		t.Errorf("maintenance %+v", m)
	}
	for _, step := range []struct {
		action string
		form   url.Values
		want   string
	}{
		{"start", nil, "update " + id + " in_progress"},
		{"extend", url.Values{"end": {"2026-11-22T05:00"}}, "update " + id + " end=2026-11-22T05:00:00Z"},
		{"complete", nil, "update " + id + " completed"},
	} {
		if w := e.post(t, "/admin/maintenances/"+id+"/"+step.action, responderEmail, step.form, true); w.Code != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", step.action, w.Code, w.Body)
		}
		calls := e.maints.callLog()
		if got := calls[len(calls)-1]; got != step.want {
			t.Errorf("%s: call %q, want %q", step.action, got, step.want)
		}
	}

	bad := []struct {
		name   string
		path   string
		form   url.Values
		status int
		says   string
	}{
		{"end before start", "/admin/maintenances", url.Values{"title": {"x"}, "start": {"2026-11-22T04:00"}, "end": {"2026-11-22T02:00"}}, http.StatusBadRequest, "end: the end must be after the start"},
		{"bad time", "/admin/maintenances", url.Values{"title": {"x"}, "start": {"tomorrow"}, "end": {"2026-11-22T02:00"}}, http.StatusBadRequest, "start: &#34;tomorrow&#34; is not a date and time"},
		{"no title", "/admin/maintenances", url.Values{"start": {"2026-11-22T02:00"}, "end": {"2026-11-22T04:00"}}, http.StatusBadRequest, "title: say what the work is"},
		{"extend backwards", "/admin/maintenances/mnt-2/extend", url.Values{"end": {"2026-11-21T10:00"}}, http.StatusBadRequest, "end: the new end must be after the planned end"},
		{"unknown action", "/admin/maintenances/mnt-2/explode", nil, http.StatusNotFound, "valid: start, extend, complete"},
		{"unknown window", "/admin/maintenances/nope/start", nil, http.StatusNotFound, "no maintenance"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			w := e.post(t, tc.path, responderEmail, tc.form, true)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.says) {
				t.Errorf("%d, want %d saying %q:\n%s", w.Code, tc.status, tc.says, w.Body)
			}
			if e.writes() != 0 {
				t.Error("a rejected request reached the service")
			}
		})
	}
}
