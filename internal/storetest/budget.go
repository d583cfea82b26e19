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
