package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"sitrep"
)

func TestHeartbeatToken(t *testing.T) {
	pinned := heartbeatMonitor("pinned")
	pinned.Heartbeat.Token = "configured-token"
	f := newFixture(t, nil, Options{}, heartbeatMonitor("backup"), pinned, tcpMonitor("web", 1, 1))
	tests := []struct{ id, want string }{
		{"backup", "tok-backup"},
		{"pinned", "configured-token"},
		{"web", ""},
		{"missing", ""},
	}
	for _, tt := range tests {
		if got := f.e.HeartbeatToken(tt.id); got != tt.want {
			t.Errorf("HeartbeatToken(%s) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

func TestHeartbeatFlow(t *testing.T) {
	f := newFixture(t, nil, Options{}, heartbeatMonitor("backup"))
	ctx := context.Background()
	tok := f.e.HeartbeatToken("backup")

	// Before the first ping and within Every+Grace of first sight: no verdict.
	f.runNext("backup")
	if v := f.view("backup"); v.State != sitrep.StateUnknown || v.LastResult != nil {
		t.Fatalf("tick before any ping: %+v, want unknown without a result", v)
	}

	// A ping is stored before Ping returns and judged at once.
	if err := f.e.Ping(ctx, tok, sitrep.Ping{Kind: sitrep.PingSuccess, Size: 42}); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if ps, _ := f.store.LastPings(ctx, "backup", 10); len(ps) != 1 || ps[0].Size != 42 || !ps[0].Time.Equal(f.clock.Now()) {
		t.Fatalf("stored pings %+v", ps)
	}
	if v := f.view("backup"); v.State != sitrep.StateUp {
		t.Fatalf("after a success ping: %s, want up", v.State)
	}

	// The job reports a failure.
	if err := f.e.Ping(ctx, tok, sitrep.Ping{Kind: sitrep.PingFail}); err != nil {
		t.Fatal(err)
	}
	if v := f.view("backup"); v.State != sitrep.StateDown || v.LastResult.Error != "job reported failure" {
		t.Fatalf("after a fail ping: %+v", v)
	}
	if err := f.e.Ping(ctx, tok, sitrep.Ping{}); err != nil {
		t.Fatal(err)
	}
	if v := f.view("backup"); v.State != sitrep.StateUp {
		t.Fatalf("after a recovery ping: %s, want up", v.State)
	}

	// Silence: ticks notice when Every+Grace passes without a ping.
	var wentDown time.Time
	for i := 0; i < 10 && wentDown.IsZero(); i++ {
		at := f.runNext("backup")
		if f.view("backup").State == sitrep.StateDown {
			wentDown = at
		}
	}
	lastPing := t0 // pings were sent at the clock's time after the first tick
	if ps, _ := f.store.LastPings(ctx, "backup", 1); len(ps) == 1 {
		lastPing = ps[0].Time
	}
	if wentDown.IsZero() || wentDown.Sub(lastPing) <= 6*time.Minute || wentDown.Sub(lastPing) > 7*time.Minute {
		t.Errorf("silence noticed at %v after the last ping, want within one tick after Every+Grace (6m)", wentDown.Sub(lastPing))
	}
	changes := f.store.changesOf("backup")
	if len(changes) != 4 {
		t.Errorf("stored changes %+v, want up, down, up, down", changes)
	}
}

func TestHeartbeatSilentFromStart(t *testing.T) {
	f := newFixture(t, nil, Options{}, heartbeatMonitor("backup"))
	var at time.Time
	for i := 0; i < 10 && f.view("backup").State != sitrep.StateDown; i++ {
		at = f.runNext("backup")
	}
	if d := at.Sub(t0); d <= 6*time.Minute || d > 7*time.Minute {
		t.Errorf("never-pinged heartbeat went down %v after first sight, want just past 6m", d)
	}
}

func TestPingErrors(t *testing.T) {
	f := newFixture(t, nil, Options{}, heartbeatMonitor("backup"))
	ctx := context.Background()
	if err := f.e.Ping(ctx, "nope", sitrep.Ping{}); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Errorf("unknown token: %v, want not found", err)
	}
	f.store.set(func(s *fakeStore) { s.pingErr = errStorage })
	err := f.e.Ping(ctx, f.e.HeartbeatToken("backup"), sitrep.Ping{})
	if !errors.Is(err, errStorage) {
		t.Errorf("Ping with failing store: %v", err)
	}
	if v := f.view("backup"); v.State != sitrep.StateUnknown {
		t.Errorf("a ping that was not stored changed the state to %s", v.State)
	}
	// A removed heartbeat's token no longer answers.
	if err := f.e.SetMonitors(ctx, nil); err != nil {
		t.Fatal(err)
	}
	f.store.set(func(s *fakeStore) { s.pingErr = nil })
	if err := f.e.Ping(ctx, "tok-backup", sitrep.Ping{}); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Errorf("token of a removed monitor: %v, want not found", err)
	}
}

func TestHeartbeatPingsLoadedAtStart(t *testing.T) {
	store := newFakeStore()
	store.tokens["backup"] = "tok-backup"
	store.pings = []sitrep.Ping{{MonitorID: "backup", Kind: sitrep.PingSuccess, Time: t0.Add(-time.Minute)}}
	f := newFixture(t, store, Options{}, heartbeatMonitor("backup"))
	f.runNext("backup")
	if v := f.view("backup"); v.State != sitrep.StateUp {
		t.Errorf("first tick with a recent stored ping: %s, want up", v.State)
	}
}
