package web

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"sitrep"
)

// fakeMonitors is a MonitorService over fixed data that records pings.
type fakeMonitors struct {
	views   []sitrep.MonitorView
	results map[string]sitrep.ResultSet
	tokens  map[string]string // token → monitor id
	err     error             // returned by every call when set
	panics  bool

	mu       sync.Mutex
	pings    []sitrep.Ping
	rangeArg [2]time.Time
}

func (f *fakeMonitors) Monitors(ctx context.Context) ([]sitrep.MonitorView, error) {
	if f.panics {
		panic("boom")
	}
	if f.err != nil {
		return nil, f.err
	}
	return f.views, nil
}

func (f *fakeMonitors) Monitor(ctx context.Context, id string) (sitrep.MonitorView, error) {
	if f.err != nil {
		return sitrep.MonitorView{}, f.err
	}
	for _, v := range f.views {
		if v.ID == id {
			return v, nil
		}
	}
	return sitrep.MonitorView{}, sitrep.Errorf(sitrep.ENOTFOUND, "monitor %s not found", id)
}

func (f *fakeMonitors) Results(ctx context.Context, id string, from, to time.Time) (sitrep.ResultSet, error) {
	if f.err != nil {
		return sitrep.ResultSet{}, f.err
	}
	f.mu.Lock()
	f.rangeArg = [2]time.Time{from, to}
	f.mu.Unlock()
	rs, ok := f.results[id]
	if !ok {
		return sitrep.ResultSet{}, sitrep.Errorf(sitrep.ENOTFOUND, "unknown monitor")
	}
	rs.From, rs.To = from, to
	return rs, nil
}

func (f *fakeMonitors) Ping(ctx context.Context, token string, p sitrep.Ping) error {
	if f.err != nil {
		return f.err
	}
	id, ok := f.tokens[token]
	if !ok {
		return sitrep.Errorf(sitrep.ENOTFOUND, "no heartbeat with token %s", token)
	}
	p.MonitorID = id
	f.mu.Lock()
	f.pings = append(f.pings, p)
	f.mu.Unlock()
	return nil
}

func (f *fakeMonitors) lastPing() (sitrep.Ping, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.pings) == 0 {
		return sitrep.Ping{}, false
	}
	return f.pings[len(f.pings)-1], true
}

type fakeHealth struct{ h sitrep.Health }

func (f fakeHealth) Health(ctx context.Context) sitrep.Health { return f.h }

var errDiskGone = errors.New("write probe: open /var/lib/sitrep/sitrep.db: read-only file system")

// testTime is the fixed "now" of every test.
func testTime() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }

// fixtureMonitors covers each shape a monitor can take in the API: never
// checked, up with phases, down with an error, and a name that tries to
// inject script.
func fixtureMonitors() []sitrep.MonitorView {
	now := testTime()
	return []sitrep.MonitorView{
		{
			ID: "web", Name: "Website", Type: sitrep.MonitorHTTP, Target: "https://example.test/",
			Interval: 30 * time.Second, State: sitrep.StateUp, Since: now.Add(-26 * time.Hour),
			LastResult: &sitrep.Result{
				MonitorID: "web", Location: "oslo", Time: now.Add(-10 * time.Second), Status: sitrep.ResultUp,
				Latency: 123456789 * time.Nanosecond,
				Phases:  sitrep.Phases{DNS: 1500 * time.Microsecond, Connect: 10 * time.Millisecond, TLS: 25 * time.Millisecond, FirstByte: 80 * time.Millisecond},
			},
		},
		{
			ID: "backup", Name: "Nightly backup", Type: sitrep.MonitorHeartbeat, Target: "heartbeat",
			Interval: time.Minute, State: sitrep.StateUnknown,
		},
		{
			ID: "db", Name: "Database", Type: sitrep.MonitorTCP, Target: "10.0.0.5:5432",
			Interval: 1500 * time.Millisecond, State: sitrep.StateDown, Since: now.Add(-5 * time.Minute),
			LastResult: &sitrep.Result{
				MonitorID: "db", Location: "us-east", Time: now.Add(-2 * time.Second), Status: sitrep.ResultDown,
				Latency: 800 * time.Microsecond, Error: "connect: connection refused",
			},
		},
		{
			ID: "xss", Name: `<script>alert(1)</script>`, Type: sitrep.MonitorHTTP, Target: `https://example.test/?a=1&b="2"`,
			Interval: 10 * time.Second, State: sitrep.StateDegraded, Since: now.Add(-time.Minute),
			LastResult: &sitrep.Result{
				MonitorID: "xss", Location: "oslo", Time: now.Add(-time.Second), Status: sitrep.ResultDegraded,
				Latency: 2 * time.Second, Error: `body contains "<img src=x onerror=alert(1)>"`,
			},
		},
	}
}

func fixtureResults() map[string]sitrep.ResultSet {
	now := testTime()
	return map[string]sitrep.ResultSet{
		"web": {
			MonitorID: "web",
			Raw: []sitrep.Result{
				{MonitorID: "web", Location: "oslo", Time: now.Add(-time.Minute), Status: sitrep.ResultUp, Latency: 12 * time.Millisecond},
				{MonitorID: "web", Location: "oslo", Time: now.Add(-30 * time.Second), Status: sitrep.ResultDown, Latency: 5 * time.Second, Error: "timeout after 5s"},
			},
			Resolution: sitrep.ResolutionHour,
			Rollups: []sitrep.Rollup{
				{MonitorID: "web", Resolution: sitrep.ResolutionHour, Start: now.Add(-3 * time.Hour), Up: 110, Degraded: 5, Down: 5,
					LatencySum: 115 * 20 * time.Millisecond, LatencyMin: 9 * time.Millisecond, LatencyMax: 900 * time.Millisecond},
			},
		},
	}
}

// manyMonitors builds n monitors for benchmarks, with ids in sorted order as
// the engine hands them out.
func manyMonitors(n int) []sitrep.MonitorView {
	now := testTime()
	views := make([]sitrep.MonitorView, n)
	for i := range views {
		id := fmt.Sprintf("monitor-%05d", i)
		views[i] = sitrep.MonitorView{
			ID: id, Name: "Service " + id, Type: sitrep.MonitorHTTP, Target: "https://" + id + ".example.test/health",
			Interval: 30 * time.Second, State: sitrep.StateUp, Since: now.Add(-time.Duration(i) * time.Minute),
			LastResult: &sitrep.Result{
				MonitorID: id, Location: "oslo", Time: now.Add(-time.Duration(i%30) * time.Second), Status: sitrep.ResultUp,
				Latency: time.Duration(10+i%200) * time.Millisecond,
				Phases:  sitrep.Phases{DNS: time.Millisecond, Connect: 2 * time.Millisecond, TLS: 5 * time.Millisecond, FirstByte: 9 * time.Millisecond},
			},
		}
		if i%50 == 0 {
			views[i].State = sitrep.StateDown
			views[i].LastResult.Status = sitrep.ResultDown
			views[i].LastResult.Error = "status 503, expected 200-399"
		}
	}
	return views
}
