package web

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"

	"sitrep"
)

func TestHSTS(t *testing.T) {
	fe := newFullEnv(t)
	for _, tc := range []struct {
		name, path string
		tls, proxy bool // proxy: a trusted proxy said X-Forwarded-Proto: https
		want       string
	}{
		{"TLS page", "/healthz", true, false, hstsValue},
		{"TLS API error", "/api/v1/nothing", true, false, hstsValue},
		{"plain HTTP", "/healthz", false, false, ""},
		{"HTTPS via trusted proxy", "/healthz", false, true, hstsValue},
		{"HTTPS via trusted proxy, API error", "/api/v1/nothing", false, true, hstsValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tc.path, nil)
			if tc.tls {
				req.TLS = &tls.ConnectionState{}
			}
			if tc.proxy {
				req = req.WithContext(sitrep.WithHTTPS(req.Context()))
			}
			rec := httptest.NewRecorder()
			fe.srv.ServeHTTP(rec, req)
			if got := rec.Header().Get("Strict-Transport-Security"); got != tc.want {
				t.Errorf("Strict-Transport-Security = %q; want %q", got, tc.want)
			}
			if rec.Header().Get("Content-Security-Policy") == "" {
				t.Error("the other security headers are missing")
			}
		})
	}
}

// TestHSTSOverRealTLS checks the header through a real TLS listener, where
// net/http sets r.TLS itself.
func TestHSTSOverRealTLS(t *testing.T) {
	fe := newFullEnv(t)
	ts := httptest.NewTLSServer(fe.srv)
	defer ts.Close()
	res, err := ts.Client().Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Strict-Transport-Security"); got != hstsValue {
		t.Errorf("over TLS: Strict-Transport-Security = %q", got)
	}
}
