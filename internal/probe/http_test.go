package probe

import (
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sitrep"
)

// quietLog keeps expected handshake failures out of the test output.
var quietLog = log.New(io.Discard, "", 0)

func httpMonitor(url string, edit func(*sitrep.HTTPCheck)) *sitrep.Monitor {
	h := &sitrep.HTTPCheck{URL: url, FollowRedirects: true}
	if edit != nil {
		edit(h)
	}
	return &sitrep.Monitor{ID: "web", Type: sitrep.MonitorHTTP, Timeout: 5 * time.Second, HTTP: h}
}

func TestHTTP(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "all ok") })
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "error: db down", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(60 * time.Millisecond)
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("x", 4096))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/stall-body", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusFound) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/a", http.StatusFound) })
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n+1), http.StatusMovedPermanently)
	})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusMovedPermanently) })
	mux.HandleFunc("/post-redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/echo", http.StatusSeeOther)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "method=%s ua=%s x=%s host=%s body=%s", r.Method, r.UserAgent(), r.Header.Get("X-Test"), r.Host, b)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	u := srv.URL

	tests := []struct {
		name   string
		m      *sitrep.Monitor
		status sitrep.ResultStatus
		frags  []string
	}{
		{"up", httpMonitor(u+"/ok", nil), sitrep.ResultUp, nil},
		{"wrong status default range", httpMonitor(u+"/fail", nil), sitrep.ResultDown, []string{"status 503, expected 200-399"}},
		{"wrong status exact", httpMonitor(u+"/fail", func(h *sitrep.HTTPCheck) {
			h.Expect.Status = []sitrep.StatusRange{{Min: 200, Max: 200}}
		}), sitrep.ResultDown, []string{"status 503, expected 200"}},
		{"accepted status list", httpMonitor(u+"/fail", func(h *sitrep.HTTPCheck) {
			h.Expect.Status = []sitrep.StatusRange{{Min: 200, Max: 299}, {Min: 503, Max: 503}}
		}), sitrep.ResultUp, nil},
		{"body contains", httpMonitor(u+"/ok", func(h *sitrep.HTTPCheck) { h.Expect.BodyContains = "ok" }), sitrep.ResultUp, nil},
		{"body mismatch", httpMonitor(u+"/ok", func(h *sitrep.HTTPCheck) { h.Expect.BodyContains = "healthy" }),
			sitrep.ResultDown, []string{`body does not contain "healthy"`}},
		{"body must not contain", httpMonitor(u+"/fail", func(h *sitrep.HTTPCheck) {
			h.Expect.Status = []sitrep.StatusRange{{Min: 503, Max: 503}}
			h.Expect.BodyNotContains = "error"
		}), sitrep.ResultDown, []string{`body contains "error"`}},
		{"body regex", httpMonitor(u+"/ok", func(h *sitrep.HTTPCheck) { h.Expect.BodyRegex = regexp.MustCompile(`^all \w+$`) }),
			sitrep.ResultUp, nil},
		{"body regex mismatch", httpMonitor(u+"/ok", func(h *sitrep.HTTPCheck) { h.Expect.BodyRegex = regexp.MustCompile(`^\d+$`) }),
			sitrep.ResultDown, []string{`body does not match /^\d+$/`}},
		{"slow response degraded", httpMonitor(u+"/slow", func(h *sitrep.HTTPCheck) { h.Expect.DegradedAbove = 20 * time.Millisecond }),
			sitrep.ResultDegraded, []string{"slow:", "expected under 20ms"}},
		{"endless body is cut", httpMonitor(u+"/endless", func(h *sitrep.HTTPCheck) {
			h.MaxBody = 1024
			h.Expect.BodyContains = "xxx"
		}), sitrep.ResultUp, nil},
		{"endless body mismatch", httpMonitor(u+"/endless", func(h *sitrep.HTTPCheck) { h.Expect.BodyContains = "ok" }),
			sitrep.ResultDown, []string{`body does not contain "ok" (in the first 64 KiB)`}},
		{"redirect followed", httpMonitor(u+"/old", func(h *sitrep.HTTPCheck) { h.Expect.BodyContains = "all ok" }), sitrep.ResultUp, nil},
		{"redirect not followed", httpMonitor(u+"/old", func(h *sitrep.HTTPCheck) { h.FollowRedirects = false }), sitrep.ResultUp, nil},
		{"redirect not followed judged", httpMonitor(u+"/old", func(h *sitrep.HTTPCheck) {
			h.FollowRedirects = false
			h.Expect.Status = []sitrep.StatusRange{{Min: 200, Max: 200}}
		}), sitrep.ResultDown, []string{"status 301, expected 200"}},
		{"redirect loop", httpMonitor(u+"/a", nil), sitrep.ResultDown,
			[]string{"redirect loop: " + u + "/a → " + u + "/b → " + u + "/a"}},
		{"too many redirects", httpMonitor(u+"/chain/0", func(h *sitrep.HTTPCheck) { h.MaxRedirects = 3 }), sitrep.ResultDown,
			[]string{"more than 3 redirects: " + u + "/chain/0 → " + u + "/chain/1", "/chain/4"}},
		{"post then 303 becomes get", httpMonitor(u+"/post-redirect", func(h *sitrep.HTTPCheck) {
			h.Method = "POST"
			h.Body = "payload"
			h.Expect.BodyContains = "method=GET"
		}), sitrep.ResultUp, nil},
		{"method headers body", httpMonitor(u+"/echo", func(h *sitrep.HTTPCheck) {
			h.Method = "PUT"
			h.Body = "hello"
			h.Headers = map[string]string{"X-Test": "yes", "Host": "example.test"}
			h.Expect.BodyContains = "method=PUT ua=" + UserAgent + " x=yes host=example.test body=hello"
		}), sitrep.ResultUp, nil},
		{"hang while reading headers", func() *sitrep.Monitor {
			m := httpMonitor(u+"/hang", nil)
			m.Timeout = 200 * time.Millisecond
			return m
		}(), sitrep.ResultDown, []string{"timeout after 200ms while reading headers"}},
		{"stall while reading body", func() *sitrep.Monitor {
			m := httpMonitor(u+"/stall-body", nil)
			m.Timeout = 200 * time.Millisecond
			return m
		}(), sitrep.ResultDown, []string{"timeout after 200ms while reading the body"}},
		{"server accepts and never answers", func() *sitrep.Monitor {
			m := httpMonitor("http://"+hangServer(t)+"/", nil)
			m.Timeout = 200 * time.Millisecond
			return m
		}(), sitrep.ResultDown, []string{"timeout after 200ms while reading headers"}},
		{"connection refused", httpMonitor("http://"+refusedAddr(t)+"/", nil), sitrep.ResultDown, []string{"connect: connection refused"}},
		{"connection reset", httpMonitor("http://"+resetServer(t)+"/", nil), sitrep.ResultDown, []string{"connection reset by peer"}},
		{"bad url", httpMonitor("ftp://example.com/", nil), sitrep.ResultDown, []string{`bad URL "ftp://example.com/"`}},
		{"unknown host", httpMonitor("http://no-such-host.invalid/", nil), sitrep.ResultDown, []string{"no-such-host.invalid"}},
	}
	p := newTestProber(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := probe(t, p, tc.m)
			want(t, r, tc.status, tc.frags...)
		})
	}
}

