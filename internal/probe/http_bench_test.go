package probe

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sitrep"
)

// cpuTime is the CPU time (user+system) the whole process has used.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchServer(b *testing.B) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"status": "ok"}`)
	}))
	b.Cleanup(srv.Close)
	return srv.URL
}

// BenchmarkHTTPCheck runs checks one at a time against a loopback server in
// the same process; cpu-µs/check counts both sides.
func BenchmarkHTTPCheck(b *testing.B) {
	m := httpMonitor(benchServer(b), func(h *sitrep.HTTPCheck) { h.Expect.BodyContains = "ok" })
	p := newTestProber(b)
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	for b.Loop() {
		if r := p.Probe(ctx, m); r.Status != sitrep.ResultUp {
			b.Fatalf("check: %s %s", r.Status, r.Error)
		}
	}
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N)/1e3, "cpu-µs/check")
}

// BenchmarkHTTPCheckConcurrent runs checks from 50 workers, as a scheduler
// would, and reports process CPU per check (client and server).
func BenchmarkHTTPCheckConcurrent(b *testing.B) {
	benchConcurrent(b, benchServer(b))
}

// BenchmarkHTTPCheckExternal is BenchmarkHTTPCheckConcurrent with the target
// in another process, so cpu-µs/check is what sitrep itself spends.
func BenchmarkHTTPCheckExternal(b *testing.B) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), benchServeEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("read server address: %v", err)
	}
	benchConcurrent(b, "http://"+addr[:len(addr)-1]+"/")
}

// benchServeEnv makes the test binary serve HTTP for BenchmarkHTTPCheckExternal
// until its stdin closes.
const benchServeEnv = "SITREP_PROBE_BENCH_SERVE"

func TestMain(m *testing.M) {
	if os.Getenv(benchServeEnv) == "1" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			os.Exit(1)
		}
		os.Stdout.WriteString(ln.Addr().String() + "\n")
		go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"status": "ok"}`)
		}))
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func benchConcurrent(b *testing.B, url string) {
	m := httpMonitor(url, func(h *sitrep.HTTPCheck) { h.Expect.BodyContains = "ok" })
	p := newTestProber(b)
	ctx := context.Background()
	const workers = 50
	b.ReportAllocs()
	var next atomic.Int64
	var failed atomic.Value
	cpu0 := cpuTime(b)
	b.ResetTimer()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				if r := p.Probe(ctx, m); r.Status != sitrep.ResultUp {
					failed.Store(r.Error)
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if e := failed.Load(); e != nil {
		b.Fatalf("check failed: %s", e)
	}
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N)/1e3, "cpu-µs/check")
}
