package storetest

import (
	"reflect"
	"regexp"
	"testing"
	"time"

	"sitrep"
)

func testStateChanges(t *testing.T, s sitrep.Store) {
	ctx := ctxOf(t)
	in := []sitrep.StateChange{
		{MonitorID: "web", From: sitrep.StateUnknown, To: sitrep.StateUp, At: base, Reason: "first result"},
		{MonitorID: "web", From: sitrep.StateUp, To: sitrep.StateDown, At: base.Add(time.Minute), Reason: "3 consecutive failures"},
		// Same instant: recording order decides.
		{MonitorID: "web", From: sitrep.StateDown, To: sitrep.StateDegraded, At: base.Add(time.Minute), Reason: "2 of 3 locations down"},
		{MonitorID: "api", From: sitrep.StateUnknown, To: sitrep.StateUp, At: base, Reason: ""},
		{MonitorID: "web", From: sitrep.StateDegraded, To: sitrep.StateUp, At: base.Add(time.Hour), Reason: "recovered"},
	}
	for _, c := range in {
		if err := s.RecordStateChange(ctx, c); err != nil {
			t.Fatalf("RecordStateChange: %v", err)
		}
	}
	got, err := s.StateChanges(ctx, "web", base, base.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []sitrep.StateChange{in[0], in[1], in[2]}
	if len(got) != len(want) {
		t.Fatalf("got %d changes, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !got[i].At.Equal(want[i].At) {
			t.Errorf("change %d at %v, want %v", i, got[i].At, want[i].At)
		}
		g, w := got[i], want[i]
		g.At, w.At = time.Time{}, time.Time{}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("change %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	if err := s.RecordStateChange(ctx, sitrep.StateChange{To: sitrep.StateUp, At: base}); sitrep.ErrorCode(err) != sitrep.EINVALID {
		t.Errorf("change without monitor: err = %v, want %s", err, sitrep.EINVALID)
	}
}

func testMonitorStates(t *testing.T, s sitrep.Store) {
	ctx := ctxOf(t)
	for _, c := range []sitrep.StateChange{
		{MonitorID: "web", From: sitrep.StateUnknown, To: sitrep.StateUp, At: base},
		{MonitorID: "web", From: sitrep.StateUp, To: sitrep.StateDown, At: base.Add(time.Minute)},
		{MonitorID: "api", From: sitrep.StateUnknown, To: sitrep.StateDegraded, At: base.Add(2 * time.Minute)},
	} {
		if err := s.RecordStateChange(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.MonitorStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]sitrep.MonitorState{}
	for _, m := range got {
		byID[m.MonitorID] = m
	}
	if len(got) != 2 || byID["web"].State != sitrep.StateDown || !byID["web"].Since.Equal(base.Add(time.Minute)) ||
		byID["api"].State != sitrep.StateDegraded || !byID["api"].Since.Equal(base.Add(2*time.Minute)) {
		t.Errorf("MonitorStates = %+v", got)
	}
}

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{22,}$`)

func testTokens(t *testing.T, s sitrep.Store) {
	ctx := ctxOf(t)
	tok, err := s.HeartbeatToken(ctx, "backup", "")
	if err != nil {
		t.Fatal(err)
	}
	if !tokenRE.MatchString(tok) {
		t.Errorf("token %q is not 22+ URL-safe characters", tok)
	}
	again, err := s.HeartbeatToken(ctx, "backup", "")
	if err != nil || again != tok {
		t.Errorf("second HeartbeatToken = %q, %v; want the stored %q", again, err, tok)
	}
	other, _ := s.HeartbeatToken(ctx, "nightly", "")
	if other == tok {
		t.Error("two monitors got the same token")
	}
	if id, err := s.HeartbeatByToken(ctx, tok); err != nil || id != "backup" {
		t.Errorf("HeartbeatByToken = %q, %v; want backup", id, err)
	}
	pinned := "pinned-token-from-config-0123"
	if got, err := s.HeartbeatToken(ctx, "backup", pinned); err != nil || got != pinned {
		t.Errorf("pinned HeartbeatToken = %q, %v", got, err)
	}
	if id, err := s.HeartbeatByToken(ctx, pinned); err != nil || id != "backup" {
		t.Errorf("HeartbeatByToken(pinned) = %q, %v; want backup", id, err)
	}
	for _, bad := range []string{tok, "", "nope", tok[:len(tok)-1]} {
		if _, err := s.HeartbeatByToken(ctx, bad); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
			t.Errorf("HeartbeatByToken(%q) err = %v, want %s", bad, err, sitrep.ENOTFOUND)
		}
	}
}

func testPings(t *testing.T, s sitrep.Store) {
	ctx := ctxOf(t)
	var in []sitrep.Ping
	for i, k := range []sitrep.PingKind{sitrep.PingStart, sitrep.PingSuccess, sitrep.PingStart, sitrep.PingFail} {
		p := sitrep.Ping{MonitorID: "backup", Kind: k, Time: base.Add(time.Duration(i) * time.Hour),
			Duration: time.Duration(i) * time.Second, Size: int64(i) * 1000, Message: "run " + string(k), Source: "127.0.0.1:5000"}
		in = append(in, p)
		if err := s.RecordPing(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordPing(ctx, sitrep.Ping{MonitorID: "other", Kind: sitrep.PingSuccess, Time: base}); err != nil {
		t.Fatal(err)
	}
	got, err := s.LastPings(ctx, "backup", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("LastPings(3) returned %d", len(got))
	}
	for i, p := range got {
		w := in[len(in)-1-i]
		if !p.Time.Equal(w.Time) {
			t.Errorf("ping %d at %v, want %v", i, p.Time, w.Time)
		}
		p.Time, w.Time = time.Time{}, time.Time{}
		if !reflect.DeepEqual(p, w) {
			t.Errorf("ping %d:\n got %+v\nwant %+v", i, p, w)
		}
	}
}

func testWritable(t *testing.T, s sitrep.Store) {
	if err := s.Writable(ctxOf(t)); err != nil {
		t.Errorf("Writable: %v", err)
	}
}

func testUsage(t *testing.T, s sitrep.Store) {
	appendAll(t, s, series("web", base, time.Minute, 100))
	maintain(t, s, base.Add(2*time.Hour))
	u, err := s.Usage(ctxOf(t))
	if err != nil {
		t.Fatal(err)
	}
	if u.Bytes <= 0 || u.Budget <= 0 || u.LowDisk || u.RawResults != 100 || !u.OldestRaw.Equal(base) {
		t.Errorf("Usage = %+v; want bytes and budget > 0, no low disk, 100 raw results from %v", u, base)
	}
}

func testUnknownMonitor(t *testing.T, s sitrep.Store) {
	ctx := ctxOf(t)
	appendAll(t, s, series("web", base, time.Minute, 5))
	maintain(t, s, base.Add(time.Hour))
	if rs, err := s.Results(ctx, "nope", base, base.Add(time.Hour)); err != nil || len(rs) != 0 {
		t.Errorf("Results(unknown) = %v, %v", rs, err)
	}
	if rs, err := s.Rollups(ctx, "nope", sitrep.ResolutionHour, base, base.Add(time.Hour)); err != nil || len(rs) != 0 {
		t.Errorf("Rollups(unknown) = %v, %v", rs, err)
	}
	if old, err := s.OldestRaw(ctx, "nope"); err != nil || !old.IsZero() {
		t.Errorf("OldestRaw(unknown) = %v, %v", old, err)
	}
	if cs, err := s.StateChanges(ctx, "nope", base, base.Add(time.Hour)); err != nil || len(cs) != 0 {
		t.Errorf("StateChanges(unknown) = %v, %v", cs, err)
	}
	if ps, err := s.LastPings(ctx, "nope", 5); err != nil || len(ps) != 0 {
		t.Errorf("LastPings(unknown) = %v, %v", ps, err)
	}
}
