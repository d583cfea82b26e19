package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"sitrep"
)

// Records is implemented by stores that also keep what people wrote:
// incidents, maintenance windows and the admin token.
type Records interface {
	sitrep.IncidentStore
	sitrep.MaintenanceStore
	sitrep.AdminTokenStore
}

func recordsOf(t *testing.T, s sitrep.Store) Records {
	t.Helper()
	r, ok := s.(Records)
	if !ok {
		t.Skip("store does not keep incidents, maintenance and settings")
	}
	return r
}

// idRE is what public URLs can carry without escaping; short ids would be
// guessable.
var idRE = regexp.MustCompile(`^[A-Za-z0-9_-]{10,}$`)

// nasty is text people type that must come back byte for byte.
const nasty = `It's "down" <script>alert('x')</script> & ünïcödé — 日本語 ✓ 😀 \ back\slash %s ?`

// fullIncident is an incident with every field set, times at millisecond
// resolution in UTC so that a stored copy compares equal.
func fullIncident() *sitrep.Incident {
	t := base.Add(-2 * time.Hour)
	return &sitrep.Incident{
		Title:  "Courses " + nasty,
		Impact: sitrep.ImpactMajor,
		Status: sitrep.IncidentIdentified,
		Components: []sitrep.AffectedComponent{
			{ComponentID: "courses-oslo", Status: sitrep.StatusMajorOutage},
			{ComponentID: "messaging-oslo", Status: sitrep.StatusDegraded},
		},
		Automatic: true, TakenOver: true,
		CreatedAt: t, UpdatedAt: t.Add(20 * time.Minute), StartedAt: t.Add(-10 * time.Minute),
		MonitoringAt: t.Add(15 * time.Minute), FirstFailedAt: t.Add(-12 * time.Minute), DetectedAt: t.Add(-7 * time.Minute),
		NudgedAt: t.Add(31 * time.Minute),
		Updates: []sitrep.IncidentUpdate{
			{Status: sitrep.IncidentInvestigating, Message: "We are investigating " + nasty, Public: true,
				At: t.Add(-5 * time.Minute), CreatedAt: t, Author: sitrep.AutomationAuthor,
				Components: []sitrep.AffectedComponent{{ComponentID: "courses-oslo", Status: sitrep.StatusPartialOutage}}},
			{Status: sitrep.IncidentIdentified, Message: "internal: failover did not trigger", Public: false,
				At: t.Add(10 * time.Minute), CreatedAt: t.Add(10*time.Minute + 123*time.Millisecond), Author: "ops@example.com"},
		},
		Postmortem: &sitrep.Postmortem{
			Summary: "Summary " + nasty, RootCause: "A <b>disk</b> filled", Impact: "Users in Oslo",
			Timeline: []sitrep.TimelineEntry{
				{At: t.Add(-12 * time.Minute), Text: "first failed check"},
				{At: t, Text: "incident opened " + nasty},
			},
			ActionItems: []sitrep.ActionItem{
				{Title: "Test failover monthly", Owner: "ops", Due: base.Add(30 * 24 * time.Hour)},
				{Title: "Alert on disk forecast", Owner: "sre", Done: true},
			},
			Published: true, PublishedAt: base.Add(-time.Hour), UpdatedAt: base.Add(-time.Hour + time.Second), Author: "lead",
		},
	}
}

func sameIncident(t *testing.T, what string, got, want *sitrep.Incident) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, describeIncident(got), describeIncident(want))
	}
}

func describeIncident(inc *sitrep.Incident) string {
	if inc == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%+v updates=%+v postmortem=%+v", *inc, inc.Updates, inc.Postmortem)
}

func createIncident(t *testing.T, r Records, inc *sitrep.Incident) *sitrep.Incident {
	t.Helper()
	if err := r.CreateIncident(ctxOf(t), inc); err != nil {
		t.Fatalf("CreateIncident: %v", err)
	}
	return inc
}

