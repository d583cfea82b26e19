package evaluate

import (
	"testing"
	"time"

	"sitrep"
)

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// step is one result fed to the tracker and what must follow from it.
type step struct {
	loc    string
	status sitrep.ResultStatus
	err    string
	want   sitrep.State
	reason string // expected Reason when the state changes; "" means no change expected
}

const (
	U = sitrep.ResultUp
	G = sitrep.ResultDegraded
	D = sitrep.ResultDown
)

func run(t *testing.T, m *sitrep.Monitor, tr *Tracker, steps []step) {
	t.Helper()
	for i, s := range steps {
		prev := tr.State().State
		r := sitrep.Result{MonitorID: m.ID, Location: s.loc, Time: t0.Add(time.Duration(i) * time.Minute), Status: s.status, Error: s.err}
		st, c := tr.Observe(r)
		if st.State != s.want {
			t.Fatalf("step %d (%s %v): state %s, want %s", i, s.loc, s.status, st.State, s.want)
		}
		if st.LastResult == nil || !st.LastResult.Time.Equal(r.Time) {
			t.Fatalf("step %d: LastResult not updated", i)
		}
		switch {
		case s.reason == "" && c != nil:
			t.Fatalf("step %d: unexpected change %+v", i, c)
		case s.reason != "" && c == nil:
			t.Fatalf("step %d: no change, want %q", i, s.reason)
		case c != nil:
			if c.Reason != s.reason {
				t.Errorf("step %d: reason %q, want %q", i, c.Reason, s.reason)
			}
			if c.From != prev || c.To != s.want || !c.At.Equal(r.Time) || c.MonitorID != m.ID {
				t.Errorf("step %d: change %+v, want %s→%s at %v", i, c, prev, s.want, r.Time)
			}
			if !st.Since.Equal(r.Time) {
				t.Errorf("step %d: Since %v, want %v", i, st.Since, r.Time)
			}
		}
	}
}

func TestSingleLocation(t *testing.T) {
	const refused = "connect: connection refused"
	tests := []struct {
		name   string
		f, s   int
		resume sitrep.State
		steps  []step
	}{
		{"first up decides at once", 3, 2, "", []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
			{"a", U, "", sitrep.StateUp, ""},
		}},
		{"first degraded decides at once", 3, 2, "", []step{
			{"a", G, "slow: 2.1s", sitrep.StateDegraded, "first result degraded: slow: 2.1s"},
		}},
		{"first down needs threshold", 3, 2, "", []step{
			{"a", D, refused, sitrep.StateUnknown, ""},
			{"a", D, refused, sitrep.StateUnknown, ""},
			{"a", D, refused, sitrep.StateDown, "3 consecutive failures: " + refused},
		}},
		{"up to down and back", 3, 2, "", []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
			{"a", D, refused, sitrep.StateUp, ""},
			{"a", D, refused, sitrep.StateUp, ""},
			{"a", D, refused, sitrep.StateDown, "3 consecutive failures: " + refused},
			{"a", D, refused, sitrep.StateDown, ""},
			{"a", U, "", sitrep.StateDown, ""},
			{"a", U, "", sitrep.StateUp, "2 consecutive successes"},
		}},
		{"one failure threshold", 1, 1, "", []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
			{"a", D, "boom", sitrep.StateDown, "1 failure: boom"},
			{"a", U, "", sitrep.StateUp, "1 success"},
		}},
		{"flapping never crosses threshold", 3, 2, "", []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
			{"a", D, "x", sitrep.StateUp, ""},
			{"a", D, "x", sitrep.StateUp, ""},
			{"a", U, "", sitrep.StateUp, ""},
			{"a", D, "x", sitrep.StateUp, ""},
			{"a", D, "x", sitrep.StateUp, ""},
			{"a", U, "", sitrep.StateUp, ""},
		}},
		{"flapping while down does not recover", 2, 3, "", []step{
			{"a", D, "x", sitrep.StateUnknown, ""},
			{"a", D, "x", sitrep.StateDown, "2 consecutive failures: x"},
			{"a", U, "", sitrep.StateDown, ""},
			{"a", U, "", sitrep.StateDown, ""},
			{"a", D, "x", sitrep.StateDown, ""},
			{"a", U, "", sitrep.StateDown, ""},
			{"a", U, "", sitrep.StateDown, ""},
			{"a", U, "", sitrep.StateUp, "3 consecutive successes"},
		}},
		{"mixed bad results degrade", 3, 2, "", []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
			{"a", D, "x", sitrep.StateUp, ""},
			{"a", G, "slow", sitrep.StateUp, ""},
			{"a", D, "x", sitrep.StateDegraded, "3 consecutive degraded results: x"},
			{"a", D, "x", sitrep.StateDegraded, ""},
			{"a", D, "x", sitrep.StateDown, "3 consecutive failures: x"},
		}},
		{"down to degraded to up", 2, 2, "", []step{
			{"a", D, "x", sitrep.StateUnknown, ""},
			{"a", D, "x", sitrep.StateDown, "2 consecutive failures: x"},
			{"a", G, "slow", sitrep.StateDown, ""},
			{"a", G, "slow", sitrep.StateDegraded, "2 consecutive degraded results: slow"},
			{"a", U, "", sitrep.StateDegraded, ""},
			{"a", U, "", sitrep.StateUp, "2 consecutive successes"},
		}},
		{"resumed down needs successes", 3, 2, sitrep.StateDown, []step{
			{"a", U, "", sitrep.StateDown, ""},
			{"a", U, "", sitrep.StateUp, "2 consecutive successes"},
		}},
		{"resumed up needs failures", 2, 2, sitrep.StateUp, []step{
			{"a", D, "x", sitrep.StateUp, ""},
			{"a", D, "x", sitrep.StateDown, "2 consecutive failures: x"},
		}},
		{"zero thresholds act as one", 0, 0, "", []step{
			{"a", D, "x", sitrep.StateDown, "1 failure: x"},
			{"a", U, "", sitrep.StateUp, "1 success"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &sitrep.Monitor{ID: "web", FailuresToDown: tt.f, SuccessesToUp: tt.s}
			tr := NewTracker(m, sitrep.MonitorState{State: tt.resume})
			run(t, m, tr, tt.steps)
		})
	}
}

