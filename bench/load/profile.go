package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"
)

// profileCPU fetches a CPU profile of sitrep from its debug listener and
// writes it to o.profile, for `go tool pprof`. It runs alongside the
// measurement; the profiler's own cost (a few percent) is inside the
// window's CPU figure, which the report notes.
func profileCPU(ctx context.Context, log *slog.Logger, r *report, o options, d time.Duration) {
	if d < time.Second {
		r.note("steady window too short for a CPU profile")
		return
	}
	r.note("a CPU profile was taken during the steady window (-profile); its cost is in the CPU figures")
	url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", o.debugAddr, int(d.Seconds()))
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		r.note("CPU profile: %v", err)
		return
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		r.note("CPU profile: %v", err)
		return
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		r.note("CPU profile: %s", res.Status)
		return
	}
	f, err := os.Create(o.profile)
	if err != nil {
		r.note("CPU profile: %v", err)
		return
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		r.note("CPU profile: %v", err)
		return
	}
	if err := f.Close(); err != nil {
		r.note("CPU profile: %v", err)
		return
	}
	log.Info("CPU profile written", "file", o.profile, "seconds", int(d.Seconds()))
}
