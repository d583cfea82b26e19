package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"sitrep"
)

func fullMaintenance(t *testing.T) *sitrep.Maintenance {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skipf("no tzdata: %v", err)
	}
	return &sitrep.Maintenance{
		Title: "Database upgrade " + nasty, Description: "Planned <em>work</em> " + nasty,
		Components:   []string{"courses-oslo", "db-oslo"},
		PlannedStart: base.Add(time.Hour), PlannedEnd: base.Add(4 * time.Hour),
		ActualStart: base.Add(time.Hour + time.Second), ActualEnd: base.Add(5 * time.Hour),
		Status:  sitrep.MaintenanceCompleted,
		Overrun: true, OverrunAt: base.Add(4*time.Hour + time.Minute),
		Updates: []sitrep.MaintenanceUpdate{
			{Status: sitrep.MaintenanceScheduled, Message: "Announced " + nasty, Public: true, At: base.Add(-24 * time.Hour),
				CreatedAt: base.Add(-24 * time.Hour), Author: "ops"},
			{Status: sitrep.MaintenanceInProgress, Message: "internal: starting", Public: false, At: base.Add(time.Hour),
				CreatedAt: base.Add(time.Hour), Author: sitrep.AutomationAuthor},
		},
		RemindersSent: []time.Duration{24 * time.Hour, time.Hour},
		Recurrence: &sitrep.Recurrence{Weekdays: []time.Weekday{time.Sunday, time.Wednesday}, Start: 2 * time.Hour,
			End: 4*time.Hour + 30*time.Minute, TimeZone: "Europe/Oslo", Location: oslo, Until: base.Add(365 * 24 * time.Hour)},
		SeriesID:  "series-1",
		CreatedAt: base.Add(-24 * time.Hour), UpdatedAt: base.Add(5 * time.Hour), Author: "lead " + nasty,
	}
}

// sameMaintenance compares windows; time zones compare by name, since a
// loaded *time.Location carries caches.
func sameMaintenance(t *testing.T, what string, got, want *sitrep.Maintenance) {
	t.Helper()
	if got == nil || want == nil {
		if got != want {
			t.Errorf("%s: got %+v, want %+v", what, got, want)
		}
		return
	}
	g, w := *got, *want
	if (g.Recurrence == nil) != (w.Recurrence == nil) {
		t.Errorf("%s: recurrence %+v, want %+v", what, g.Recurrence, w.Recurrence)
		return
	}
	if g.Recurrence != nil {
		gr, wr := *g.Recurrence, *w.Recurrence
		if gr.Location.String() != wr.Location.String() {
			t.Errorf("%s: recurrence location %v, want %v", what, gr.Location, wr.Location)
		}
		if gr.String() != wr.String() {
			t.Errorf("%s: recurrence %q, want %q", what, gr.String(), wr.String())
		}
		gr.Location, wr.Location = nil, nil
		g.Recurrence, w.Recurrence = &gr, &wr
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v rec=%+v\nwant %+v rec=%+v", what, g, g.Recurrence, w, w.Recurrence)
	}
}

func createMaintenance(t *testing.T, r Records, m *sitrep.Maintenance) *sitrep.Maintenance {
	t.Helper()
	if err := r.CreateMaintenance(ctxOf(t), m); err != nil {
		t.Fatalf("CreateMaintenance: %v", err)
	}
	return m
}

