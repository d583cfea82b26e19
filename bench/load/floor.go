package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"sitrep/internal/schedule"
)

// The floor is what the same checks cost a program that does nothing but
// the network part: a bare Go client making the same requests at the same
// rate to the same targets, each on a fresh connection (dial, GET, read the
// response, close), with no judging, no storage and no scheduler. On
// loopback the kernel work of both ends of every connection is charged to
// the client, so this is the part of sitrep's CPU per check that no code in
// sitrep can remove; the report shows both. The client runs as a child
// process so that its CPU is measured alone.

// floorEnv carries the client's job to the child: the URL file, the rate
// and how long to run.
const floorEnv = "SITREP_LOAD_FLOOR"

type floorResult struct {
	Requests     int     `json:"requests"`
	Errors       int     `json:"errors"`
	Seconds      float64 `json:"seconds"`
	CPUPerReqMS  float64 `json:"cpu_per_request_ms"`
	CPUPercent   float64 `json:"cpu_percent_one_core"`
	RequestsPerS float64 `json:"requests_per_s"`
}

// runFloor runs the bare client for d at rate requests/s over urls.
func runFloor(ctx context.Context, log *slog.Logger, dir string, urls []string, rate float64, d time.Duration) (*floorResult, error) {
	list := filepath.Join(dir, "floor-urls.txt")
	if err := os.WriteFile(list, []byte(strings.Join(urls, "\n")), 0o644); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	log.Info("floor: bare client starts", "rate", rate, "for", d)
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%g,%g", floorEnv, list, rate, d.Seconds()))
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("floor client: %w", err)
	}
	var res floorResult
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("floor client answer %q: %w", out, err)
	}
	return &res, nil
}

// floorClient is the child's whole life: make the requests, print the result.
func floorClient(job string) error {
	parts := strings.Split(job, ",")
	if len(parts) != 3 {
		return fmt.Errorf("%s: want FILE,RATE,SECONDS, got %q", floorEnv, job)
	}
	data, err := os.ReadFile(parts[0])
	if err != nil {
		return err
	}
	rate, err1 := strconv.ParseFloat(parts[1], 64)
	secs, err2 := strconv.ParseFloat(parts[2], 64)
	if err1 != nil || err2 != nil || rate <= 0 || secs <= 0 {
		return fmt.Errorf("%s: bad rate or duration in %q", floorEnv, job)
	}
	type target struct{ hostport, request string }
	var targets []target
	for _, line := range strings.Split(string(data), "\n") {
		u, err := url.Parse(line)
		if err != nil || u.Host == "" {
			continue
		}
		// Parsed once, as sitrep parses its config once.
		targets = append(targets, target{u.Host, "GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host +
			"\r\nUser-Agent: sitrep-load-floor\r\nConnection: close\r\n\r\n"})
	}
	if len(targets) == 0 {
		return fmt.Errorf("%s: no URLs", floorEnv)
	}
	var errs atomic.Int64
	one := func(t target) {
		c, err := net.DialTimeout("tcp", t.hostport, 10*time.Second)
		if err != nil {
			errs.Add(1)
			return
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, t.request); err != nil {
			errs.Add(1)
			return
		}
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			errs.Add(1)
			return
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}

	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	start := time.Now()
	n := int(rate * secs)
	var wg sync.WaitGroup
	// Paced as sitrep paces its checks (schedule.Coalesce): wake, start
	// what is due, sleep; so the floor pays for as many wake-ups as sitrep
	// does, no more and no fewer.
	tick := schedule.Coalesce
	for i := 0; i < n; {
		due := min(n, int(rate*time.Since(start).Seconds())+1)
		for ; i < due; i++ {
			wg.Add(1)
			go func(t target) {
				defer wg.Done()
				one(t)
			}(targets[i%len(targets)])
		}
		time.Sleep(tick)
	}
	wg.Wait()
	elapsed := time.Since(start)
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := rusageCPU(ru1) - rusageCPU(ru0)
	return json.NewEncoder(os.Stdout).Encode(floorResult{
		Requests: n, Errors: int(errs.Load()), Seconds: elapsed.Seconds(),
		CPUPerReqMS:  float64(cpu) / float64(time.Millisecond) / float64(n),
		CPUPercent:   100 * cpu.Seconds() / elapsed.Seconds(),
		RequestsPerS: float64(n) / elapsed.Seconds(),
	})
}
