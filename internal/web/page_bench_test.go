package web

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

// pageWeightLimit is issue 3's goal for the main page with 200 components
// and two years of history: under 60 KB gzipped.
const pageWeightLimit = 60 << 10

func TestPageWeight(t *testing.T) {
	e := newPageEnv(t, bigPage(t))
	res := e.do(t, "GET", "/", nil, "Accept-Encoding", "gzip")
	gz := readBody(t, res)
	plain := readBody(t, e.do(t, "GET", "/", nil))
	t.Logf("main page with 200 components, 2 years of history: %d KB, %d KB gzipped", len(plain)>>10, len(gz)>>10)
	if len(gz) >= pageWeightLimit {
		t.Errorf("main page is %d bytes gzipped, over the %d goal", len(gz), pageWeightLimit)
	}
}

// BenchmarkMainPage is the hot path: a visitor asking for the main page of
// an unchanged version, with gzip.
func BenchmarkMainPage(b *testing.B) {
	e := newPageEnv(b, bigPage(b))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	e.srv.ServeHTTP(httptest.NewRecorder(), req) // render once
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{header: http.Header{}}
		for pb.Next() {
			clear(w.header)
			w.status = 0
			e.srv.ServeHTTP(w, req)
		}
	})
}

// BenchmarkRenderMainPage is the cost of a new version: render and compress.
func BenchmarkRenderMainPage(b *testing.B) {
	e := newPageEnv(b, bigPage(b))
	pr := pageReq{snap: bigPage(b)}
	b.ReportAllocs()
	for b.Loop() {
		_, body, err := e.srv.renderMainPage(pr)
		if err != nil {
			b.Fatal(err)
		}
		newRendered(contentTypeHTML, body)
	}
}

// TestServeBigPageForLoad serves the 200-component page on
// SITREP_PAGE_LOAD_ADDR (e.g. 127.0.0.1:8089) for an external load tool
// such as wrk, for SITREP_PAGE_LOAD_FOR (default 60s). Skipped otherwise.
func TestServeBigPageForLoad(t *testing.T) {
	addr := os.Getenv("SITREP_PAGE_LOAD_ADDR")
	if addr == "" {
		t.Skip("set SITREP_PAGE_LOAD_ADDR to serve the big page for a load test")
	}
	d, err := time.ParseDuration(os.Getenv("SITREP_PAGE_LOAD_FOR"))
	if err != nil {
		d = time.Minute
	}
	e := newPageEnv(t, bigPage(t))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: e.srv, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln) //nolint:errcheck // ends with Close
	defer hs.Close()
	<-time.After(d)
}
