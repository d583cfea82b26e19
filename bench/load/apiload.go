package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// apiLoadResult describes a burst of GET /api/v1/monitors.
type apiLoadResult struct {
	Tool        string  `json:"tool"`
	Connections int     `json:"connections"`
	Seconds     float64 `json:"seconds"`
	Requests    int64   `json:"requests"`
	Errors      int64   `json:"errors"`
	ReqPerSec   float64 `json:"req_per_sec"`
	P50MS       float64 `json:"p50_ms"`
	P90MS       float64 `json:"p90_ms"`
	P99MS       float64 `json:"p99_ms"`
	MaxMS       float64 `json:"max_ms"`
	BodyBytes   int64   `json:"body_bytes,omitempty"`
}

// hammer runs `conns` closed-loop clients against url until ctx ends. It uses
// wrk when asked and installed because wrk costs far less CPU per request
// than a Go client sharing the harness's cores with the targets.
func hammer(ctx context.Context, tool, url string, conns int, d time.Duration) (apiLoadResult, error) {
	if tool == "wrk" || tool == "auto" {
		if path, err := exec.LookPath("wrk"); err == nil {
			return runWrk(ctx, path, url, conns, d)
		} else if tool == "wrk" {
			return apiLoadResult{}, fmt.Errorf("api load: wrk not installed (apt-get install -y wrk): %w", err)
		}
	}
	return goLoad(ctx, url, conns, d), nil
}

func goLoad(ctx context.Context, url string, conns int, d time.Duration) apiLoadResult {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	tr := &http.Transport{MaxIdleConnsPerHost: conns, DisableCompression: false}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var (
		mu        sync.Mutex
		lat       []time.Duration
		errs      int64
		bodyBytes int64
		wg        sync.WaitGroup
	)
	start := time.Now()
	for range conns {
		wg.Go(func() {
			var mine []time.Duration
			var myErrs int64
			for ctx.Err() == nil {
				t0 := time.Now()
				n, err := get(ctx, client, url)
				if ctx.Err() != nil {
					break
				}
				if err != nil {
					myErrs++
					continue
				}
				mine = append(mine, time.Since(t0))
				mu.Lock()
				bodyBytes = n
				mu.Unlock()
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += myErrs
			mu.Unlock()
		})
	}
	wg.Wait()
	el := time.Since(start)
	r := summarize(lat)
	r.Tool, r.Connections, r.Seconds, r.Errors, r.BodyBytes = "go", conns, el.Seconds(), errs, bodyBytes
	r.ReqPerSec = float64(r.Requests) / el.Seconds()
	return r
}

func get(ctx context.Context, client *http.Client, url string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return n, err
	}
	if resp.StatusCode != http.StatusOK {
		return n, fmt.Errorf("status %d", resp.StatusCode)
	}
	return n, nil
}

func summarize(lat []time.Duration) apiLoadResult {
	r := apiLoadResult{Requests: int64(len(lat))}
	if len(lat) == 0 {
		return r
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pick := func(q float64) float64 { return ms(lat[min(len(lat)-1, int(q*float64(len(lat))))]) }
	r.P50MS, r.P90MS, r.P99MS, r.MaxMS = pick(0.5), pick(0.9), pick(0.99), ms(lat[len(lat)-1])
	return r
}

var (
	wrkReqSec  = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkTotal   = regexp.MustCompile(`(\d+) requests in ([0-9.]+)(\w+)`)
	wrkPct     = regexp.MustCompile(`(?m)^\s+(50|90|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkMax     = regexp.MustCompile(`Latency\s+\S+\s+\S+\s+([0-9.]+)(us|ms|s)`)
	wrkErrors  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSockErr = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

func runWrk(ctx context.Context, path, url string, conns int, d time.Duration) (apiLoadResult, error) {
	secs := max(1, int(d.Seconds()))
	threads := min(2, conns)
	cmd := exec.CommandContext(ctx, path, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", strconv.Itoa(secs)+"s", "--timeout", "30s", "--latency", url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return apiLoadResult{}, fmt.Errorf("run wrk: %w\n%s", err, out)
	}
	return parseWrk(string(out), conns, secs)
}

// parseWrk reads the parts of wrk's --latency report the harness shows.
func parseWrk(out string, conns, secs int) (apiLoadResult, error) {
	r := apiLoadResult{Tool: "wrk", Connections: conns, Seconds: float64(secs)}
	m := wrkReqSec.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("parse wrk output: no Requests/sec line in:\n%s", out)
	}
	r.ReqPerSec, _ = strconv.ParseFloat(m[1], 64)
	if m := wrkTotal.FindStringSubmatch(out); m != nil {
		r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
	}
	for _, m := range wrkPct.FindAllStringSubmatch(out, -1) {
		v := unitMS(m[2], m[3])
		switch m[1] {
		case "50":
			r.P50MS = v
		case "90":
			r.P90MS = v
		case "99":
			r.P99MS = v
		}
	}
	if m := wrkMax.FindStringSubmatch(out); m != nil {
		r.MaxMS = unitMS(m[1], m[2])
	}
	if m := wrkErrors.FindStringSubmatch(out); m != nil {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		r.Errors += n
	}
	if m := wrkSockErr.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			r.Errors += n
		}
	}
	return r, nil
}

func unitMS(v, unit string) float64 {
	f, _ := strconv.ParseFloat(v, 64)
	switch strings.ToLower(unit) {
	case "us":
		return f / 1000
	case "s":
		return f * 1000
	}
	return f
}

// oneShot times n sequential GETs of url on a fresh client each, as a user's
// first look at the list would be.
func oneShot(ctx context.Context, url string, n int) (apiLoadResult, error) {
	var lat []time.Duration
	var size int64
	for range n {
		client := &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}
		t0 := time.Now()
		b, err := get(ctx, client, url)
		if err != nil {
			return apiLoadResult{}, fmt.Errorf("time GET %s: %w", url, err)
		}
		lat = append(lat, time.Since(t0))
		size = b
		client.CloseIdleConnections()
	}
	r := summarize(lat)
	r.Tool, r.Connections, r.BodyBytes = "sequential", 1, size
	return r, nil
}