func testMaintenanceRoundTrip(t *testing.T, s sitrep.Store) {
	r := recordsOf(t, s)
	ctx := ctxOf(t)
	m := createMaintenance(t, r, fullMaintenance(t))
	if !idRE.MatchString(m.ID) {
		t.Errorf("maintenance id %q is not 10+ URL-safe characters", m.ID)
	}
	for i, u := range m.Updates {
		if !idRE.MatchString(u.ID) || u.MaintenanceID != m.ID {
			t.Errorf("update %d: id %q, maintenance %q", i, u.ID, u.MaintenanceID)
		}
	}
	got, err := r.Maintenance(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameMaintenance(t, "read back", got, m)

	// Every day, across midnight, in UTC; a one-off window has none.
	daily := &sitrep.Maintenance{Title: "nightly", Status: sitrep.MaintenanceScheduled, PlannedStart: base, PlannedEnd: base.Add(time.Hour),
		Recurrence: &sitrep.Recurrence{Start: 23 * time.Hour, End: 30 * time.Minute, TimeZone: "UTC", Location: time.UTC}}
	oneOff := &sitrep.Maintenance{Title: "once", Status: sitrep.MaintenanceScheduled, PlannedStart: base, PlannedEnd: base.Add(time.Hour)}
	for _, w := range []*sitrep.Maintenance{daily, oneOff} {
		createMaintenance(t, r, w)
		got, err := r.Maintenance(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameMaintenance(t, w.Title, got, w)
	}
	if _, err := r.Maintenance(ctx, "no-such-window"); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Errorf("Maintenance(unknown): err = %v, want %s", err, sitrep.ENOTFOUND)
	}
	if err := r.CreateMaintenance(ctx, &sitrep.Maintenance{ID: m.ID, Title: "dup"}); sitrep.ErrorCode(err) != sitrep.ECONFLICT {
		t.Errorf("CreateMaintenance with a taken id: err = %v, want %s", err, sitrep.ECONFLICT)
	}
}

func testMaintenanceUpdate(t *testing.T, s sitrep.Store) {
	r := recordsOf(t, s)
	ctx := ctxOf(t)
	m := fullMaintenance(t)
	m.Status, m.ActualStart, m.ActualEnd, m.Overrun, m.OverrunAt = sitrep.MaintenanceScheduled, time.Time{}, time.Time{}, false, time.Time{}
	m.Updates, m.RemindersSent = m.Updates[:1], nil
	createMaintenance(t, r, m)
	first := m.Updates[0].ID
	start := base.Add(time.Hour)
	got, err := r.UpdateMaintenance(ctx, m.ID, func(in *sitrep.Maintenance) error {
		sameMaintenance(t, "fn sees the stored window", in, m)
		in.Status, in.ActualStart, in.UpdatedAt = sitrep.MaintenanceInProgress, start, start
		in.RemindersSent = append(in.RemindersSent, 24*time.Hour, time.Hour)
		in.Components = append(in.Components, "video-oslo")
		in.Updates = append(in.Updates, sitrep.MaintenanceUpdate{Status: sitrep.MaintenanceInProgress, Message: "Started " + nasty,
			Public: true, At: start, CreatedAt: start, Author: sitrep.AutomationAuthor})
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateMaintenance: %v", err)
	}
	if got.Status != sitrep.MaintenanceInProgress || !got.ActualStart.Equal(start) || len(got.Updates) != 2 ||
		got.Updates[0].ID != first || !idRE.MatchString(got.Updates[1].ID) || got.Updates[1].MaintenanceID != m.ID ||
		!slices.Equal(got.RemindersSent, []time.Duration{24 * time.Hour, time.Hour}) || len(got.Components) != 3 {
		t.Errorf("update not applied: %+v", got)
	}
	again, err := r.Maintenance(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameMaintenance(t, "UpdateMaintenance's answer vs a fresh read", got, again)

	boom := errors.New("not now")
	_, err = r.UpdateMaintenance(ctx, m.ID, func(in *sitrep.Maintenance) error {
		in.Status, in.Title, in.Components = sitrep.MaintenanceCompleted, "changed", nil
		in.Updates = append(in.Updates, sitrep.MaintenanceUpdate{Message: "done"})
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("UpdateMaintenance returned %v, want fn's error", err)
	}
	after, _ := r.Maintenance(ctx, m.ID)
	sameMaintenance(t, "after an aborted update", after, again)

	called := false
	_, err = r.UpdateMaintenance(ctx, "no-such-window", func(*sitrep.Maintenance) error { called = true; return nil })
	if sitrep.ErrorCode(err) != sitrep.ENOTFOUND || called {
		t.Errorf("UpdateMaintenance(unknown): err = %v, fn called %v; want %s and not called", err, called, sitrep.ENOTFOUND)
	}
}

func testFindMaintenances(t *testing.T, s sitrep.Store) {
	r := recordsOf(t, s)
	ctx := ctxOf(t)
	day := 24 * time.Hour
	mk := func(title string, st sitrep.MaintenanceStatus, ps, pe, as, ae time.Time, comps ...string) *sitrep.Maintenance {
		return createMaintenance(t, r, &sitrep.Maintenance{Title: title, Status: st, PlannedStart: ps, PlannedEnd: pe,
			ActualStart: as, ActualEnd: ae, Components: comps, CreatedAt: base.Add(-10 * day)})
	}
	var zero time.Time
	// Created out of order: the answer is by planned start.
	m3 := mk("upcoming", sitrep.MaintenanceScheduled, base.Add(day), base.Add(day+2*time.Hour), zero, zero, "db")
	m1 := mk("overran", sitrep.MaintenanceCompleted, base.Add(-3*day), base.Add(-3*day+2*time.Hour),
		base.Add(-3*day), base.Add(-3*day+3*time.Hour), "courses", "db")
	m2 := mk("running", sitrep.MaintenanceInProgress, base.Add(-time.Hour), base.Add(time.Hour), base.Add(-time.Hour), zero)
	m4 := mk("stuck", sitrep.MaintenanceVerifying, base.Add(-2*day), base.Add(-2*day+time.Hour), base.Add(-2*day), zero)
	for _, c := range []struct {
		name      string
		f         sitrep.MaintenanceFilter
		want      []*sitrep.Maintenance
		wantTotal int
	}{
		{"all by planned start", sitrep.MaintenanceFilter{}, []*sitrep.Maintenance{m1, m4, m2, m3}, 4},
		{"scheduled", sitrep.MaintenanceFilter{Statuses: []sitrep.MaintenanceStatus{sitrep.MaintenanceScheduled}}, []*sitrep.Maintenance{m3}, 1},
		{"active", sitrep.MaintenanceFilter{Statuses: []sitrep.MaintenanceStatus{sitrep.MaintenanceInProgress, sitrep.MaintenanceVerifying}},
			[]*sitrep.Maintenance{m4, m2}, 2},
		{"component", sitrep.MaintenanceFilter{ComponentID: "db"}, []*sitrep.Maintenance{m1, m3}, 2},
		{"component and status", sitrep.MaintenanceFilter{ComponentID: "db", Statuses: []sitrep.MaintenanceStatus{sitrep.MaintenanceCompleted}},
			[]*sitrep.Maintenance{m1}, 1},
		// Past its planned end but inside its actual span.
		{"overrun span", sitrep.MaintenanceFilter{From: base.Add(-3*day + 150*time.Minute), To: base.Add(-3*day + 165*time.Minute)},
			[]*sitrep.Maintenance{m1}, 1},
		// Still running: its actual span is open.
		{"still running", sitrep.MaintenanceFilter{From: base.Add(-day), To: base.Add(-12 * time.Hour)}, []*sitrep.Maintenance{m4}, 1},
		{"from", sitrep.MaintenanceFilter{From: base.Add(day + time.Hour)}, []*sitrep.Maintenance{m4, m2, m3}, 3},
		{"to", sitrep.MaintenanceFilter{To: base.Add(-2 * day)}, []*sitrep.Maintenance{m1}, 1},
		{"page", sitrep.MaintenanceFilter{Limit: 2, Offset: 1}, []*sitrep.Maintenance{m4, m2}, 4},
		{"past the end", sitrep.MaintenanceFilter{Offset: 4}, nil, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, total, err := r.FindMaintenances(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if total != c.wantTotal || !slices.Equal(mtitles(got), mtitles(c.want)) {
				t.Errorf("got %v (total %d), want %v (total %d)", mtitles(got), total, mtitles(c.want), c.wantTotal)
			}
		})
	}
	got, _, err := r.FindMaintenances(ctx, sitrep.MaintenanceFilter{ComponentID: "courses"})
	if err != nil || len(got) != 1 {
		t.Fatalf("find overran: %v, %v", got, err)
	}
	sameMaintenance(t, "found window has all its parts", got[0], m1)
}

func mtitles(ms []*sitrep.Maintenance) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Title)
	}
	return out
}

func testAdminToken(t *testing.T, s sitrep.Store) {
	r := recordsOf(t, s)
	ctx := ctxOf(t)
	if h, err := r.AdminTokenHash(ctx); err != nil || h != "" {
		t.Fatalf("AdminTokenHash before any = %q, %v; want empty", h, err)
	}
	for i, hash := range []string{"$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", "sha256:" + fmt.Sprint(1234567890), "x'; DROP TABLE settings; --"} {
		if err := r.SetAdminTokenHash(ctx, hash); err != nil {
			t.Fatalf("SetAdminTokenHash %d: %v", i, err)
		}
		if h, err := r.AdminTokenHash(ctx); err != nil || h != hash {
			t.Errorf("AdminTokenHash after set %d = %q, %v; want %q", i, h, err, hash)
		}
	}
	if err := r.SetAdminTokenHash(ctx, ""); sitrep.ErrorCode(err) != sitrep.EINVALID {
		t.Errorf("SetAdminTokenHash(\"\"): err = %v, want %s", err, sitrep.EINVALID)
	}
}

// testMaintenanceEdit is a person's correction of a window, written by
// read-modify-write: every edited field — title, description, the
// components table, planned times — comes back from a fresh read, and the
// events derived in the same transaction tell a reschedule, not a
// correction of text.
func testMaintenanceEdit(t *testing.T, s sitrep.Store) {
	r := recordsOf(t, s)
	ctx := ctxOf(t)
	m := fullMaintenance(t)
	m.Status, m.ActualStart, m.ActualEnd, m.Overrun, m.OverrunAt = sitrep.MaintenanceScheduled, time.Time{}, time.Time{}, false, time.Time{}
	m.Recurrence, m.SeriesID, m.Updates = nil, "", m.Updates[:1]
	createMaintenance(t, r, m)
	o, hasOutbox := s.(Outbox)
	pending := func() []sitrep.EventKind {
		if !hasOutbox {
			return nil
		}
		var kinds []sitrep.EventKind
		for _, e := range pendingEvents(t, o) {
			if e.MaintenanceID == m.ID {
				kinds = append(kinds, e.Kind)
			}
		}
		return kinds
	}
	before := pending()

	edit := func(what string, fn func(*sitrep.Maintenance)) *sitrep.Maintenance {
		t.Helper()
		var want *sitrep.Maintenance
		got, err := r.UpdateMaintenance(ctx, m.ID, func(in *sitrep.Maintenance) error {
			fn(in)
			// The store gives new updates their IDs in place.
			want = in
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		again, err := r.Maintenance(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameMaintenance(t, what+": answer vs a fresh read", got, again)
		sameMaintenance(t, what+": what fn wrote vs a fresh read", again, want)
		return again
	}

	// A quiet correction: text and components, the list shrunk, grown and
	// reordered in one go.
	edit("correct text and components", func(in *sitrep.Maintenance) {
		in.Title, in.Description = "Database upgrade, corrected "+nasty, ""
		in.Components = []string{"video-oslo", "courses-oslo"}
		in.UpdatedAt = base.Add(time.Minute)
	})
	if got := pending(); hasOutbox && len(got) != len(before) {
		t.Errorf("a correction of text wrote events %v", got[len(before):])
	}
	// A reschedule: both times move; the message goes with it.
	w := edit("reschedule", func(in *sitrep.Maintenance) {
		in.PlannedStart, in.PlannedEnd = base.Add(25*time.Hour), base.Add(28*time.Hour)
		in.Updates = append(in.Updates, sitrep.MaintenanceUpdate{Status: sitrep.MaintenanceScheduled, Message: "Moved a day " + nasty,
			Public: true, At: base.Add(2 * time.Minute), CreatedAt: base.Add(2 * time.Minute), Author: "ops"})
		in.RemindersSent = nil
		in.UpdatedAt = base.Add(2 * time.Minute)
	})
	if !slices.Equal(w.Components, []string{"video-oslo", "courses-oslo"}) || w.Description != "" || len(w.RemindersSent) != 0 {
		t.Errorf("edit not kept: components %v, description %q, reminders %v", w.Components, w.Description, w.RemindersSent)
	}
	if got := pending(); hasOutbox && !slices.Equal(got[len(before):], []sitrep.EventKind{sitrep.EventMaintenanceRescheduled}) {
		t.Errorf("events after a reschedule = %v, want one %s", got[len(before):], sitrep.EventMaintenanceRescheduled)
	}
	found, _, err := r.FindMaintenances(ctx, sitrep.MaintenanceFilter{ComponentID: "video-oslo"})
	if err != nil || len(found) != 1 || found[0].ID != m.ID {
		t.Errorf("find by a component added in an edit: %v, %v", mtitles(found), err)
	}
	if found, _, _ := r.FindMaintenances(ctx, sitrep.MaintenanceFilter{ComponentID: "db-oslo"}); len(found) != 0 {
		t.Errorf("a component removed in an edit still finds the window: %v", mtitles(found))
	}
}