// TestHTTPRedirectCredentials checks that a redirect to another host does not
// carry the monitor's Authorization header along, while one on the same host does.
func TestHTTPRedirectCredentials(t *testing.T) {
	echo := func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "auth=%q", r.Header.Get("Authorization"))
	}
	other := httptest.NewServer(http.HandlerFunc(echo))
	t.Cleanup(other.Close)
	mux := http.NewServeMux()
	mux.HandleFunc("/same", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/echo", http.StatusFound) })
	mux.HandleFunc("/away", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, other.URL+"/echo", http.StatusFound) })
	mux.HandleFunc("/echo", echo)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	p := newTestProber(t)
	for _, tc := range []struct{ path, body string }{{"/same", `auth="Bearer s3cret"`}, {"/away", `auth=""`}} {
		t.Run(tc.path, func(t *testing.T) {
			m := httpMonitor(srv.URL+tc.path, func(h *sitrep.HTTPCheck) {
				h.Headers = map[string]string{"Authorization": "Bearer s3cret"}
				h.Expect.BodyContains = tc.body
			})
			want(t, probe(t, p, m), sitrep.ResultUp)
		})
	}
}

func TestHTTPPhases(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond)
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	r := probe(t, newTestProber(t), httpMonitor(srv.URL, nil))
	want(t, r, sitrep.ResultUp)
	if r.Phases.Connect <= 0 || r.Phases.FirstByte < 5*time.Millisecond || r.Phases.TLS != 0 {
		t.Errorf("phases = %+v", r.Phases)
	}
	if r.Latency < r.Phases.Connect+r.Phases.FirstByte {
		t.Errorf("latency %s below the sum of phases %+v", r.Latency, r.Phases)
	}

	byName := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	r = probe(t, newTestProber(t), httpMonitor(byName, nil))
	want(t, r, sitrep.ResultUp)
	if r.Phases.DNS <= 0 || r.Phases.Connect <= 0 {
		t.Errorf("phases by name = %+v", r.Phases)
	}
}

