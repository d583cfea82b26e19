package web

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sitrep"
)

func TestPing(t *testing.T) {
	tests := []struct {
		name   string
		method string
		target string
		body   string
		status int
		resp   string
		want   *sitrep.Ping // nil: no ping recorded
	}{
		{name: "get success", method: "GET", target: "/ping/tok-123", status: 200, resp: "OK\n",
			want: &sitrep.Ping{Kind: sitrep.PingSuccess}},
		{name: "head success", method: "HEAD", target: "/ping/tok-123", status: 200, resp: "",
			want: &sitrep.Ping{Kind: sitrep.PingSuccess}},
		{name: "start", method: "POST", target: "/ping/tok-123/start", status: 200, resp: "OK\n",
			want: &sitrep.Ping{Kind: sitrep.PingStart}},
		{name: "fail with log line", method: "POST", target: "/ping/tok-123/fail", body: "  pg_dump: error: connection refused\n",
			status: 200, resp: "OK\n", want: &sitrep.Ping{Kind: sitrep.PingFail, Message: "pg_dump: error: connection refused"}},
		{name: "duration in seconds and size in bytes", method: "GET", target: "/ping/tok-123?duration=12.5&size=1234", status: 200, resp: "OK\n",
			want: &sitrep.Ping{Kind: sitrep.PingSuccess, Duration: 12500 * time.Millisecond, Size: 1234}},
		{name: "go duration and binary size", method: "POST", target: "/ping/tok-123?duration=1m30s&size=1.5GiB", status: 200, resp: "OK\n",
			want: &sitrep.Ping{Kind: sitrep.PingSuccess, Duration: 90 * time.Second, Size: 1610612736}},
		{name: "decimal size", method: "GET", target: "/ping/tok-123?size=12MB", status: 200, resp: "OK\n",
			want: &sitrep.Ping{Kind: sitrep.PingSuccess, Size: 12000000}},
		{name: "body capped at 10 KB", method: "POST", target: "/ping/tok-123", body: strings.Repeat("a", 20000), status: 200, resp: "OK\n",
			want: &sitrep.Ping{Kind: sitrep.PingSuccess, Message: strings.Repeat("a", 10240)}},
		{name: "unknown token", method: "GET", target: "/ping/nope", status: 404, resp: "not found\n"},
		{name: "bad duration", method: "GET", target: "/ping/tok-123?duration=soon", status: 400,
			resp: "duration: expected seconds (e.g. 12.5) or a duration (e.g. 1m30s), not negative, got \"soon\"\n"},
		{name: "negative duration", method: "GET", target: "/ping/tok-123?duration=-5", status: 400,
			resp: "duration: expected seconds (e.g. 12.5) or a duration (e.g. 1m30s), not negative, got \"-5\"\n"},
		{name: "bad size", method: "GET", target: "/ping/tok-123?size=12XB", status: 400,
			resp: "size: expected bytes (e.g. 1234) or a size such as 12MB or 1.5GiB, got \"12XB\"\n"},
		{name: "other method", method: "DELETE", target: "/ping/tok-123", status: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			res := e.do(t, tt.method, tt.target, strings.NewReader(tt.body))
			body := readBody(t, res)
			if res.StatusCode != tt.status || (tt.resp != "" || tt.method == "HEAD") && body != tt.resp {
				t.Fatalf("got %d %q, want %d %q", res.StatusCode, body, tt.status, tt.resp)
			}
			if tt.status != 405 {
				if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
					t.Errorf("Content-Type = %q", ct)
				}
			}
			got, ok := e.monitors.lastPing()
			if tt.want == nil {
				if ok {
					t.Errorf("recorded %+v, want no ping", got)
				}
				return
			}
			want := *tt.want
			want.MonitorID, want.Time, want.Source = "backup", testTime(), "192.0.2.7"
			if !ok || got != want {
				t.Errorf("recorded %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestPingServiceErrors(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		resp   string
		logged bool
	}{
		{"internal", errors.New("sql: disk I/O error"), 500, "internal error\n", true},
		{"unavailable", sitrep.Errorf(sitrep.EUNAVAILABLE, "storage is read-only"), 503, "storage is read-only\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.monitors.err = tt.err
			res := e.do(t, "GET", "/ping/tok-123", nil)
			if body := readBody(t, res); res.StatusCode != tt.status || body != tt.resp {
				t.Errorf("got %d %q, want %d %q", res.StatusCode, body, tt.status, tt.resp)
			}
			if logged := strings.Contains(e.logs.String(), "level=ERROR"); logged != tt.logged {
				t.Errorf("logged = %v, want %v", logged, tt.logged)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"1234", 1234, true}, {"1.5KB", 1500, true}, {"2kib", 2048, true},
		{"3 MiB", 3 << 20, true}, {"1TB", 1e12, true}, {"7b", 7, true},
		{"", 0, false}, {"-1", 0, false}, {"MB", 0, false}, {"1.2.3", 0, false}, {"1e3", 0, false}, {"99999999999TiB", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseSize(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("parseSize(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}
