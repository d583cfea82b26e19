package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	tests := []string{
		"", "plain", `quote " and backslash \`, "new\nline\ttab\rcr", "\x00\x01\x1f\x7f",
		"<script>&</script>", "æøå 日本 🙂", "bad \xff utf8 \xc3", "line\u2028sep\u2029para",
	}
	for _, s := range tests {
		t.Run(s, func(t *testing.T) {
			got := string(appendString(nil, s))
			want, _ := json.Marshal(s)
			if got != string(want) {
				t.Errorf("appendString(%q) = %s, encoding/json gives %s", s, got, want)
			}
		})
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\xff", "<>&", "\u2028", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("appendString(%q) = %s is not a JSON string: %v", s, b, err)
		}
		if want := strings.ToValidUTF8(s, "\uFFFD"); utf8.ValidString(s) && back != want {
			t.Fatalf("round trip of %q gave %q", s, back)
		}
	})
}

func TestAppendRFC3339(t *testing.T) {
	tests := []time.Time{
		time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2000, 2, 29, 0, 0, 0, 100, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 120000000, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(1763683200, 123456000).UTC(),
	}
	for _, tm := range tests {
		want := tm.Format(time.RFC3339Nano)
		t.Run(want, func(t *testing.T) {
			if got := string(appendRFC3339(nil, tm)); got != want {
				t.Errorf("appendRFC3339 = %s, want %s", got, want)
			}
		})
	}
}

func FuzzAppendRFC3339(f *testing.F) {
	f.Add(int64(1763683200), int64(0))
	f.Fuzz(func(t *testing.T, sec, nsec int64) {
		tm := time.Unix(sec, nsec).UTC()
		if got, want := string(appendRFC3339(nil, tm)), tm.Format(time.RFC3339Nano); got != want {
			t.Fatalf("appendRFC3339(%v) = %s, want %s", tm, got, want)
		}
	})
}

func TestAppendMillis(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.000"}, {time.Millisecond, "1.000"}, {1500 * time.Microsecond, "1.500"},
		{123456789, "123.457"}, {499, "0.000"}, {500, "0.001"}, {-2 * time.Millisecond, "-2.000"},
		{90 * time.Second, "90000.000"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := string(appendMillis(nil, tt.d)); got != tt.want {
				t.Errorf("appendMillis(%v) = %s, want %s", tt.d, got, tt.want)
			}
		})
	}
}

// BenchmarkMonitorsList serves the full list of 10,000 monitors through the
// whole handler stack, as a dashboard polling the API would see it.
func BenchmarkMonitorsList(b *testing.B) {
	for _, bc := range []struct {
		name string
		hdr  []string
	}{
		{"identity", nil},
		{"gzip", []string{"Accept-Encoding", "gzip"}},
		{"not-modified", []string{"If-None-Match", "set below"}},
		{"cached-1s", nil},
		{"cached-1s-gzip", []string{"Accept-Encoding", "gzip"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := newEnv(b)
			e.monitors.views = manyMonitors(10000)
			if strings.HasPrefix(bc.name, "cached") {
				// The steady state under a flood of polls: the TTL has not run out.
				e.srv = e.newServer(func(o *Options) { o.ListCacheTTL = time.Second })
			}
			if bc.name == "not-modified" {
				bc.hdr[1] = e.do(b, "GET", "/api/v1/monitors", nil).Header.Get("ETag")
			}
			req := httptest.NewRequest("GET", "/api/v1/monitors", nil)
			for i := 0; i+1 < len(bc.hdr); i += 2 {
				req.Header.Set(bc.hdr[i], bc.hdr[i+1])
			}
			b.ReportAllocs()
			var w discardWriter
			for b.Loop() {
				w = discardWriter{header: http.Header{}}
				e.srv.ServeHTTP(&w, req)
			}
			if w.status != 200 && w.status != 304 {
				b.Fatalf("status %d", w.status)
			}
			b.ReportMetric(float64(w.n), "bytes/resp")
		})
	}
}

// discardWriter counts what a handler writes, standing in for a socket so
// the benchmark measures the handler, not a recorder's buffer growth.
type discardWriter struct {
	header http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.header }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(200)
	w.n += len(p)
	return len(p), nil
}

// BenchmarkMonitorsListEncodingJSON is the baseline the appenders replaced:
// the same document through encoding/json with wire structs.
func BenchmarkMonitorsListEncodingJSON(b *testing.B) {
	views := manyMonitors(10000)
	type phases struct {
		DNS       float64 `json:"dns_ms"`
		Connect   float64 `json:"connect_ms"`
		TLS       float64 `json:"tls_ms"`
		FirstByte float64 `json:"first_byte_ms"`
	}
	type result struct {
		Time      time.Time `json:"time"`
		Location  string    `json:"location"`
		Status    string    `json:"status"`
		LatencyMS float64   `json:"latency_ms"`
		Phases    phases    `json:"phases"`
		Error     string    `json:"error"`
	}
	type monitor struct {
		ID         string     `json:"id"`
		Name       string     `json:"name"`
		Type       string     `json:"type"`
		Target     string     `json:"target"`
		Interval   float64    `json:"interval_seconds"`
		State      string     `json:"state"`
		Since      *time.Time `json:"since"`
		LastResult *result    `json:"last_result"`
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportAllocs()
	for b.Loop() {
		out := struct {
			Monitors []monitor `json:"monitors"`
		}{Monitors: make([]monitor, len(views))}
		for i, v := range views {
			m := monitor{ID: v.ID, Name: v.Name, Type: string(v.Type), Target: v.Target, Interval: v.Interval.Seconds(), State: string(v.State)}
			if !v.Since.IsZero() {
				s := v.Since.UTC()
				m.Since = &s
			}
			if r := v.LastResult; r != nil {
				m.LastResult = &result{Time: r.Time.UTC(), Location: r.Location, Status: r.Status.String(), LatencyMS: ms(r.Latency),
					Phases: phases{ms(r.Phases.DNS), ms(r.Phases.Connect), ms(r.Phases.TLS), ms(r.Phases.FirstByte)}, Error: r.Error}
			}
			out.Monitors[i] = m
		}
		if _, err := json.Marshal(out); err != nil {
			b.Fatal(err)
		}
	}
}