// TestHTTPFreshConnection checks that no connection is reused between checks:
// a reused one would hide a target that no longer accepts connections.
func TestHTTPFreshConnection(t *testing.T) {
	conns := make(map[string]bool)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conns[r.RemoteAddr] = true
	}))
	srv.Start()
	t.Cleanup(srv.Close)
	p := newTestProber(t)
	for range 3 {
		want(t, probe(t, p, httpMonitor(srv.URL, nil)), sitrep.ResultUp)
	}
	srv.Close()
	if len(conns) != 3 {
		t.Errorf("3 checks used %d connections", len(conns))
	}
}

func TestHTTPS(t *testing.T) {
	ca := newTestCA(t)
	good := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	good.TLS = &tls.Config{Certificates: []tls.Certificate{ca.leaf(t, time.Now().Add(90*24*time.Hour), "127.0.0.1", "svc.test")}}
	good.Config.ErrorLog = quietLog
	good.StartTLS()
	t.Cleanup(good.Close)
	expired := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	expired.TLS = &tls.Config{Certificates: []tls.Certificate{ca.leaf(t, time.Now().Add(-24*time.Hour), "127.0.0.1")}}
	expired.Config.ErrorLog = quietLog
	expired.StartTLS()
	t.Cleanup(expired.Close)
	selfSigned := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	selfSigned.Config.ErrorLog = quietLog
	selfSigned.StartTLS()
	t.Cleanup(selfSigned.Close)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(plain.Close)
	caFile := ca.file(t)

	// The self-signed server's own certificate, trusted through a CA file.
	selfFile := filepath.Join(t.TempDir(), "self.pem")
	os.WriteFile(selfFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: selfSigned.Certificate().Raw}), 0o600)

	tests := []struct {
		name   string
		m      *sitrep.Monitor
		status sitrep.ResultStatus
		frags  []string
	}{
		{"self-signed", httpMonitor(selfSigned.URL, nil), sitrep.ResultDown, []string{"x509: certificate signed by unknown authority"}},
		{"self-signed skip verify", httpMonitor(selfSigned.URL, func(h *sitrep.HTTPCheck) { h.TLSSkipVerify = true }), sitrep.ResultUp, nil},
		{"self-signed trusted by file", httpMonitor(selfSigned.URL, func(h *sitrep.HTTPCheck) { h.CAFile = selfFile }), sitrep.ResultUp, nil},
		{"private CA", httpMonitor(good.URL, func(h *sitrep.HTTPCheck) { h.CAFile = caFile }), sitrep.ResultUp, nil},
		{"private CA unknown", httpMonitor(good.URL, nil), sitrep.ResultDown, []string{"x509: certificate signed by unknown authority"}},
		{"server name", httpMonitor(good.URL, func(h *sitrep.HTTPCheck) {
			h.CAFile = caFile
			h.ServerName = "svc.test"
		}), sitrep.ResultUp, nil},
		{"wrong server name", httpMonitor(good.URL, func(h *sitrep.HTTPCheck) {
			h.CAFile = caFile
			h.ServerName = "other.test"
		}), sitrep.ResultDown, []string{"x509: certificate is valid for svc.test, not other.test"}},
		{"expired", httpMonitor(expired.URL, func(h *sitrep.HTTPCheck) { h.CAFile = caFile }), sitrep.ResultDown,
			[]string{"x509: certificate has expired or is not yet valid (valid ", " to " + time.Now().Add(-24*time.Hour).UTC().Format(time.DateOnly) + ")"}},
		{"missing CA file", httpMonitor(good.URL, func(h *sitrep.HTTPCheck) { h.CAFile = "/nonexistent/ca.pem" }), sitrep.ResultDown,
			[]string{"read CA file"}},
		{"tls handshake hangs", func() *sitrep.Monitor {
			m := httpMonitor("https://"+hangServer(t)+"/", nil)
			m.Timeout = 200 * time.Millisecond
			return m
		}(), sitrep.ResultDown, []string{"timeout after 200ms while in the TLS handshake"}},
		{"https to plain server", httpMonitor(strings.Replace(plain.URL, "http:", "https:", 1), nil), sitrep.ResultDown,
			[]string{"server gave HTTP response to HTTPS client"}},
	}
	p := newTestProber(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := probe(t, p, tc.m)
			want(t, r, tc.status, tc.frags...)
			if tc.status == sitrep.ResultUp && r.Phases.TLS <= 0 {
				t.Errorf("TLS phase = %s", r.Phases.TLS)
			}
		})
	}
}
