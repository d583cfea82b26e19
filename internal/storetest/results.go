package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"sitrep"
)

// res builds a result; latencies are multiples of 100 µs and times whole
// milliseconds, the resolution stores keep.
func res(mon, loc string, at time.Time, st sitrep.ResultStatus, lat time.Duration, errText string) sitrep.Result {
	return sitrep.Result{MonitorID: mon, Location: loc, Time: at, Status: st, Latency: lat, Error: errText}
}

// series returns n results of mon every interval from start, with a few
// failures and changing latencies.
func series(mon string, start time.Time, interval time.Duration, n int) []sitrep.Result {
	out := make([]sitrep.Result, n)
	for i := range out {
		st, errText := sitrep.ResultUp, ""
		switch i % 7 {
		case 3:
			st, errText = sitrep.ResultDown, "connect: connection refused"
		case 5:
			st, errText = sitrep.ResultDegraded, fmt.Sprintf("slow: %d ms", 400+i%2)
		}
		loc := "oslo"
		if i%2 == 1 {
			loc = "us-east"
		}
		out[i] = res(mon, loc, start.Add(time.Duration(i)*interval), st, time.Duration(20+i%13)*time.Millisecond+300*time.Microsecond, errText)
	}
	return out
}

func appendAll(t *testing.T, s sitrep.Store, rs []sitrep.Result) {
	t.Helper()
	if err := s.AppendResults(ctxOf(t), rs); err != nil {
		t.Fatalf("AppendResults: %v", err)
	}
}

func maintain(t *testing.T, s sitrep.Store, now time.Time) {
	t.Helper()
	if err := s.Maintain(ctxOf(t), now); err != nil {
		t.Fatalf("Maintain: %v", err)
	}
}

func results(t *testing.T, s sitrep.Store, mon string, from, to time.Time) []sitrep.Result {
	t.Helper()
	got, err := s.Results(ctxOf(t), mon, from, to)
	if err != nil {
		t.Fatalf("Results(%s): %v", mon, err)
	}
	return got
}

func sameResults(t *testing.T, got, want []sitrep.Result) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d results, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.Time.Equal(w.Time) {
			t.Fatalf("result %d: time %v, want %v", i, g.Time, w.Time)
		}
		g.Time, w.Time = time.Time{}, time.Time{}
		w.Phases = sitrep.Phases{} // not stored
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("result %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func testResultsAcrossBoundary(t *testing.T, s sitrep.Store) {
	a := series("web", base, 30*time.Second, 200)
	b := series("api", base, 10*time.Second, 50)
	appendAll(t, s, append(append([]sitrep.Result{}, a[:100]...), b...))
	maintain(t, s, base.Add(time.Hour))
	// The rest stays in the recent log; Results must join the two.
	for i := 100; i < 200; i += 25 {
		appendAll(t, s, a[i:i+25])
	}
	sameResults(t, results(t, s, "web", base, base.Add(24*time.Hour)), a)
	sameResults(t, results(t, s, "api", base, base.Add(24*time.Hour)), b)
	maintain(t, s, base.Add(3*time.Hour))
	sameResults(t, results(t, s, "web", base, base.Add(24*time.Hour)), a)
}

func testResultsRange(t *testing.T, s sitrep.Store) {
	a := series("web", base.Add(-90*time.Minute), time.Minute, 180)
	appendAll(t, s, a[:90])
	maintain(t, s, base)
	appendAll(t, s, a[90:])
	from, to := a[50].Time, a[150].Time
	sameResults(t, results(t, s, "web", from, to), a[50:150])
	if got := results(t, s, "web", to, from); len(got) != 0 {
		t.Errorf("empty range gave %d results", len(got))
	}
}

func testLateResult(t *testing.T, s sitrep.Store) {
	a := series("web", base, time.Minute, 30)
	appendAll(t, s, a[:10])
	appendAll(t, s, a[11:])
	maintain(t, s, base.Add(time.Hour))
	appendAll(t, s, a[10:11]) // arrives late, into an hour already compacted
	maintain(t, s, base.Add(time.Hour))
	sameResults(t, results(t, s, "web", base, base.Add(time.Hour)), a)
}

func testOldestRaw(t *testing.T, s sitrep.Store) {
	ctx := ctxOf(t)
	a := series("web", base.Add(5*time.Minute), time.Minute, 10)
	appendAll(t, s, a[5:])
	got, err := s.OldestRaw(ctx, "web")
	if err != nil || !got.Equal(a[5].Time) {
		t.Fatalf("OldestRaw from the log = %v, %v; want %v", got, err, a[5].Time)
	}
	maintain(t, s, base.Add(time.Hour))
	appendAll(t, s, a[:5])
	got, err = s.OldestRaw(ctx, "web")
	if err != nil || !got.Equal(a[0].Time) {
		t.Fatalf("OldestRaw across log and blocks = %v, %v; want %v", got, err, a[0].Time)
	}
}
