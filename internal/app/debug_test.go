package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestDebugListener: the profiler serves on a loopback address only.
func TestDebugListener(t *testing.T) {
	a := &App{logger: slog.New(slog.DiscardHandler)}
	t.Cleanup(func() {
		for _, stop := range a.cleanups {
			_ = stop(context.Background())
		}
	})
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:6060", ":6060", "6060"} {
		if err := a.startDebug(addr); err == nil || !strings.Contains(err.Error(), "loopback") && !strings.Contains(err.Error(), "host:port") {
			t.Errorf("startDebug(%q) = %v, want a refusal naming loopback or host:port", addr, err)
		}
	}
	// Find a free loopback port, then serve there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if err := a.startDebug(addr); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get("http://" + addr + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine") {
		t.Errorf("GET /debug/pprof/: %d\n%s", res.StatusCode, body)
	}
}
