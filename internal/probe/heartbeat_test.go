package probe

import (
	"testing"
	"time"

	"sitrep"
)

func TestHeartbeatResult(t *testing.T) {
	t0 := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	ping := func(kind sitrep.PingKind, d time.Duration) sitrep.Ping {
		return sitrep.Ping{MonitorID: "backup", Kind: kind, Time: at(d)}
	}
	sized := func(p sitrep.Ping, size int64) sitrep.Ping { p.Size = size; return p }
	timed := func(p sitrep.Ping, dur time.Duration) sitrep.Ping { p.Duration = dur; return p }
	msg := func(p sitrep.Ping, m string) sitrep.Ping { p.Message = m; return p }
	const (
		s, f, st = sitrep.PingSuccess, sitrep.PingFail, sitrep.PingStart
		h, m     = time.Hour, time.Minute
	)
	hb := sitrep.HeartbeatCheck{Every: h, Grace: 10 * m}

	tests := []struct {
		name   string
		check  func(*sitrep.HeartbeatCheck)
		pings  []sitrep.Ping // newest first
		now    time.Duration // since t0, which is also `since`
		ok     bool
		status sitrep.ResultStatus
		frags  []string
		lat    time.Duration
	}{
		{name: "no pings yet, within window", now: 70 * m, ok: false},
		{name: "no pings past window", now: 71 * m, ok: true, status: sitrep.ResultDown,
			frags: []string{"no ping received since 2026-11-21 00:00:00 UTC (expected every 1h + 10m grace)"}},
		{name: "recent success", pings: []sitrep.Ping{ping(s, 2*h)}, now: 2*h + 30*m, ok: true, status: sitrep.ResultUp},
		{name: "silence", pings: []sitrep.Ping{ping(s, 2*h)}, now: 3*h + 11*m, ok: true, status: sitrep.ResultDown,
			frags: []string{"no success ping for 1h11m, last at 2026-11-21 02:00:00 UTC"}},
		{name: "fail ping", pings: []sitrep.Ping{msg(ping(f, 2*h), "disk full"), ping(s, h)}, now: 2*h + m, ok: true,
			status: sitrep.ResultDown, frags: []string{"job reported failure at 2026-11-21 02:00:00 UTC: disk full"}},
		{name: "fail then retry running", pings: []sitrep.Ping{ping(st, 2*h+5*m), ping(f, 2*h)}, now: 2*h + 6*m, ok: true,
			status: sitrep.ResultDown, frags: []string{"job reported failure"}},
		{name: "running within window", pings: []sitrep.Ping{ping(st, 2*h), ping(s, 1*h+30*m)}, now: 2*h + 30*m, ok: true,
			status: sitrep.ResultUp},
		{name: "start without finish", pings: []sitrep.Ping{ping(st, 2*h), ping(s, 2*h-m)}, now: 3*h + 11*m, ok: true,
			status: sitrep.ResultDown, frags: []string{"started at 2026-11-21 02:00:00 UTC, no finish within 1h10m"}},
		{name: "first run still going", pings: []sitrep.Ping{ping(st, 65*m)}, now: 80 * m, ok: false},
		{name: "first run never finished", pings: []sitrep.Ping{ping(st, 5*m)}, now: 80 * m, ok: true, status: sitrep.ResultDown,
			frags: []string{"no finish within"}},
		{name: "size below minimum", check: func(c *sitrep.HeartbeatCheck) { c.MinSize = 1 << 20 },
			pings: []sitrep.Ping{sized(ping(s, h), 1000)}, now: h, ok: true, status: sitrep.ResultDown,
			frags: []string{"size 1000 B is below the minimum 1.0 MiB"}},
		{name: "size unreported", check: func(c *sitrep.HeartbeatCheck) { c.MinSize = 1 << 20 },
			pings: []sitrep.Ping{ping(s, h)}, now: h, ok: true, status: sitrep.ResultUp},
		{name: "shrink", check: func(c *sitrep.HeartbeatCheck) { c.MaxShrink = 0.5 },
			pings: []sitrep.Ping{sized(ping(s, 2*h), 4<<20), ping(st, 2*h-m), sized(ping(s, h), 10<<20)}, now: 2 * h, ok: true,
			status: sitrep.ResultDegraded, frags: []string{"size shrank by 60% (from 10.0 MiB to 4.0 MiB)"}, lat: m},
		{name: "shrink skips failures", check: func(c *sitrep.HeartbeatCheck) { c.MaxShrink = 0.5 },
			pings: []sitrep.Ping{sized(ping(s, 3*h), 6<<20), ping(f, 2*h), sized(ping(s, h), 10<<20)}, now: 3 * h, ok: true,
			status: sitrep.ResultUp},
		{name: "reported duration", check: func(c *sitrep.HeartbeatCheck) { c.MaxDuration = 10 * m },
			pings: []sitrep.Ping{timed(ping(s, h), 15*m)}, now: h, ok: true, status: sitrep.ResultDegraded,
			frags: []string{"run took 15m, expected under 10m"}, lat: 15 * m},
		{name: "measured duration", check: func(c *sitrep.HeartbeatCheck) { c.MaxDuration = 10 * m },
			pings: []sitrep.Ping{ping(s, h), ping(st, 40*m)}, now: h, ok: true, status: sitrep.ResultDegraded,
			frags: []string{"run took 20m, expected under 10m"}, lat: 20 * m},
		{name: "measured duration ok", check: func(c *sitrep.HeartbeatCheck) { c.MaxDuration = 30 * m },
			pings: []sitrep.Ping{ping(s, h), ping(st, 40*m)}, now: h, ok: true, status: sitrep.ResultUp, lat: 20 * m},
		{name: "start of another run is not this run's", check: func(c *sitrep.HeartbeatCheck) { c.MaxDuration = 10 * m },
			pings: []sitrep.Ping{ping(s, 2*h), ping(f, h), ping(st, 50*m)}, now: 2 * h, ok: true, status: sitrep.ResultUp},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := hb
			if tc.check != nil {
				tc.check(&c)
			}
			mon := &sitrep.Monitor{ID: "backup", Type: sitrep.MonitorHeartbeat, Heartbeat: &c}
			r, ok := HeartbeatResult(mon, tc.pings, t0, at(tc.now))
			if ok != tc.ok {
				t.Fatalf("ok = %v (%s %q), want %v", ok, r.Status, r.Error, tc.ok)
			}
			if !ok {
				return
			}
			if r.MonitorID != "backup" || !r.Time.Equal(at(tc.now)) {
				t.Errorf("result identity = %q %v", r.MonitorID, r.Time)
			}
			want(t, r, tc.status, tc.frags...)
			if tc.status == sitrep.ResultUp && r.Error != "" {
				t.Errorf("up with error %q", r.Error)
			}
			if r.Latency != tc.lat {
				t.Errorf("latency = %s, want %s", r.Latency, tc.lat)
			}
		})
	}
}
