package probe

import (
	"testing"
	"time"

	"sitrep"
)

func TestICMP(t *testing.T) {
	p := newTestProber(t)
	if s, err := p.listenICMP(false); err != nil {
		t.Skipf("ICMP sockets unavailable here: %v", err)
	} else {
		s.conn.Close()
	}
	tests := []struct {
		name   string
		check  sitrep.ICMPCheck
		status sitrep.ResultStatus
		frags  []string
	}{
		{"loopback", sitrep.ICMPCheck{Host: "127.0.0.1"}, sitrep.ResultUp, nil},
		{"several echoes", sitrep.ICMPCheck{Host: "127.0.0.1", Count: 3}, sitrep.ResultUp, nil},
		{"degraded", sitrep.ICMPCheck{Host: "127.0.0.1", DegradedAbove: time.Nanosecond}, sitrep.ResultDegraded, []string{"slow:"}},
		{"localhost by name", sitrep.ICMPCheck{Host: "localhost"}, sitrep.ResultUp, nil},
		{"unknown host", sitrep.ICMPCheck{Host: "no-such-host.invalid"}, sitrep.ResultDown, []string{"no-such-host.invalid"}},
	}
	if s, err := p.listenICMP(true); err == nil {
		s.conn.Close()
		tests = append(tests, struct {
			name   string
			check  sitrep.ICMPCheck
			status sitrep.ResultStatus
			frags  []string
		}{"ipv6 loopback", sitrep.ICMPCheck{Host: "::1"}, sitrep.ResultUp, nil})
	} else {
		t.Logf("no ICMPv6 socket, not testing ::1: %v", err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := &sitrep.Monitor{ID: "ping", Type: sitrep.MonitorICMP, Timeout: 2 * time.Second, ICMP: &tc.check}
			r := probe(t, p, m)
			want(t, r, tc.status, tc.frags...)
			if tc.status != sitrep.ResultDown && r.Latency <= 0 {
				t.Errorf("latency = %s", r.Latency)
			}
		})
	}
}
