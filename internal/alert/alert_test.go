package alert

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/clock"
)

var t0 = time.Date(2025, 3, 31, 7, 30, 0, 0, time.UTC) // a Monday, 09:30 in Oslo (CEST)

type env struct {
	t     *testing.T
	clock *clock.Manual
	store *memStore
	m     *Manager

	mu    sync.Mutex
	muted map[string]bool
}

func testCatalog() Catalog {
	oslo, _ := time.LoadLocation("Europe/Oslo")
	monday := time.Monday
	return Catalog{
		Monitors: []sitrep.Monitor{
			{ID: "api", Name: "API", Labels: map[string]string{"team": "web"}},
			{ID: "web", Name: "Website", Labels: map[string]string{"team": "web"}},
			{ID: "db", Name: "Database", Labels: map[string]string{"team": "data"}},
			{ID: "solo", Name: "Solo"},
		},
		Components: []sitrep.Component{
			{ID: "courses", Monitors: []string{"api", "web"}},
			{ID: "data", Monitors: []string{"db"}},
		},
		Routes: []sitrep.AlertRoute{
			{ID: "data", Labels: map[string]string{"team": "data"}, Channels: []string{"data-chat"}, GroupBy: sitrep.GroupByMonitor},
			{ID: "default", Monitors: []string{"*"}, Channels: []string{"oncall-email"}, Escalation: "default",
				RepeatEvery: 30 * time.Minute, GroupBy: sitrep.GroupByComponent},
		},
		Policies: []sitrep.EscalationPolicy{{ID: "default", Levels: []sitrep.EscalationLevel{
			{After: 0, Targets: []sitrep.EscalationTarget{{Channel: "pager"}}},
			{After: 10 * time.Minute, Targets: []sitrep.EscalationTarget{{Schedule: "primary"}}},
		}}},
		Schedules: []sitrep.Schedule{{ID: "primary", TimeZone: oslo, Rotations: []sitrep.Rotation{{
			Name:    "weekly",
			Members: []sitrep.OnCallMember{{Name: "alice", Channel: "alice-sms"}, {Name: "bob", Channel: "bob-sms"}},
			Length:  7 * 24 * time.Hour,
			Handoff: sitrep.Handoff{Weekday: &monday, Hour: 9},
			Start:   time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC),
		}}}},
	}
}

func newEnv(t *testing.T, o Options) *env {
	t.Helper()
	e := &env{t: t, clock: clock.NewManual(t0), store: newMemStore(), muted: map[string]bool{}}
	n := 0
	o.Clock = e.clock
	o.NewID = func() string { n++; return fmt.Sprintf("id%d", n) }
	o.Muted = func() map[string]bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		return maps(e.muted)
	}
	o.AckKey = []byte("test key")
	o.PublicURL = "https://status.example.com"
	e.m = New(e.store, testCatalog(), o)
	if err := e.m.Restore(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return e
}

