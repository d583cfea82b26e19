package probe

import (
	"fmt"
	"net"
	"testing"
	"time"

	"sitrep"
)

func TestTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	tests := []struct {
		name   string
		check  sitrep.TCPCheck
		status sitrep.ResultStatus
		frags  []string
	}{
		{"up", sitrep.TCPCheck{Address: ln.Addr().String()}, sitrep.ResultUp, nil},
		{"degraded above threshold", sitrep.TCPCheck{Address: ln.Addr().String(), DegradedAbove: time.Nanosecond}, sitrep.ResultDegraded, []string{"slow:"}},
		{"refused", sitrep.TCPCheck{Address: refusedAddr(t)}, sitrep.ResultDown, []string{"connect: connection refused"}},
		{"bad address", sitrep.TCPCheck{Address: "127.0.0.1"}, sitrep.ResultDown, []string{"bad address", "missing port"}},
		{"unknown host", sitrep.TCPCheck{Address: "no-such-host.invalid:80"}, sitrep.ResultDown, []string{`no such host "no-such-host.invalid"`}},
	}
	p := newTestProber(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &sitrep.Monitor{ID: "tcp", Type: sitrep.MonitorTCP, Timeout: 2 * time.Second, TCP: &tc.check}
			r := probe(t, p, m)
			want(t, r, tc.status, tc.frags...)
			if tc.status == sitrep.ResultUp && r.Phases.Connect <= 0 {
				t.Errorf("connect phase = %s", r.Phases.Connect)
			}
		})
	}
}

func TestTLS(t *testing.T) {
	ca := newTestCA(t)
	caFile := ca.file(t)
	day := 24 * time.Hour
	now := time.Now()
	serve := func(notAfter time.Time, hosts ...string) string {
		return tlsServer(t, ca.leaf(t, notAfter, hosts...))
	}
	fresh := serve(now.Add(90*day), "127.0.0.1", "svc.test")
	soon := serve(now.Add(10*day+time.Hour), "127.0.0.1")
	verySoon := serve(now.Add(2*day+time.Hour), "127.0.0.1")
	expired := serve(now.Add(-5*day-time.Hour), "127.0.0.1")
	otherHost := serve(now.Add(90*day), "other.test")
	_, port, _ := net.SplitHostPort(fresh)

	tests := []struct {
		name   string
		check  sitrep.TLSCheck
		status sitrep.ResultStatus
		frags  []string
	}{
		{"valid", sitrep.TLSCheck{Address: fresh, CAFile: caFile}, sitrep.ResultUp, nil},
		{"valid by server name", sitrep.TLSCheck{Address: fresh, CAFile: caFile, ServerName: "svc.test"}, sitrep.ResultUp, nil},
		{"unknown authority", sitrep.TLSCheck{Address: fresh}, sitrep.ResultDown, []string{"x509: certificate signed by unknown authority"}},
		{"expires within warn", sitrep.TLSCheck{Address: soon, CAFile: caFile}, sitrep.ResultDegraded,
			[]string{"certificate expires in 10 days (" + now.Add(10*day+time.Hour).UTC().Format(time.DateOnly) + ")"}},
		{"custom warn window", sitrep.TLSCheck{Address: soon, CAFile: caFile, WarnBefore: 7 * day}, sitrep.ResultUp, nil},
		{"expires within down", sitrep.TLSCheck{Address: verySoon, CAFile: caFile}, sitrep.ResultDown, []string{"certificate expires in 2 days"}},
		{"custom down window", sitrep.TLSCheck{Address: soon, CAFile: caFile, DownBefore: 14 * day}, sitrep.ResultDown, []string{"certificate expires in 10 days"}},
		{"expired", sitrep.TLSCheck{Address: expired, CAFile: caFile}, sitrep.ResultDown, []string{"certificate expired 5 days ago"}},
		{"wrong host", sitrep.TLSCheck{Address: otherHost, CAFile: caFile}, sitrep.ResultDown,
			[]string{"x509: cannot validate certificate for 127.0.0.1"}},
		{"refused", sitrep.TLSCheck{Address: refusedAddr(t)}, sitrep.ResultDown, []string{"connect: connection refused"}},
		{"not tls", sitrep.TLSCheck{Address: hangServer(t)}, sitrep.ResultDown, []string{"timeout after 200ms while in the TLS handshake"}},
		{"bad address", sitrep.TLSCheck{Address: "localhost"}, sitrep.ResultDown, []string{`bad address "localhost"`}},
		{"localhost by name", sitrep.TLSCheck{Address: "localhost:" + port, CAFile: caFile}, sitrep.ResultDown,
			[]string{"not localhost"}},
	}
	p := newTestProber(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := &sitrep.Monitor{ID: "cert", Type: sitrep.MonitorTLS, Timeout: 200 * time.Millisecond, TLS: &tc.check}
			if tc.name != "not tls" {
				m.Timeout = 5 * time.Second
			}
			r := probe(t, p, m)
			want(t, r, tc.status, tc.frags...)
			if tc.status != sitrep.ResultDown && (r.Latency <= 0 || r.Latency != r.Phases.TLS) {
				t.Errorf("latency %s, TLS phase %s: want the handshake time", r.Latency, r.Phases.TLS)
			}
		})
	}
}

func TestUnknownType(t *testing.T) {
	p := newTestProber(t)
	for _, m := range []*sitrep.Monitor{
		{ID: "x", Type: "smtp"},
		{ID: "x", Type: sitrep.MonitorHTTP},
		{ID: "x", Type: sitrep.MonitorHeartbeat, Heartbeat: &sitrep.HeartbeatCheck{}},
	} {
		t.Run(fmt.Sprint(m.Type), func(t *testing.T) {
			want(t, probe(t, p, m), sitrep.ResultDown)
		})
	}
}