func TestQuorum(t *testing.T) {
	tests := []struct {
		name      string
		locations []string
		quorum    int
		steps     []step
	}{
		{"majority of three", nil, 0, []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
			{"b", U, "", sitrep.StateUp, ""},
			{"c", U, "", sitrep.StateUp, ""},
			{"a", D, "x", sitrep.StateDegraded, "1 of 3 locations down, 2 needed for down; a: x"},
			{"b", D, "y", sitrep.StateDown, "2 of 3 locations down; b: y"},
			{"c", D, "z", sitrep.StateDown, ""},
			{"a", U, "", sitrep.StateDown, ""},
			{"b", U, "", sitrep.StateDegraded, "1 of 3 locations down, 2 needed for down; c: z"},
			{"c", U, "", sitrep.StateUp, "3 of 3 locations up"},
		}},
		{"explicit quorum of one", nil, 1, []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
			{"b", U, "", sitrep.StateUp, ""},
			{"b", D, "x", sitrep.StateDown, "1 of 2 locations down; b: x"},
		}},
		{"degraded location degrades monitor", nil, 0, []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
			{"b", G, "slow", sitrep.StateDegraded, "1 of 2 locations degraded; b: slow"},
			{"b", U, "", sitrep.StateUp, "2 of 2 locations up"},
		}},
		{"quorum above reporting locations is capped", nil, 3, []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
			{"a", D, "x", sitrep.StateDown, "1 failure: x"},
		}},
		{"quorum counts declared locations", []string{"a", "b"}, 2, []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
			{"a", D, "x", sitrep.StateDegraded, "1 failure: x"},
			{"b", D, "y", sitrep.StateDown, "2 of 2 locations down; b: y"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &sitrep.Monitor{ID: "web", FailuresToDown: 1, SuccessesToUp: 1, Quorum: tt.quorum, Locations: tt.locations}
			tr := NewTracker(m, sitrep.MonitorState{})
			run(t, m, tr, tt.steps)
		})
	}
}

func TestSetMonitorKeepsCounters(t *testing.T) {
	tests := []struct {
		name   string
		before []step
		reload sitrep.Monitor
		after  []step
	}{
		{"lower failure threshold applies to running count", []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
			{"a", D, "x", sitrep.StateUp, ""},
			{"a", D, "x", sitrep.StateUp, ""},
		}, sitrep.Monitor{FailuresToDown: 3, SuccessesToUp: 1}, []step{
			{"a", D, "x", sitrep.StateDown, "3 consecutive failures: x"},
		}},
		{"higher failure threshold delays down", []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
			{"a", D, "x", sitrep.StateUp, ""},
		}, sitrep.Monitor{FailuresToDown: 4, SuccessesToUp: 1}, []step{
			{"a", D, "x", sitrep.StateUp, ""},
			{"a", D, "x", sitrep.StateUp, ""},
			{"a", D, "x", sitrep.StateDown, "4 consecutive failures: x"},
		}},
		{"dropped location no longer counts", []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
			{"b", D, "x", sitrep.StateUp, ""},
			{"b", D, "x", sitrep.StateUp, ""},
			{"b", D, "x", sitrep.StateDegraded, "1 of 2 locations down, 2 needed for down; b: x"},
		}, sitrep.Monitor{FailuresToDown: 3, SuccessesToUp: 1, Locations: []string{"a"}}, []step{
			{"a", U, "", sitrep.StateUp, "first result up"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &sitrep.Monitor{ID: "web", FailuresToDown: 3, SuccessesToUp: 1}
			tr := NewTracker(m, sitrep.MonitorState{})
			run(t, m, tr, tt.before)
			re := tt.reload
			re.ID = "web"
			tr.SetMonitor(&re)
			run(t, m, tr, tt.after)
		})
	}
}

func TestObserveIgnoresForeignAndInvalid(t *testing.T) {
	m := &sitrep.Monitor{ID: "web", FailuresToDown: 1, SuccessesToUp: 1, Locations: []string{"", "a"}}
	tr := NewTracker(m, sitrep.MonitorState{})
	for _, r := range []sitrep.Result{
		{MonitorID: "other", Status: D, Time: t0},
		{MonitorID: "web", Status: 0, Time: t0},
		{MonitorID: "web", Status: 9, Time: t0},
		{MonitorID: "web", Status: D, Time: t0, Location: "undeclared"},
	} {
		if st, c := tr.Observe(r); c != nil || st.State != sitrep.StateUnknown || st.LastResult != nil {
			t.Errorf("Observe(%+v) = %+v, %+v; want ignored", r, st, c)
		}
	}
}

func BenchmarkObserve(b *testing.B) {
	m := &sitrep.Monitor{ID: "web", FailuresToDown: 3, SuccessesToUp: 2}
	tr := NewTracker(m, sitrep.MonitorState{})
	statuses := []sitrep.ResultStatus{U, U, D, U, G, U, D, D, D, U, U}
	b.ReportAllocs()
	for i := range b.N {
		tr.Observe(sitrep.Result{MonitorID: "web", Location: "oslo", Time: t0, Status: statuses[i%len(statuses)]})
	}
}