func maps(m map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (e *env) set(id string, to sitrep.State) {
	e.t.Helper()
	if err := e.m.OnStateChange(context.Background(), sitrep.StateChange{MonitorID: id, From: "x", To: to, At: e.clock.Now()}); err != nil {
		e.t.Fatalf("state change %s → %s: %v", id, to, err)
	}
}

func (e *env) tick(d time.Duration) {
	e.t.Helper()
	e.clock.Advance(d)
	if err := e.m.Tick(context.Background()); err != nil {
		e.t.Fatalf("tick: %v", err)
	}
}

// expect checks the kinds and levels of the events written since the last
// call ("alert.triggered/0") and returns them.
func (e *env) expect(want ...string) []sitrep.Event {
	e.t.Helper()
	evs := e.store.take()
	var got []string
	for _, ev := range evs {
		got = append(got, fmt.Sprintf("%s/%d", ev.Kind, ev.Level))
	}
	if !slices.Equal(got, want) {
		e.t.Fatalf("events = %v, want %v", got, want)
	}
	return evs
}

func (e *env) channels(ev sitrep.Event) []string {
	e.t.Helper()
	ds, err := e.m.Expand(context.Background(), ev)
	if err != nil {
		e.t.Fatalf("expand: %v", err)
	}
	var out []string
	for _, d := range ds {
		if d.IdempotencyKey != ev.ID+":"+d.Channel || d.EventID != ev.ID || d.OrderKey != "alert:"+ev.AlertID {
			e.t.Errorf("delivery %+v: keys do not derive from event %s", d, ev.ID)
		}
		// A recipient would replace the channel's configured destination
		// (the bug that once sent pages to an address "oncall-email").
		if d.Recipient != "" {
			e.t.Errorf("delivery %+v names a recipient; a declared channel sends to its own destination", d)
		}
		out = append(out, d.Channel)
	}
	return out
}

func TestEscalationStory(t *testing.T) {
	e := newEnv(t, Options{})
	e.set("api", sitrep.StateDown)
	trig := e.expect("alert.triggered/0")[0]
	if got, want := e.channels(trig), []string{"oncall-email", "pager"}; !slices.Equal(got, want) {
		t.Fatalf("level 0 channels = %v, want %v", got, want)
	}

	e.tick(9*time.Minute + 59*time.Second)
	e.expect()
	e.tick(time.Second)
	esc := e.expect("alert.escalated/1")[0]
	// t0+10m is 09:40 on Monday 31 March in Oslo: alice's fifth week
	// (3, 17, 31 March) started at 09:00.
	if got, want := e.channels(esc), []string{"alice-sms"}; !slices.Equal(got, want) {
		t.Fatalf("level 1 channels = %v, want %v", got, want)
	}

	a, err := e.m.Ack(context.Background(), trig.AlertID, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if a.State != sitrep.AlertAcknowledged || a.AckedBy != "bob" || !a.AckedAt.Equal(e.clock.Now()) {
		t.Fatalf("after ack: %+v", a)
	}
	e.expect()
	for range 6 {
		e.tick(30 * time.Minute) // no reminders, no escalation once acknowledged
	}
	e.expect()

	e.set("api", sitrep.StateUp)
	res := e.expect("alert.resolved/1")[0]
	if got, want := e.channels(res), []string{"oncall-email", "pager", "alice-sms"}; !slices.Equal(got, want) {
		t.Fatalf("resolution channels = %v, want %v", got, want)
	}
	if a, _ := e.m.Alert(context.Background(), trig.AlertID); a.State != sitrep.AlertResolved {
		t.Fatalf("state = %s, want resolved", a.State)
	}
	if _, err := e.m.Ack(context.Background(), trig.AlertID, "bob"); sitrep.ErrorCode(err) != sitrep.ECONFLICT {
		t.Fatalf("ack of resolved alert: %v, want conflict", err)
	}
}

func TestReminders(t *testing.T) {
	e := newEnv(t, Options{})
	e.set("solo", sitrep.StateDown)
	e.expect("alert.triggered/0")
	e.tick(10 * time.Minute)
	e.expect("alert.escalated/1")
	e.tick(29 * time.Minute) // 30m after the escalation paged someone
	e.expect()
	e.tick(time.Minute)
	r := e.expect("alert.reminder/1")[0]
	if got, want := e.channels(r), []string{"alice-sms"}; !slices.Equal(got, want) {
		t.Fatalf("reminder channels = %v, want %v", got, want)
	}
	e.tick(30 * time.Minute)
	e.expect("alert.reminder/1")
}

func TestGrouping(t *testing.T) {
	e := newEnv(t, Options{})
	e.set("api", sitrep.StateDown)
	e.set("web", sitrep.StateDown)
	ev := e.expect("alert.triggered/0")[0] // one page for the component
	a, _ := e.m.Alert(context.Background(), ev.AlertID)
	if !slices.Equal(a.MonitorIDs, []string{"api", "web"}) || !slices.Equal(a.ComponentIDs, []string{"courses"}) {
		t.Fatalf("alert covers %v %v, want both monitors of courses", a.MonitorIDs, a.ComponentIDs)
	}
	if a.Summary != "2 monitors are down: API, Website" {
		t.Errorf("summary = %q", a.Summary)
	}
	e.set("api", sitrep.StateUp)
	e.expect() // web is still down
	e.set("web", sitrep.StateUp)
	e.expect("alert.resolved/0")

	// A route grouping by monitor pages for each: db has its own route.
	e.set("db", sitrep.StateDown)
	evs := e.expect("alert.triggered/0")
	if got := e.channels(evs[0]); !slices.Equal(got, []string{"data-chat"}) {
		t.Fatalf("label route channels = %v", got)
	}
	// Degraded does not page on a route that takes only down.
	e.set("api", sitrep.StateDegraded)
	e.expect()
}

func TestFlappingDamped(t *testing.T) {
	e := newEnv(t, Options{FlapChanges: 3, FlapWindow: time.Hour})
	e.set("solo", sitrep.StateDown)
	e.set("solo", sitrep.StateUp)
	e.expect("alert.triggered/0", "alert.resolved/0")
	e.clock.Advance(time.Minute)
	e.set("solo", sitrep.StateDown)
	e.set("solo", sitrep.StateUp)
	e.expect("alert.triggered/0", "alert.resolved/0")
	e.clock.Advance(time.Minute)
	e.set("solo", sitrep.StateDown) // fifth change within the hour: held back
	e.expect()
	e.tick(30 * time.Minute)
	e.expect()
	e.tick(30 * time.Minute) // the swings age out of the window; still down
	e.expect("alert.triggered/0")
}

func TestMaintenanceMutes(t *testing.T) {
	e := newEnv(t, Options{})
	e.mu.Lock()
	e.muted["courses"] = true
	e.mu.Unlock()
	e.set("api", sitrep.StateDown)
	e.set("solo", sitrep.StateDown) // not under maintenance
	evs := e.expect("alert.triggered/0")
	if evs[0].MonitorID != "solo" {
		t.Fatalf("paged for %s, want only solo", evs[0].MonitorID)
	}
	e.tick(time.Minute)
	e.expect()
	e.mu.Lock()
	delete(e.muted, "courses")
	e.mu.Unlock()
	e.tick(time.Second) // maintenance over, api still down: page now
	if evs := e.expect("alert.triggered/0"); evs[0].MonitorID != "api" {
		t.Fatalf("paged for %s, want api", evs[0].MonitorID)
	}
}

func TestRestoreDoesNotPageAgain(t *testing.T) {
	e := newEnv(t, Options{})
	e.set("api", sitrep.StateDown)
	e.expect("alert.triggered/0")
	m2 := New(e.store, testCatalog(), Options{Clock: e.clock})
	states := []sitrep.MonitorState{{MonitorID: "api", State: sitrep.StateDown}, {MonitorID: "db", State: sitrep.StateDown}}
	if err := m2.Restore(context.Background(), states); err != nil {
		t.Fatal(err)
	}
	if evs := e.expect("alert.triggered/0"); evs[0].MonitorID != "db" {
		t.Fatalf("restore paged %s, want only db (api has its alert)", evs[0].MonitorID)
	}
	if err := m2.OnStateChange(context.Background(), sitrep.StateChange{MonitorID: "api", From: sitrep.StateDown, To: sitrep.StateUp, At: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	e.expect("alert.resolved/0")
}

func TestCompose(t *testing.T) {
	e := newEnv(t, Options{})
	e.set("api", sitrep.StateDown)
	ev := e.expect("alert.triggered/0")[0]
	ds, _ := e.m.Expand(context.Background(), ev)
	msg, err := e.m.Compose(context.Background(), ev, ds[0])
	if err != nil {
		t.Fatal(err)
	}
	if msg.DedupKey != ev.AlertID || msg.Resolve || msg.Severity != "critical" || msg.IdempotencyKey != ds[0].IdempotencyKey {
		t.Errorf("trigger message: %+v", msg)
	}
	if msg.Title != "[ALERT] API is down" {
		t.Errorf("title = %q", msg.Title)
	}
	token, ok := strings.CutPrefix(msg.AckURL, "https://status.example.com/ack/")
	if !ok {
		t.Fatalf("AckURL = %q", msg.AckURL)
	}
	if !strings.Contains(msg.Text, msg.AckURL) {
		t.Errorf("text lacks the ack link:\n%s", msg.Text)
	}
	a, err := e.m.AckToken(context.Background(), token, "link")
	if err != nil || a.State != sitrep.AlertAcknowledged {
		t.Fatalf("ack by link: %+v, %v", a, err)
	}
	e.set("api", sitrep.StateUp)
	res := e.expect("alert.resolved/0")[0]
	msg, err = e.m.Compose(context.Background(), res, sitrep.Delivery{IdempotencyKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if !msg.Resolve || msg.Severity != "resolved" || msg.DedupKey != ev.AlertID || msg.AckURL != "" {
		t.Errorf("resolve message: %+v", msg)
	}
}

func TestExpandIgnoresOtherEvents(t *testing.T) {
	e := newEnv(t, Options{})
	ds, err := e.m.Expand(context.Background(), sitrep.Event{ID: "x", Kind: sitrep.EventIncidentOpened})
	if err != nil || ds != nil {
		t.Fatalf("got %v, %v", ds, err)
	}
}

// TestRunEscalatesOnClockTicks drives Run with the manual clock: the
// escalation happens on the tick after the level is due.
func TestRunEscalatesOnClockTicks(t *testing.T) {
	e := newEnv(t, Options{TickEvery: time.Minute})
	e.set("api", sitrep.StateDown)
	e.expect("alert.triggered/0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.m.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	waitFor(t, "tick timer armed", func() bool { return e.clock.Timers() == 1 })
	for range 9 {
		e.clock.Advance(time.Minute)
		waitFor(t, "tick timer re-armed", func() bool { return e.clock.Timers() == 1 })
	}
	e.expect()
	e.clock.Advance(time.Minute)
	var got []sitrep.Event
	waitFor(t, "escalation", func() bool { got = append(got, e.store.take()...); return len(got) > 0 })
	if got[0].Kind != sitrep.EventAlertEscalated || !got[0].At.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("event %+v, want the escalation at t0+10m", got[0])
	}
}

// waitFor yields until cond holds; the bound is a safety net against a
// hang, not a schedule.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		runtime.Gosched()
	}
}

func TestRunStopsWithContext(t *testing.T) {
	e := newEnv(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.m.Run(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestMaintenanceMutesByMonitor: the status engine reports the monitors of
// components under maintenance; those are held back just the same.
func TestMaintenanceMutesByMonitor(t *testing.T) {
	e := newEnv(t, Options{})
	e.mu.Lock()
	e.muted["api"] = true
	e.mu.Unlock()
	e.set("api", sitrep.StateDown)
	e.set("solo", sitrep.StateDown)
	if evs := e.expect("alert.triggered/0"); evs[0].MonitorID != "solo" {
		t.Fatalf("paged for %s, want only solo", evs[0].MonitorID)
	}
}
