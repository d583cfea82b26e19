package config

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"sitrep"
)

// parseEnv parses src with env as the environment. It parses small files
// both whole and one monitor at a time (stream.go) and panics when the two
// disagree, so that every test of the package checks that they agree.
func parseEnv(src string, env map[string]string) (*Config, error) {
	lookup := func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
	cfg, err := parseFrom("sitrep.yaml", []byte(src), lookup, math.MaxInt)
	streamed, streamErr := parseFrom("sitrep.yaml", []byte(src), lookup, 0)
	if !reflect.DeepEqual(cfg, streamed) || fmt.Sprint(err) != fmt.Sprint(streamErr) {
		panic(fmt.Sprintf("parsed whole and one monitor at a time differ for\n%s\nwhole: %+v, %v\nstreamed: %+v, %v", src, cfg, err, streamed, streamErr))
	}
	return cfg, err
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "# nothing yet\n", "monitors:\n", "storage:\ndefaults:\n", "defaults:\n  interval:\n", "---\nlocation: local\n"} {
		cfg, err := parseEnv(src, nil)
		if err != nil {
			t.Fatalf("parse %q: %v", src, err)
		}
		want := &Config{
			Path:     "sitrep.yaml",
			Location: "local",
			Storage:  Storage{Driver: "sqlite", Budget: 1 << 30, MinFreeDisk: 256 << 20, FlushInterval: time.Second},
			Defaults: MonitorDefaults{Interval: time.Minute, Timeout: 10 * time.Second, FailuresToDown: 2, SuccessesToUp: 1},
			Hash:     cfg.Hash,

			Incidents:            sitrep.DefaultIncidentAutomation(),
			MaintenanceReminders: []time.Duration{24 * time.Hour, time.Hour},
		}
		if !reflect.DeepEqual(cfg, want) {
			t.Errorf("parse %q =\n%+v\nwant\n%+v", src, cfg, want)
		}
	}
}

