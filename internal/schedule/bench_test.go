package schedule

import (
	"context"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sitrep"
)

// BenchmarkSchedule50k measures the scheduler's own cost for 50,000
// monitors with a 60 s interval: each op is one second of schedule (about
// 833 checks dispatched, run as no-ops, and rescheduled).
func BenchmarkSchedule50k(b *testing.B) {
	const n = 50000
	h := newHarness(b, Options{})
	h.s.Update(monitors(n, time.Minute, func(i int) string { return fmt.Sprintf("10.%d.%d.%d", i/65536, i/256%256, i%256) }))
	h.settle(0)
	// One warm-up minute, so that every monitor is past its first run.
	h.step(time.Minute, time.Second, 0)
	startedBefore := h.s.Stats().Started
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		h.clock.Advance(time.Second)
		h.settle(0)
	}
	b.StopTimer()
	checks := h.s.Stats().Started - startedBefore
	b.ReportMetric(float64(checks)/float64(b.N), "checks/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(checks), "ns/check")
}

// BenchmarkRealClockCPU runs 50,000 monitors on the wall clock with a 5 s
// interval (10,000 checks/s, ten times a 60 s fleet's rate) and reports
// the process CPU time spent per check; the checks are no-ops, so this is
// the scheduler's own cost. Each op is one second.
func BenchmarkRealClockCPU(b *testing.B) {
	var done atomic.Int64
	s := New(Options{Run: func(context.Context, *sitrep.Monitor, time.Time) { done.Add(1) }})
	s.Update(monitors(50000, 5*time.Second, func(i int) string { return fmt.Sprintf("10.%d.%d.%d", i/65536, i/256%256, i%256) }))
	s.Start(context.Background())
	defer func() { _ = s.Stop(context.Background()) }()
	time.Sleep(5 * time.Second) // past the first, uneven interval
	before, cpu0 := done.Load(), cpuTime(b)
	b.ResetTimer()
	for range b.N {
		time.Sleep(time.Second)
	}
	b.StopTimer()
	checks := done.Load() - before
	b.ReportMetric(float64(checks)/float64(b.N), "checks/op")
	b.ReportMetric(float64((cpuTime(b)-cpu0).Nanoseconds())/float64(checks), "cpu-ns/check")
	if st := s.Stats(); st.Skipped > 0 {
		b.Logf("skipped %d runs", st.Skipped)
	}
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
