package storetest

import (
	"testing"
	"time"

	"sitrep"
)

// testBudgetEviction shrinks the budget step by step and checks after each
// Maintain that data went in the promised order (raw blocks, then minute,
// hour and day rollups) and that state changes and pings never go.
func testBudgetEviction(t *testing.T, s sitrep.Store) {
	b, ok := s.(Budgeter)
	if !ok {
		t.Skip("store has no SetBudget")
	}
	ctx := ctxOf(t)
	start := base.Add(-72 * time.Hour)
	for _, mon := range []string{"web", "api", "db", "a", "b", "c", "d", "e"} {
		a := series(mon, start, time.Minute, 72*60)
		for i := 0; i < len(a); i += 1000 {
			appendAll(t, s, a[i:min(i+1000, len(a))])
		}
	}
	change := sitrep.StateChange{MonitorID: "web", From: sitrep.StateUp, To: sitrep.StateDown, At: start, Reason: "refused"}
	if err := s.RecordStateChange(ctx, change); err != nil {
		t.Fatal(err)
	}
	ping := sitrep.Ping{MonitorID: "backup", Kind: sitrep.PingSuccess, Time: start, Message: "ok"}
	if err := s.RecordPing(ctx, ping); err != nil {
		t.Fatal(err)
	}
	maintain(t, s, base)
	full := counts(t, s, start)
	for i, n := range full {
		if n == 0 {
			t.Fatalf("before eviction tier %d is empty: %v", i, full)
		}
	}
	u, err := s.Usage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, budget := range []int64{u.Bytes * 9 / 10, u.Bytes * 3 / 4, u.Bytes / 2, u.Bytes / 4, 1} {
		b.SetBudget(budget)
		maintain(t, s, base)
		got := counts(t, s, start)
		t.Logf("budget %d bytes: raw %d, minute %d, hour %d, day %d", budget, got[0], got[1], got[2], got[3])
		// A tier may only have lost anything once every earlier tier is gone.
		for k := 1; k < len(got); k++ {
			if got[k] < full[k] {
				for j := 0; j < k; j++ {
					if got[j] != 0 {
						t.Fatalf("budget %d: tier %d evicted while tier %d still has %d entries (%v)", budget, k, j, got[j], got)
					}
				}
			}
		}
		if budget == 1 {
			for k, n := range got {
				if n != 0 {
					t.Errorf("budget 1: tier %d still has %d entries", k, n)
				}
			}
		}
	}
	if old, err := s.OldestRaw(ctx, "web"); err != nil || !old.IsZero() {
		t.Errorf("OldestRaw after evicting everything = %v, %v; want zero", old, err)
	}
	cs, err := s.StateChanges(ctx, "web", start, base)
	if err != nil || len(cs) != 1 {
		t.Errorf("state changes after eviction: %v, %v; want the one recorded", cs, err)
	}
	ps, err := s.LastPings(ctx, "backup", 10)
	if err != nil || len(ps) != 1 {
		t.Errorf("pings after eviction: %v, %v; want the one recorded", ps, err)
	}
}

// counts returns how many raw results and minute, hour and day buckets the
// store holds for "web".
func counts(t *testing.T, s sitrep.Store, start time.Time) [4]int {
	var c [4]int
	c[0] = len(results(t, s, "web", start.Add(-time.Hour), base.Add(time.Hour)))
	for i, res := range []sitrep.Resolution{sitrep.ResolutionMinute, sitrep.ResolutionHour, sitrep.ResolutionDay} {
		c[i+1] = len(rollups(t, s, "web", res, start.Add(-48*time.Hour), base.Add(48*time.Hour)))
	}
	return c
}

// testBudgetKeepsRecords fills the store with results and records people
// wrote, then squeezes the budget to nothing: the results go, the records
// stay exactly as they were.
func testBudgetKeepsRecords(t *testing.T, s sitrep.Store) {
	b, ok := s.(Budgeter)
	if !ok {
		t.Skip("store has no SetBudget")
	}
	r := recordsOf(t, s)
	ctx := ctxOf(t)
	start := base.Add(-48 * time.Hour)
	for _, mon := range []string{"web", "api", "db"} {
		a := series(mon, start, time.Minute, 48*60)
		for i := 0; i < len(a); i += 1000 {
			appendAll(t, s, a[i:min(i+1000, len(a))])
		}
	}
	var incs []*sitrep.Incident
	for range 20 {
		incs = append(incs, createIncident(t, r, fullIncident()))
	}
	m := createMaintenance(t, r, fullMaintenance(t))
	const hash = "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA"
	if err := r.SetAdminTokenHash(ctx, hash); err != nil {
		t.Fatal(err)
	}
	maintain(t, s, base)
	if c := counts(t, s, start); c[0] == 0 {
		t.Fatalf("no raw results before eviction: %v", c)
	}
	b.SetBudget(1)
	maintain(t, s, base)
	if c := counts(t, s, start); c != [4]int{} {
		t.Fatalf("budget 1 left results %v; the case proves nothing", c)
	}
	for _, inc := range incs {
		got, err := r.Incident(ctx, inc.ID)
		if err != nil {
			t.Fatalf("incident after eviction: %v", err)
		}
		sameIncident(t, "incident after eviction", got, inc)
	}
	if _, total, err := r.FindIncidents(ctx, sitrep.IncidentFilter{}); err != nil || total != len(incs) {
		t.Errorf("FindIncidents after eviction: %d, %v; want %d", total, err, len(incs))
	}
	got, err := r.Maintenance(ctx, m.ID)
	if err != nil {
		t.Fatalf("maintenance after eviction: %v", err)
	}
	sameMaintenance(t, "maintenance after eviction", got, m)
	if h, err := r.AdminTokenHash(ctx); err != nil || h != hash {
		t.Errorf("admin token hash after eviction = %q, %v", h, err)
	}
}
