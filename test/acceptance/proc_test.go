package acceptance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// server is one running `sitrep serve` child process.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string // 127.0.0.1:PORT
	base string // http://addr
	out  *syncBuffer
	done chan struct{}
	err  error // set when done is closed
}

// syncBuffer collects the child's stdout and stderr, which are written from
// two goroutines while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freeAddr returns a loopback address with a port that was free a moment
// ago. sitrep's --listen would take :0, but the test needs the port before
// the banner is printed.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// cleanEnv is the test's environment without SITREP_* variables, so a
// developer's shell cannot change what the binary under test reads.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SITREP_") {
			env = append(env, kv)
		}
	}
	return env
}

// startServer runs `sitrep serve --listen ADDR args...` in dir. The process
// is killed when the test ends, whatever state it is in.
func startServer(t *testing.T, dir string, args ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	s := &server{t: t, addr: addr, base: "http://" + addr, out: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(sitrepBin, append([]string{"serve", "--listen", addr}, args...)...)
	s.cmd.Dir = dir
	s.cmd.Env = cleanEnv()
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start sitrep serve: %v", err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.kill()
		if t.Failed() {
			t.Logf("output of sitrep serve on %s:\n%s", addr, s.out.String())
		}
	})
	return s
}

func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL — no chance to flush, close or checkpoint — and waits.
func (s *server) kill() {
	if !s.exited() {
		_ = s.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-s.done
}

// stop asks for a clean shutdown and fails the test if it takes too long.
func (s *server) stop() {
	s.t.Helper()
	if s.exited() {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.t.Errorf("sitrep did not stop within 20s of SIGTERM")
		s.kill()
	}
}

func (s *server) signal(sig os.Signal) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("send %v to sitrep: %v", sig, err)
	}
}

// waitHealthy polls /healthz until it answers 200.
func (s *server) waitHealthy() {
	s.t.Helper()
	eventually(s.t, s, 20*time.Second, "/healthz answers 200", func() (bool, string) {
		code, body, err := s.get("/healthz")
		if err != nil {
			return false, err.Error()
		}
		return code == http.StatusOK, fmt.Sprintf("status %d: %s", code, body)
	})
}

var httpClient = &http.Client{Timeout: 5 * time.Second}

func (s *server) get(path string) (int, []byte, error) {
	resp, err := httpClient.Get(s.base + path)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// apiMonitor is one entry of GET /api/v1/monitors.
type apiMonitor struct {
	ID              string     `json:"id"`
	Name            string     `json:"name"`
	Type            string     `json:"type"`
	Target          string     `json:"target"`
	IntervalSeconds float64    `json:"interval_seconds"`
	State           string     `json:"state"`
	Since           *time.Time `json:"since"`
	LastResult      *struct {
		Time   time.Time `json:"time"`
		Status string    `json:"status"`
		Error  string    `json:"error"`
	} `json:"last_result"`
}

// monitors returns the API's monitor list, or an error that says why not.
func (s *server) monitors() ([]apiMonitor, error) {
	code, body, err := s.get("/api/v1/monitors")
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("GET /api/v1/monitors: status %d: %s", code, body)
	}
	var list struct {
		Monitors []apiMonitor `json:"monitors"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("GET /api/v1/monitors: decode: %v: %s", err, body)
	}
	return list.Monitors, nil
}

func ids(ms []apiMonitor) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// eventually polls cond every 25 ms until it holds, failing the test with
// cond's last explanation after limit. It stops early if the server died.
func eventually(t *testing.T, s *server, limit time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	var last string
	for {
		ok, why := cond()
		if ok {
			return
		}
		last = why
		if s != nil && s.exited() {
			t.Fatalf("waiting for %s: sitrep exited (%v); last: %s", what, s.err, last)
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: not within %s; last: %s", what, limit, last)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// writeFile writes a config file, failing the test on error.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
}
