package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sitrep/internal/app"
)

// runCLI runs one sitrep command in-process and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheck(t *testing.T) {
	good := writeFile(t, "good.yaml", "monitors:\n  - {id: web, type: http, url: http://127.0.0.1:1/}\n")
	bad := writeFile(t, "bad.yaml", "monitors:\n  - {id: web, type: htp, url: http://127.0.0.1:1/}\n  - {id: db, type: tcp, adress: db:5432}\n")
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     []string
		stderr     []string
		stderrNone string
	}{
		{"valid file", []string{"check", "--config", good}, 0, []string{"good.yaml: ok (1 monitors)"}, nil, ""},
		{"every problem with its position", []string{"check", "--config", bad}, 1, nil,
			[]string{"bad.yaml:2:", "htp", "bad.yaml:3:", "did you mean address?", "3 problem(s) found"}, ""},
		{"missing file", []string{"check", "--config", filepath.Join(t.TempDir(), "nope.yaml")}, 1, nil, []string{"nope.yaml"}, ""},
		{"unknown command", []string{"chek"}, 2, nil, []string{`unknown command "chek"`, "usage: sitrep"}, ""},
		{"stray argument", []string{"check", "extra"}, 2, nil, []string{`unexpected argument "extra"`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}

func TestConfigSchemaIsJSON(t *testing.T) {
	code, stdout, stderr := runCLI(t, "config", "schema")
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	var schema map[string]any
	if err := json.Unmarshal([]byte(stdout), &schema); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	if _, ok := schema["properties"]; !ok {
		t.Errorf("schema has no properties: %.200s", stdout)
	}
}

func TestStatusAgainstARunningServer(t *testing.T) {
	cfg := writeFile(t, "sitrep.yaml", "monitors:\n  - {id: nothing-listens, type: tcp, address: 127.0.0.1:1, interval: 1h}\n")
	a := app.New(app.Options{ConfigPath: cfg, DataDir: t.TempDir(), Listen: "127.0.0.1:0", WatchInterval: -1})
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer a.Stop(context.Background())

	code, stdout, stderr := runCLI(t, "status", "--url", "http://"+a.Addr().String())
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	for _, want := range []string{"server:   ok", "storage:", "budget", "monitors: 1", "STATE", "nothing-listens", "127.0.0.1:1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("status output lacks %q:\n%s", want, stdout)
		}
	}

	code, _, stderr = runCLI(t, "status", "--url", "http://127.0.0.1:1")
	if code != 1 || !strings.Contains(stderr, "127.0.0.1:1") {
		t.Errorf("status against nothing: exit %d, stderr %q; want 1 naming the URL", code, stderr)
	}
}

func TestMonitorsShowsHeartbeatPingURL(t *testing.T) {
	cfg := writeFile(t, "sitrep.yaml", "monitors:\n  - {id: backup, type: heartbeat, every: 24h, grace: 2h, token: pinned-token-0123456789}\n")
	code, stdout, stderr := runCLI(t, "monitors", "--config", cfg, "--data", t.TempDir(), "--url", "https://status.example.com/")
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "https://status.example.com/ping/pinned-token-0123456789") {
		t.Errorf("monitors output lacks the ping URL:\n%s", stdout)
	}
}

// TestHelpNeverPrintsTheToken: -h shows defaults, and a token from the
// environment is not one of them.
func TestHelpNeverPrintsTheToken(t *testing.T) {
	t.Setenv("SITREP_TOKEN", "sitrep_secret-token-value")
	for _, cmd := range [][]string{{"status", "-h"}, {"incident", "list", "-h"}} {
		_, stdout, stderr := runCLI(t, cmd...)
		if strings.Contains(stdout+stderr, "secret-token-value") {
			t.Errorf("sitrep %s prints the token:\n%s%s", strings.Join(cmd, " "), stdout, stderr)
		}
	}
}
