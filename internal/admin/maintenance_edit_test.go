package admin

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"sitrep"
)

func TestMaintenanceEditForm(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.maints.add(&sitrep.Maintenance{ID: "mnt-done", Title: "Old work", Components: []string{"courses"}, Status: sitrep.MaintenanceCompleted,
		PlannedStart: testNow.Add(-5 * time.Hour), PlannedEnd: testNow.Add(-4 * time.Hour)})
	tests := []struct {
		name, path string
		status     int
		has, lacks []string
	}{
		{"scheduled", "/admin/maintenances/mnt-1/edit", http.StatusOK,
			[]string{`action="/admin/maintenances/mnt-1/edit"`, `name="csrf"`, `value="2026-11-22T12:00" required`, `value="2026-11-22T15:00"`,
				`value="courses" checked`, "rescheduled"},
			[]string{"readonly", `value="video" checked`}},
		{"in progress: start fixed", "/admin/maintenances/mnt-2/edit", http.StatusOK,
			[]string{`value="2026-11-21T09:00" readonly`, `value="video" checked`, "The window has started."}, nil},
		{"completed", "/admin/maintenances/mnt-done/edit", http.StatusConflict, []string{"completed and can no longer be edited"}, []string{`action="/admin/maintenances/mnt-done/edit"`}},
		{"unknown", "/admin/maintenances/nope/edit", http.StatusNotFound, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.get(t, tt.path, responderEmail)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			for _, s := range tt.has {
				if !strings.Contains(w.Body.String(), s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tt.lacks {
				if strings.Contains(w.Body.String(), s) {
					t.Errorf("page has %q", s)
				}
			}
		})
	}
	// The window's page links to the form for those who may write.
	if w := e.get(t, "/admin/maintenances/mnt-1", responderEmail); !strings.Contains(w.Body.String(), `href="/admin/maintenances/mnt-1/edit"`) {
		t.Errorf("no edit link on the window's page")
	}
	if w := e.get(t, "/admin/maintenances/mnt-1", viewerEmail); strings.Contains(w.Body.String(), "/edit") {
		t.Errorf("a viewer is offered the edit link")
	}
}

func TestMaintenanceEdit(t *testing.T) {
	form := func(kv ...string) url.Values {
		v := url.Values{"title": {"Database upgrade, part 2"}, "description": {""}, "start": {"2026-11-23T12:00"}, "end": {"2026-11-23T14:00"},
			"components": {"courses", "video"}}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" && kv[i] == "components" {
				v.Del("components")
				continue
			}
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	t.Run("scheduled: reschedule and correct", func(t *testing.T) {
		e := newEnv(t, envOpts{})
		w := e.post(t, "/admin/maintenances/mnt-1/edit", responderEmail, form(), true)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/maintenances/mnt-1" {
			t.Fatalf("status %d, location %q: %s", w.Code, w.Header().Get("Location"), w.Body)
		}
		if got := e.maints.callLog(); !slices.Equal(got, []string{"update mnt-1 end=2026-11-23T14:00:00Z edit"}) {
			t.Errorf("calls %v", got)
		}
		m, _ := e.maints.Maintenance(t.Context(), "mnt-1")
		if m.Title != "Database upgrade, part 2" || m.Description != "" || !slices.Equal(m.Components, []string{"courses", "video"}) ||
			!m.PlannedStart.Equal(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)) {
			t.Errorf("not applied: %+v", m)
		}
	})
	t.Run("in progress: the start is not sent", func(t *testing.T) {
		e := newEnv(t, envOpts{})
		w := e.post(t, "/admin/maintenances/mnt-2/edit", responderEmail, form("start", "2026-11-30T10:00"), true)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		m, _ := e.maints.Maintenance(t.Context(), "mnt-2")
		if !m.PlannedStart.Equal(testNow.Add(-3*time.Hour)) || !m.PlannedEnd.Equal(time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)) {
			t.Errorf("start %v end %v", m.PlannedStart, m.PlannedEnd)
		}
	})
	for _, tt := range []struct {
		name string
		form url.Values
		says string
	}{
		{"blank title", form("title", "  "), "title: say what the work is"},
		{"no components", form("components", ""), "components: tick at least one component"},
		{"bad start", form("start", "tomorrow"), `start: &#34;tomorrow&#34; is not a date and time; use YYYY-MM-DDTHH:MM`},
		{"no end", form("end", ""), "end: choose when the work ends"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			w := e.post(t, "/admin/maintenances/mnt-1/edit", responderEmail, tt.form, true)
			if w.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", w.Code, w.Body)
			}
			body := w.Body.String()
			if !strings.Contains(body, tt.says) {
				t.Errorf("the page does not say %q:\n%s", tt.says, body)
			}
			// What the person typed is kept.
			for _, kept := range []string{`value="2026-11-23T14:00"`, `action="/admin/maintenances/mnt-1/edit"`} {
				if tt.name != "no end" && !strings.Contains(body, kept) {
					t.Errorf("the form lost %q", kept)
				}
			}
			if n := len(e.maints.callLog()); n != 0 {
				t.Errorf("an invalid form reached the service: %v", e.maints.callLog())
			}
		})
	}
	t.Run("viewer refused", func(t *testing.T) {
		e := newEnv(t, envOpts{})
		w := e.post(t, "/admin/maintenances/mnt-1/edit", viewerEmail, form(), true)
		if w.Code != http.StatusForbidden || len(e.maints.callLog()) != 0 {
			t.Errorf("status %d, calls %v", w.Code, e.maints.callLog())
		}
	})
}

// TestMaintenanceEditInjectionInert: markup in a window's text, and in what
// a person types into the form, is shown as text.
func TestMaintenanceEditInjectionInert(t *testing.T) {
	e := newEnv(t, envOpts{payload: payload})
	check := func(t *testing.T, body string) {
		t.Helper()
		for _, bad := range []string{"<script>alert", "<img src=x", "onerror=alert(2)>"} {
			if strings.Contains(body, bad) {
				t.Errorf("live markup %q in the page", bad)
			}
		}
		if !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("the payload is not shown as text")
		}
	}
	t.Run("form", func(t *testing.T) { check(t, e.get(t, "/admin/maintenances/mnt-1/edit", responderEmail).Body.String()) })
	t.Run("refused form keeps the text inert", func(t *testing.T) {
		w := e.post(t, "/admin/maintenances/mnt-1/edit", responderEmail, url.Values{"title": {payload}, "description": {payload},
			"message": {payload}, "start": {"2026-11-23T12:00"}, "end": {"2026-11-23T14:00"}}, true)
		if w.Code != http.StatusBadRequest {
			t.Fatalf("status %d", w.Code)
		}
		check(t, w.Body.String())
	})
}