func TestParseMonitors(t *testing.T) {
	src := `
location: oslo
storage:
  driver: sqlite
  path: data/sitrep.db
  budget: 2G
  min_free_disk: 1GiB
  flush_interval: 500ms
defaults:
  interval: 30s
  failures_to_down: 3
monitors:
  - id: web
    type: http
    url: https://example.com/health
    method: post
    headers: {X-Check: sitrep}
    body: '{}'
    follow_redirects: false
    server_name: example.org
    max_body: 1MiB
    labels: {team: web}
    locations: [oslo, bergen]
    quorum: 2
    expect:
      status: [2xx, 301, 400-404]
      body_contains: ok
      body_not_contains: error
      body_regex: ^ok
      json:
        $.db: up
        $.queue.depth: "< 100"
      degraded_above: 2s
  - id: short
    type: tcp
    address: db:5432
    interval: 5s
    degraded_above: 1s
  - id: dns
    type: dns
    query: example.com
    record_type: mx
    resolver: "::1"
    protocol: TCP
    expect: mail.example.com.
    timeout: 2s
  - id: cert
    type: tls
    address: example.com
    warn_before: 2w
    down_before: 1w
  - id: ping
    type: icmp
    host: 192.0.2.1
    count: 3
    successes_to_up: 2
  - id: backup
    type: heartbeat
    every: 1d
    token: abcdefghijklmnop-_
    min_size: 100MB
    max_shrink: 50%
    max_duration: 2h
  - id: fast-job
    type: heartbeat
    every: 5m
    grace: 20s
`
	cfg, err := parseEnv(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.Abs(".")
	if cfg.Location != "oslo" {
		t.Errorf("Location = %q", cfg.Location)
	}
	wantStorage := Storage{Driver: "sqlite", Path: filepath.Join(dir, "data/sitrep.db"), Budget: 2e9, MinFreeDisk: 1 << 30, FlushInterval: 500 * time.Millisecond}
	if cfg.Storage != wantStorage {
		t.Errorf("Storage = %+v, want %+v", cfg.Storage, wantStorage)
	}
	wantDefaults := MonitorDefaults{Interval: 30 * time.Second, Timeout: 10 * time.Second, FailuresToDown: 3, SuccessesToUp: 1}
	if cfg.Defaults != wantDefaults {
		t.Errorf("Defaults = %+v, want %+v", cfg.Defaults, wantDefaults)
	}
	if len(cfg.Monitors) != 7 {
		t.Fatalf("got %d monitors, want 7", len(cfg.Monitors))
	}

	web := cfg.Monitors[0]
	if re := web.HTTP.Expect.BodyRegex; re == nil || re.String() != "^ok" {
		t.Errorf("body_regex = %v, want ^ok", re)
	}
	web.HTTP.Expect.BodyRegex = nil
	conds := web.HTTP.Expect.JSON
	web.HTTP.Expect.JSON = nil
	if len(conds) != 2 || conds[0].Source != `$.db == "up"` || conds[1].Source != `$.queue.depth < 100` {
		t.Errorf("json conditions = %+v", conds)
	}
	wantWeb := sitrep.Monitor{
		ID: "web", Name: "web", Type: sitrep.MonitorHTTP, Labels: map[string]string{"team": "web"},
		Interval: 30 * time.Second, Timeout: 10 * time.Second, FailuresToDown: 3, SuccessesToUp: 1,
		Locations: []string{"oslo", "bergen"}, Quorum: 2,
		HTTP: &sitrep.HTTPCheck{
			URL: "https://example.com/health", Method: "POST", Headers: map[string]string{"X-Check": "sitrep"}, Body: "{}",
			FollowRedirects: false, MaxRedirects: 10, ServerName: "example.org", MaxBody: 1 << 20,
			Expect: sitrep.HTTPExpect{
				Status:          []sitrep.StatusRange{{Min: 200, Max: 299}, {Min: 301, Max: 301}, {Min: 400, Max: 404}},
				BodyContains:    "ok",
				BodyNotContains: "error",
				DegradedAbove:   2 * time.Second,
			},
		},
	}
	if !reflect.DeepEqual(web, wantWeb) {
		t.Errorf("web =\n%+v\nwant\n%+v\nhttp %+v\nwant %+v", web, wantWeb, *web.HTTP, *wantWeb.HTTP)
	}

	tests := []struct {
		name string
		got  any
		want any
	}{
		{"tcp timeout clamped to interval", cfg.Monitors[1].Timeout, 5 * time.Second},
		{"tcp", *cfg.Monitors[1].TCP, sitrep.TCPCheck{Address: "db:5432", DegradedAbove: time.Second}},
		{"dns", *cfg.Monitors[2].DNS, sitrep.DNSCheck{Name: "example.com", RecordType: "MX", Resolver: "[::1]:53", Protocol: "tcp", Expect: []string{"mail.example.com."}}},
		{"dns timeout", cfg.Monitors[2].Timeout, 2 * time.Second},
		{"tls", *cfg.Monitors[3].TLS, sitrep.TLSCheck{Address: "example.com:443", ServerName: "example.com", WarnBefore: 14 * day, DownBefore: 7 * day}},
		{"icmp", *cfg.Monitors[4].ICMP, sitrep.ICMPCheck{Host: "192.0.2.1", Count: 3}},
		{"icmp successes", cfg.Monitors[4].SuccessesToUp, 2},
		{"heartbeat", *cfg.Monitors[5].Heartbeat, sitrep.HeartbeatCheck{Every: day, Grace: day / 10, Token: "abcdefghijklmnop-_", MinSize: 1e8, MaxShrink: 0.5, MaxDuration: 2 * time.Hour}},
		{"heartbeat interval", cfg.Monitors[5].Interval, time.Minute},
		{"heartbeat default grace at least 1m", cfg.Monitors[6].Heartbeat.Grace, 20 * time.Second},
		{"heartbeat interval follows grace", cfg.Monitors[6].Interval, 20 * time.Second},
		{"http defaults", cfg.Monitors[0].HTTP.MaxRedirects, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}
}

func TestHeartbeatGraceDefault(t *testing.T) {
	tests := []struct {
		every, grace, interval time.Duration
	}{
		{5 * time.Minute, time.Minute, time.Minute},
		{time.Hour, 6 * time.Minute, time.Minute},
		{24 * time.Hour, 144 * time.Minute, time.Minute},
		{2 * time.Second, time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(formatDuration(tt.every), func(t *testing.T) {
			cfg, err := parseEnv("monitors:\n- {id: hb, type: heartbeat, every: "+formatDuration(tt.every)+"}\n", nil)
			if err != nil {
				t.Fatal(err)
			}
			m := cfg.Monitors[0]
			if m.Heartbeat.Grace != tt.grace || m.Interval != tt.interval {
				t.Errorf("grace %v interval %v, want %v %v", m.Heartbeat.Grace, m.Interval, tt.grace, tt.interval)
			}
		})
	}
}

func TestParseAnchorsAndMerge(t *testing.T) {
	src := `
x-web: &web
  type: http
  interval: 20s
  expect: {status: 2xx}
monitors:
  - <<: *web
    id: a
    url: https://a.example/
  - <<: *web
    id: b
    url: https://b.example/
    interval: 40s
`
	cfg, err := parseEnv(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := []time.Duration{cfg.Monitors[0].Interval, cfg.Monitors[1].Interval}; !reflect.DeepEqual(got, []time.Duration{20 * time.Second, 40 * time.Second}) {
		t.Errorf("intervals = %v", got)
	}
	if s := cfg.Monitors[1].HTTP.Expect.Status; len(s) != 1 || s[0] != (sitrep.StatusRange{Min: 200, Max: 299}) {
		t.Errorf("merged status = %v", s)
	}
}

func TestInterpolation(t *testing.T) {
	env := map[string]string{"HOST": "example.com", "PORT": "8443", "EMPTY": "", "N": "42"}
	tests := []struct {
		name  string
		value string // YAML for the url of an http monitor
		want  string
	}{
		{"plain", "https://${HOST}/", "https://example.com/"},
		{"two", "https://${HOST}:${PORT}/", "https://example.com:8443/"},
		{"default unused", "https://${HOST:-other}/", "https://example.com/"},
		{"default used", "https://${NOPE:-fallback.example}/", "https://fallback.example/"},
		{"set but empty wins over default", "https://example.com/${EMPTY:-x}", "https://example.com/"},
		{"escape", "https://example.com/$${HOST}", "https://example.com/${HOST}"},
		{"lone dollar", "https://example.com/$x$", "https://example.com/$x$"},
		{"quoted", `"https://${HOST}/"`, "https://example.com/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseEnv("monitors:\n  - id: a\n    type: http\n    url: "+tt.value+"\n", env)
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Monitors[0].HTTP.URL; got != tt.want {
				t.Errorf("url = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("typed", func(t *testing.T) {
		cfg, err := parseEnv("monitors:\n  - id: a\n    type: http\n    url: https://x/\n    expect:\n      json:\n        $.n: ${N}\n        $.s: \"${N}\"\n", env)
		if err != nil {
			t.Fatal(err)
		}
		c := cfg.Monitors[0].HTTP.Expect.JSON
		if c[0].Value != 42.0 || c[1].Value != "42" {
			t.Errorf("values = %#v, %#v; want 42 (number) and \"42\" (string)", c[0].Value, c[1].Value)
		}
	})
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sitrep.yaml")
	if err := os.WriteFile(path, []byte("storage: {path: db/s.db}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "db/s.db"); cfg.Storage.Path != want {
		t.Errorf("Storage.Path = %q, want %q (relative to the file)", cfg.Storage.Path, want)
	}
	if len(cfg.Hash) != 64 {
		t.Errorf("Hash = %q, want 64 hex digits", cfg.Hash)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want a wrapped not-exist error", err)
	}
}

func TestErrorFormat(t *testing.T) {
	_, err := parseEnv("location: Oslo\nstorage: {budget: lots}\n", nil)
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %T is not *Errors", err)
	}
	if len(errs.List) != 2 {
		t.Fatalf("got %d errors, want 2: %v", len(errs.List), err)
	}
	if got := strings.Split(err.Error(), "\n")[1]; got != errs.List[1].Error() {
		t.Errorf("line 2 of Error() = %q, want %q", got, errs.List[1].Error())
	}
	if e := errs.List[1]; e.File != "sitrep.yaml" || e.Line != 2 || e.Col != 19 {
		t.Errorf("position = %s:%d:%d, want sitrep.yaml:2:19", e.File, e.Line, e.Col)
	}
}

// TestHeartbeatFailsOnFirstVerdict: a fail ping or a missed deadline takes
// a heartbeat down at once unless the file asks for more.
func TestHeartbeatFailsOnFirstVerdict(t *testing.T) {
	tests := []struct {
		yaml string
		want int
	}{
		{"monitors:\n  - {id: backup, type: heartbeat, every: 24h}\n", 1},
		{"monitors:\n  - {id: backup, type: heartbeat, every: 24h, failures_to_down: 3}\n", 3},
		{"defaults: {failures_to_down: 4}\nmonitors:\n  - {id: web, type: tcp, address: db:5432}\n", 4},
	}
	for _, tt := range tests {
		cfg, err := Parse("sitrep.yaml", []byte(tt.yaml))
		if err != nil {
			t.Fatalf("%q: %v", tt.yaml, err)
		}
		if got := cfg.Monitors[0].FailuresToDown; got != tt.want {
			t.Errorf("%q: failures_to_down = %d, want %d", tt.yaml, got, tt.want)
		}
	}
}
