package web

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sitrep"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// env is a Server over fakes, with the log captured.
type env struct {
	srv      *Server
	monitors *fakeMonitors
	health   *fakeHealth
	logs     *syncBuffer
}

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

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{
		monitors: &fakeMonitors{
			views:   fixtureMonitors(),
			results: fixtureResults(),
			tokens:  map[string]string{"tok-123": "backup"},
		},
		health: &fakeHealth{h: sitrep.Health{OK: true, Monitors: 4,
			Usage: sitrep.Usage{Bytes: 1 << 20, Budget: 1 << 30, DiskFree: 50 << 30}}},
		logs: &syncBuffer{},
	}
	e.srv = e.newServer(nil)
	return e
}

// newServer builds the env's server; edit adjusts the options first.
func (e *env) newServer(edit func(*Options)) *Server {
	opts := Options{
		Logger:   slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Monitors: e.monitors,
		Health:   healthFunc(func() sitrep.Health { return e.health.h }),
		Version:  "1.2.3-test",
		Now:      testTime,
	}
	if edit != nil {
		edit(&opts)
	}
	return New(opts)
}

type healthFunc func() sitrep.Health

func (f healthFunc) Health(context.Context) sitrep.Health { return f() }

func (e *env) do(t testing.TB, method, target string, body io.Reader, hdr ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = "192.0.2.7:54321"
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec.Result()
}

func readBody(t testing.TB, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file; run go test -update if the change is intended\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

// indentJSON makes JSON goldens readable and diffable, and proves the body parses.
func indentJSON(t *testing.T, body string) string {
	t.Helper()
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(strings.TrimSpace(body)), "", "  "); err != nil {
		t.Fatalf("response is not valid JSON: %v\n%s", err, body)
	}
	return out.String() + "\n"
}