func testIncidentRoundTrip(t *testing.T, s sitrep.Store) {
	r := recordsOf(t, s)
	ctx := ctxOf(t)
	inc := createIncident(t, r, fullIncident())
	if !idRE.MatchString(inc.ID) {
		t.Errorf("incident id %q is not 10+ URL-safe characters", inc.ID)
	}
	ids := map[string]bool{inc.ID: true}
	for i, u := range inc.Updates {
		if !idRE.MatchString(u.ID) || ids[u.ID] {
			t.Errorf("update %d id %q is not a fresh 10+ URL-safe id", i, u.ID)
		}
		ids[u.ID] = true
		if u.IncidentID != inc.ID {
			t.Errorf("update %d IncidentID = %q, want %q", i, u.IncidentID, inc.ID)
		}
	}
	got, err := r.Incident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameIncident(t, "read back", got, inc)

	// A minimal incident: nothing optional comes back non-nil.
	bare := createIncident(t, r, &sitrep.Incident{Title: "bare", Impact: sitrep.ImpactNone, Status: sitrep.IncidentInvestigating, CreatedAt: base})
	got, err = r.Incident(ctx, bare.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameIncident(t, "bare incident", got, bare)
	if bare.ID == inc.ID {
		t.Error("two incidents got the same id")
	}

	dup := &sitrep.Incident{ID: inc.ID, Title: "dup", Status: sitrep.IncidentInvestigating}
	if err := r.CreateIncident(ctx, dup); sitrep.ErrorCode(err) != sitrep.ECONFLICT {
		t.Errorf("CreateIncident with a taken id: err = %v, want %s", err, sitrep.ECONFLICT)
	}
	twice := &sitrep.Incident{Title: "twice", Status: sitrep.IncidentInvestigating, Components: []sitrep.AffectedComponent{
		{ComponentID: "a", Status: sitrep.StatusMajorOutage}, {ComponentID: "a", Status: sitrep.StatusPartialOutage}}}
	if err := r.CreateIncident(ctx, twice); sitrep.ErrorCode(err) != sitrep.EINVALID {
		t.Errorf("CreateIncident listing a component twice: err = %v, want %s", err, sitrep.EINVALID)
	}
}

func testIncidentUpdate(t *testing.T, s sitrep.Store) {
	r := recordsOf(t, s)
	ctx := ctxOf(t)
	inc := createIncident(t, r, fullIncident())
	oldIDs := []string{inc.Updates[0].ID, inc.Updates[1].ID}
	now := base.Add(time.Hour)
	got, err := r.UpdateIncident(ctx, inc.ID, func(in *sitrep.Incident) error {
		sameIncident(t, "fn sees the stored incident", in, inc)
		in.Status, in.Impact, in.Title = sitrep.IncidentMonitoring, sitrep.ImpactMinor, "Renamed "+nasty
		in.Components = []sitrep.AffectedComponent{{ComponentID: "courses-us", Status: sitrep.StatusPartialOutage}}
		in.UpdatedAt, in.MonitoringAt = now, now
		in.Updates[1].Message = "internal: corrected note"
		in.Updates = append(in.Updates,
			sitrep.IncidentUpdate{Status: sitrep.IncidentMonitoring, Message: "A fix is in place " + nasty, Public: true,
				At: now, CreatedAt: now, Author: "ops",
				Components: []sitrep.AffectedComponent{{ComponentID: "courses-us", Status: sitrep.StatusPartialOutage}}},
			// Back-dated for the write-up: shown first, written last.
			sitrep.IncidentUpdate{Status: sitrep.IncidentInvestigating, Message: "Users reported errors", Public: true,
				At: base.Add(-3 * time.Hour), CreatedAt: now, Author: "ops"})
		in.Postmortem.Summary = "Revised"
		in.Postmortem.ActionItems[0].Done = true
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateIncident: %v", err)
	}
	if len(got.Updates) != 4 {
		t.Fatalf("after update %d updates, want 4", len(got.Updates))
	}
	if got.Updates[0].Message != "Users reported errors" || !got.Updates[0].At.Equal(base.Add(-3*time.Hour)) {
		t.Errorf("back-dated update is not first in the timeline: %+v", got.Updates[0])
	}
	if got.Updates[1].ID != oldIDs[0] || got.Updates[2].ID != oldIDs[1] || got.Updates[2].Message != "internal: corrected note" {
		t.Errorf("existing updates lost their ids or edits: %+v", got.Updates)
	}
	if got.Updates[2].Public {
		t.Error("internal update became public")
	}
	for i, u := range got.Updates {
		if !idRE.MatchString(u.ID) || u.IncidentID != inc.ID {
			t.Errorf("update %d has id %q, incident %q", i, u.ID, u.IncidentID)
		}
	}
	if got.Title != "Renamed "+nasty || got.Status != sitrep.IncidentMonitoring || got.Impact != sitrep.ImpactMinor ||
		!got.MonitoringAt.Equal(now) || len(got.Components) != 1 || got.Components[0].ComponentID != "courses-us" ||
		got.Postmortem.Summary != "Revised" || !got.Postmortem.ActionItems[0].Done {
		t.Errorf("update not applied: %s", describeIncident(got))
	}
	again, err := r.Incident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameIncident(t, "UpdateIncident's answer vs a fresh read", got, again)

	// Dropping the postmortem and an update stores exactly what fn left.
	got, err = r.UpdateIncident(ctx, inc.ID, func(in *sitrep.Incident) error {
		in.Postmortem = nil
		in.Updates = in.Updates[1:]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	again, _ = r.Incident(ctx, inc.ID)
	if again.Postmortem != nil || len(again.Updates) != 3 {
		t.Errorf("after removing: postmortem %+v, %d updates; want none and 3", again.Postmortem, len(again.Updates))
	}
	sameIncident(t, "after removing", got, again)
}

func testIncidentUpdateAborts(t *testing.T, s sitrep.Store) {
	r := recordsOf(t, s)
	ctx := ctxOf(t)
	inc := createIncident(t, r, fullIncident())
	before, err := r.Incident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("responder changed their mind")
	_, err = r.UpdateIncident(ctx, inc.ID, func(in *sitrep.Incident) error {
		in.Title, in.Status, in.Postmortem = "changed", sitrep.IncidentResolved, nil
		in.Updates = append(in.Updates, sitrep.IncidentUpdate{Status: sitrep.IncidentResolved, Message: "resolved", Public: true, At: base})
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("UpdateIncident returned %v, want fn's error", err)
	}
	after, err := r.Incident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameIncident(t, "after an aborted update", after, before)

	called := false
	for name, fn := range map[string]func() error{
		"Incident": func() error { _, err := r.Incident(ctx, "no-such-incident"); return err },
		"UpdateIncident": func() error {
			_, err := r.UpdateIncident(ctx, "no-such-incident", func(*sitrep.Incident) error { called = true; return nil })
			return err
		},
	} {
		if err := fn(); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
			t.Errorf("%s(unknown id): err = %v, want %s", name, err, sitrep.ENOTFOUND)
		}
	}
	if called {
		t.Error("UpdateIncident called fn for an unknown id")
	}
}

// testIncidentConcurrentUpdates has automation and responders append to
// one incident at once: every update must survive.
func testIncidentConcurrentUpdates(t *testing.T, s sitrep.Store) {
	r := recordsOf(t, s)
	ctx := ctxOf(t)
	inc := createIncident(t, r, &sitrep.Incident{Title: "busy", Impact: sitrep.ImpactMajor, Status: sitrep.IncidentInvestigating, CreatedAt: base, UpdatedAt: base})
	const writers, each = 6, 8
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				msg := fmt.Sprintf("writer %d update %d", w, i)
				_, err := r.UpdateIncident(ctx, inc.ID, func(in *sitrep.Incident) error {
					in.Updates = append(in.Updates, sitrep.IncidentUpdate{Status: in.Status, Message: msg, Public: w%2 == 0,
						At: base.Add(time.Duration(i) * time.Second), CreatedAt: base, Author: fmt.Sprint("writer", w)})
					// A counter read-modified-written by everyone: a lost update shows here.
					in.UpdatedAt = in.UpdatedAt.Add(time.Millisecond)
					return nil
				})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent UpdateIncident: %v", err)
	}
	got, err := r.Incident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, u := range got.Updates {
		msgs = append(msgs, u.Message)
	}
	if len(msgs) != writers*each {
		t.Errorf("%d updates stored, want %d", len(msgs), writers*each)
	}
	for w := range writers {
		for i := range each {
			if m := fmt.Sprintf("writer %d update %d", w, i); !slices.Contains(msgs, m) {
				t.Errorf("lost update %q", m)
			}
		}
	}
	if want := base.Add(writers * each * time.Millisecond); !got.UpdatedAt.Equal(want) {
		t.Errorf("UpdatedAt = %v, want %v: some read-modify-writes overwrote each other", got.UpdatedAt, want)
	}
}

func testFindIncidents(t *testing.T, s sitrep.Store) {
	r := recordsOf(t, s)
	ctx := ctxOf(t)
	day := 24 * time.Hour
	mk := func(title string, started, resolved time.Time, comps ...string) *sitrep.Incident {
		inc := &sitrep.Incident{Title: title, Impact: sitrep.ImpactMinor, Status: sitrep.IncidentInvestigating,
			CreatedAt: started.Add(time.Minute), UpdatedAt: started.Add(time.Minute), StartedAt: started}
		if !resolved.IsZero() {
			inc.Status, inc.ResolvedAt, inc.UpdatedAt = sitrep.IncidentResolved, resolved, resolved
		}
		for _, c := range comps {
			inc.Components = append(inc.Components, sitrep.AffectedComponent{ComponentID: c, Status: sitrep.StatusPartialOutage})
		}
		return createIncident(t, r, inc)
	}
	old := mk("old", base.Add(-10*day), base.Add(-10*day+time.Hour), "courses")
	mid := mk("mid", base.Add(-5*day), base.Add(-3*day), "video", "courses")
	// Written up later: created now, but started before mid.
	late := createIncident(t, r, &sitrep.Incident{Title: "write-up", Status: sitrep.IncidentResolved, CreatedAt: base,
		StartedAt: base.Add(-6 * day), ResolvedAt: base.Add(-6*day + time.Hour), UpdatedAt: base})
	open1 := mk("open1", base.Add(-2*day), time.Time{}, "video")
	open2 := mk("open2", base.Add(-time.Hour), time.Time{})
	yes, no := true, false
	for _, c := range []struct {
		name      string
		f         sitrep.IncidentFilter
		want      []*sitrep.Incident
		wantTotal int
	}{
		{"all newest first", sitrep.IncidentFilter{}, []*sitrep.Incident{open2, open1, mid, late, old}, 5},
		{"open", sitrep.IncidentFilter{Open: &yes}, []*sitrep.Incident{open2, open1}, 2},
		{"resolved", sitrep.IncidentFilter{Open: &no}, []*sitrep.Incident{mid, late, old}, 3},
		{"component", sitrep.IncidentFilter{ComponentID: "courses"}, []*sitrep.Incident{mid, old}, 2},
		{"open component", sitrep.IncidentFilter{ComponentID: "video", Open: &yes}, []*sitrep.Incident{open1}, 1},
		{"unknown component", sitrep.IncidentFilter{ComponentID: "nope"}, nil, 0},
		// Open at some time in [From, To).
		{"window", sitrep.IncidentFilter{From: base.Add(-4 * day), To: base.Add(-day)}, []*sitrep.Incident{open1, mid}, 2},
		{"since", sitrep.IncidentFilter{From: base.Add(-6*day + 30*time.Minute)}, []*sitrep.Incident{open2, open1, mid, late}, 4},
		{"until", sitrep.IncidentFilter{To: base.Add(-5 * day)}, []*sitrep.Incident{late, old}, 2},
		{"page", sitrep.IncidentFilter{Limit: 2, Offset: 1}, []*sitrep.Incident{open1, mid}, 5},
		{"past the end", sitrep.IncidentFilter{Limit: 2, Offset: 9}, nil, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, total, err := r.FindIncidents(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if total != c.wantTotal || !sameTitles(got, c.want) {
				t.Errorf("got %v (total %d), want %v (total %d)", titles(got), total, titles(c.want), c.wantTotal)
			}
		})
	}
	got, _, err := r.FindIncidents(ctx, sitrep.IncidentFilter{ComponentID: "video", Open: &no})
	if err != nil || len(got) != 1 {
		t.Fatalf("find mid: %v, %v", got, err)
	}
	sameIncident(t, "found incident has all its parts", got[0], mid)
}

func titles(incs []*sitrep.Incident) []string {
	var out []string
	for _, inc := range incs {
		out = append(out, inc.Title)
	}
	return out
}

func sameTitles(got, want []*sitrep.Incident) bool {
	return slices.Equal(titles(got), titles(want))
}
