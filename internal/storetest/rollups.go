package storetest

import (
	"reflect"
	"testing"
	"time"

	"sitrep"
)

// expectRollups aggregates rs the way the Store contract says: all locations
// together, UTC-aligned buckets, latency over up and degraded results only.
func expectRollups(rs []sitrep.Result, res sitrep.Resolution) []sitrep.Rollup {
	var out []sitrep.Rollup
	idx := map[time.Time]int{}
	for _, r := range rs {
		start := r.Time.UTC().Truncate(res.Duration())
		i, ok := idx[start]
		if !ok {
			i = len(out)
			idx[start] = i
			out = append(out, sitrep.Rollup{MonitorID: r.MonitorID, Resolution: res, Start: start})
		}
		b := &out[i]
		switch r.Status {
		case sitrep.ResultUp:
			b.Up++
		case sitrep.ResultDegraded:
			b.Degraded++
		default:
			b.Down++
			continue
		}
		if b.Up+b.Degraded == 1 || r.Latency < b.LatencyMin {
			b.LatencyMin = r.Latency
		}
		if r.Latency > b.LatencyMax {
			b.LatencyMax = r.Latency
		}
		b.LatencySum += r.Latency
	}
	return out
}

func rollups(t *testing.T, s sitrep.Store, mon string, res sitrep.Resolution, from, to time.Time) []sitrep.Rollup {
	t.Helper()
	got, err := s.Rollups(ctxOf(t), mon, res, from, to)
	if err != nil {
		t.Fatalf("Rollups(%s, %s): %v", mon, res, err)
	}
	return got
}

func sameRollups(t *testing.T, got, want []sitrep.Rollup) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rollups, want %d:\n got %+v\nwant %+v", len(got), len(want), got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.Start.Equal(w.Start) || g.Start.Location() != time.UTC {
			t.Fatalf("rollup %d: start %v, want %v (UTC)", i, g.Start, w.Start)
		}
		g.Start, w.Start = time.Time{}, time.Time{}
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("rollup %d (%v):\n got %+v\nwant %+v", i, want[i].Start, g, w)
		}
	}
}

func testRollups(t *testing.T, s sitrep.Store) {
	// Two days and a bit of results every 20 s, written in batches with a
	// Maintain in between, as the engine would.
	start := base.Add(-26 * time.Hour)
	a := series("web", start, 20*time.Second, 26*180+17)
	for i := 0; i < len(a); i += 500 {
		appendAll(t, s, a[i:min(i+500, len(a))])
		if i%1500 == 0 {
			maintain(t, s, a[i].Time)
		}
	}
	maintain(t, s, base)
	from, to := start.Add(-48*time.Hour), base.Add(48*time.Hour)
	for _, res := range []sitrep.Resolution{sitrep.ResolutionMinute, sitrep.ResolutionHour, sitrep.ResolutionDay} {
		t.Run(string(res), func(t *testing.T) {
			sameRollups(t, rollups(t, s, "web", res, from, to), expectRollups(a, res))
		})
	}
	// A sub-range selects by bucket start.
	got := rollups(t, s, "web", sitrep.ResolutionHour, start.Add(3*time.Hour), start.Add(5*time.Hour))
	sameRollups(t, got, expectRollups(a, sitrep.ResolutionHour)[3:5])
}

func testRollupsIdempotent(t *testing.T, s sitrep.Store) {
	a := series("web", base, 15*time.Second, 400)
	appendAll(t, s, a[:200])
	for range 3 {
		maintain(t, s, base.Add(2*time.Hour))
	}
	appendAll(t, s, a[200:])
	maintain(t, s, base.Add(2*time.Hour))
	maintain(t, s, base.Add(3*time.Hour))
	for _, res := range []sitrep.Resolution{sitrep.ResolutionMinute, sitrep.ResolutionHour, sitrep.ResolutionDay} {
		sameRollups(t, rollups(t, s, "web", res, base, base.Add(48*time.Hour)), expectRollups(a, res))
	}
}

func testRollupsUTC(t *testing.T, s sitrep.Store) {
	// Results written with a non-UTC zone land in UTC buckets.
	oslo := time.FixedZone("CET", 3600)
	at := time.Date(2026, 3, 10, 0, 30, 0, 0, oslo) // 23:30 UTC the day before
	rs := []sitrep.Result{
		res("web", "oslo", at, sitrep.ResultUp, 10*time.Millisecond, ""),
		res("web", "oslo", at.Add(40*time.Minute), sitrep.ResultUp, 30*time.Millisecond, ""),
	}
	appendAll(t, s, rs)
	maintain(t, s, base.Add(time.Hour))
	got := rollups(t, s, "web", sitrep.ResolutionDay, base.Add(-72*time.Hour), base.Add(72*time.Hour))
	want := []sitrep.Rollup{
		{MonitorID: "web", Resolution: sitrep.ResolutionDay, Start: base.Add(-24 * time.Hour), Up: 1, LatencySum: 10 * time.Millisecond, LatencyMin: 10 * time.Millisecond, LatencyMax: 10 * time.Millisecond},
		{MonitorID: "web", Resolution: sitrep.ResolutionDay, Start: base, Up: 1, LatencySum: 30 * time.Millisecond, LatencyMin: 30 * time.Millisecond, LatencyMax: 30 * time.Millisecond},
	}
	sameRollups(t, got, want)
}

func testRollupsBadResolution(t *testing.T, s sitrep.Store) {
	for _, r := range []sitrep.Resolution{sitrep.ResolutionRaw, "week"} {
		_, err := s.Rollups(ctxOf(t), "web", r, base, base.Add(time.Hour))
		if sitrep.ErrorCode(err) != sitrep.EINVALID {
			t.Errorf("Rollups(%q) error = %v, want code %s", r, err, sitrep.EINVALID)
		}
	}
}
