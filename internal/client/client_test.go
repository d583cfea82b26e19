package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/web"
)

var now = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

type fakeService struct {
	views   []sitrep.MonitorView
	results sitrep.ResultSet
	health  sitrep.Health
}

func (f *fakeService) Monitors(context.Context) ([]sitrep.MonitorView, error) { return f.views, nil }

func (f *fakeService) Monitor(_ context.Context, id string) (sitrep.MonitorView, error) {
	for _, v := range f.views {
		if v.ID == id {
			return v, nil
		}
	}
	return sitrep.MonitorView{}, sitrep.Errorf(sitrep.ENOTFOUND, "no such monitor")
}

func (f *fakeService) Results(_ context.Context, id string, from, to time.Time) (sitrep.ResultSet, error) {
	if id != f.results.MonitorID {
		return sitrep.ResultSet{}, sitrep.Errorf(sitrep.ENOTFOUND, "no such monitor")
	}
	rs := f.results
	rs.From, rs.To = from, to
	return rs, nil
}

func (f *fakeService) Ping(context.Context, string, sitrep.Ping) error { return nil }

func (f *fakeService) Health(context.Context) sitrep.Health { return f.health }

func fixture() *fakeService {
	return &fakeService{
		views: []sitrep.MonitorView{
			{ID: "a b/c", Name: "Odd id", Type: sitrep.MonitorTCP, Target: "db:5432", Interval: 1500 * time.Millisecond, State: sitrep.StateUnknown},
			{ID: "web", Name: "Website <main>", Type: sitrep.MonitorHTTP, Target: "https://example.test/", Interval: 30 * time.Second,
				State: sitrep.StateDegraded, Since: now.Add(-time.Hour),
				LastResult: &sitrep.Result{MonitorID: "web", Location: "oslo", Time: now.Add(-time.Second).Add(123 * time.Millisecond),
					Status: sitrep.ResultDegraded, Latency: 1234567 * time.Microsecond,
					Phases: sitrep.Phases{DNS: time.Millisecond, Connect: 2500 * time.Microsecond, TLS: 3 * time.Millisecond, FirstByte: 900 * time.Millisecond},
					Error:  "slow: 1.2s > 1s"}},
		},
		results: sitrep.ResultSet{
			MonitorID: "web",
			Raw: []sitrep.Result{
				{MonitorID: "web", Location: "oslo", Time: now.Add(-time.Minute), Status: sitrep.ResultUp, Latency: 12 * time.Millisecond},
				{MonitorID: "web", Location: "us-east", Time: now.Add(-30 * time.Second), Status: sitrep.ResultDown, Latency: 5 * time.Second, Error: "timeout"},
			},
			Resolution: sitrep.ResolutionHour,
			Rollups: []sitrep.Rollup{{MonitorID: "web", Resolution: sitrep.ResolutionHour, Start: now.Add(-3 * time.Hour),
				Up: 100, Degraded: 20, Down: 3, LatencySum: 120 * 15 * time.Millisecond, LatencyMin: time.Millisecond, LatencyMax: time.Second}},
		},
		health: sitrep.Health{OK: true, Monitors: 2, Usage: sitrep.Usage{Bytes: 100, Budget: 1000, DiskFree: -1}},
	}
}

// start runs the real web.Server over f and records the Authorization headers it saw.
func start(t *testing.T, f *fakeService) (*httptest.Server, *[]string) {
	t.Helper()
	srv := web.New(web.Options{Monitors: f, Health: f, Version: "test", Now: func() time.Time { return now }})
	var mu sync.Mutex
	var auth []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts, &auth
}

func TestRoundTrip(t *testing.T) {
	f := fixture()
	ts, auth := start(t, f)
	c := New(ts.URL+"/", "s3cret", ts.Client())
	ctx := context.Background()

	t.Run("monitors", func(t *testing.T) {
		got, err := c.Monitors(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, f.views) {
			t.Errorf("Monitors() =\n%+v\nwant\n%+v", got, f.views)
		}
	})
	t.Run("monitor with an id that needs escaping", func(t *testing.T) {
		got, err := c.Monitor(ctx, "a b/c")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, f.views[0]) {
			t.Errorf("Monitor() = %+v", got)
		}
	})
	t.Run("results", func(t *testing.T) {
		from, to := now.Add(-4*time.Hour), now
		got, err := c.Results(ctx, "web", from, to)
		if err != nil {
			t.Fatal(err)
		}
		want := f.results
		want.From, want.To = from, to
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Results() =\n%+v\nwant\n%+v", got, want)
		}
	})
	t.Run("results default range", func(t *testing.T) {
		got, err := c.Results(ctx, "web", time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if !got.From.Equal(now.Add(-time.Hour)) || !got.To.Equal(now) {
			t.Errorf("range = %v .. %v", got.From, got.To)
		}
	})
	t.Run("health", func(t *testing.T) {
		got, err := c.Health(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := HealthReport{Status: "ok", Storage: "writable", Disk: Disk{Bytes: 100, Budget: 1000, Free: -1}, Monitors: 2, Version: "test"}
		if got != want || !got.OK() {
			t.Errorf("Health() = %+v, want %+v", got, want)
		}
	})
	t.Run("bearer token sent", func(t *testing.T) {
		for _, a := range *auth {
			if a != "Bearer s3cret" {
				t.Errorf("Authorization = %q", a)
			}
		}
	})
}

func TestNoTokenNoHeader(t *testing.T) {
	ts, auth := start(t, fixture())
	if _, err := New(ts.URL, "", nil).Monitors(context.Background()); err != nil {
		t.Fatal(err)
	}
	if (*auth)[0] != "" {
		t.Errorf("Authorization = %q, want none", (*auth)[0])
	}
}

func TestHealthUnavailable(t *testing.T) {
	f := fixture()
	f.health = sitrep.Health{Storage: errors.New("disk full"), Usage: sitrep.Usage{Bytes: 1000, Budget: 1000, DiskFree: 0, LowDisk: true}}
	ts, _ := start(t, f)
	got, err := New(ts.URL, "", nil).Health(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := HealthReport{Status: "unavailable", Storage: "unwritable", Error: "disk full", Disk: Disk{Bytes: 1000, Budget: 1000, Low: true}, Version: "test"}
	if got != want || got.OK() {
		t.Errorf("Health() = %+v, want %+v", got, want)
	}
}

func TestErrors(t *testing.T) {
	ts, _ := start(t, fixture())
	c := New(ts.URL, "", nil)
	ctx := context.Background()

	// A port that was listening and is now closed: connection refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + ln.Addr().String()
	ln.Close()

	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>bad gateway</html>", http.StatusBadGateway)
	}))
	defer proxy.Close()

	tests := []struct {
		name     string
		call     func() error
		code     string
		field    string
		contains string
	}{
		{"not found", func() error { _, err := c.Monitor(ctx, "nope"); return err },
			sitrep.ENOTFOUND, "", `no monitor "nope"; GET /api/v1/monitors lists them`},
		{"invalid field", func() error { _, err := c.Results(ctx, "web", now, now.Add(-time.Hour)); return err },
			sitrep.EINVALID, "to", "to: must be after from"},
		{"unreachable names the URL", func() error { _, err := New(deadURL, "", nil).Monitors(ctx); return err },
			sitrep.EINTERNAL, "", "could not reach sitrep at " + deadURL + "/api/v1/monitors: dial tcp"},
		{"not sitrep's answer", func() error { _, err := New(proxy.URL, "", nil).Monitors(ctx); return err },
			sitrep.EUNAVAILABLE, "", "unexpected answer 502 Bad Gateway"},
		{"bad base URL", func() error { _, err := New("localhost:8080", "", nil).Monitors(ctx); return err },
			sitrep.EINVALID, "", `server URL "localhost:8080": expected an absolute URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil {
				t.Fatal("no error")
			}
			if got := sitrep.ErrorCode(err); got != tt.code {
				t.Errorf("code = %q, want %q (%v)", got, tt.code, err)
			}
			var e *sitrep.Error
			if errors.As(err, &e) && e.Field != tt.field {
				t.Errorf("field = %q, want %q", e.Field, tt.field)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q lacks %q", err, tt.contains)
			}
		})
	}
}
