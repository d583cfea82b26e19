package web

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestListCache(t *testing.T) {
	var mu sync.Mutex
	now := testTime()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	e := newEnv(t)
	e.srv = e.newServer(func(o *Options) { o.Now, o.ListCacheTTL = clock, time.Second })
	get := func(target string) string { return readBody(t, e.do(t, "GET", target, nil)) }

	json1, html1 := get("/api/v1/monitors"), get("/")
	e.monitors.views = e.monitors.views[:1] // the engine's view changes

	steps := []struct {
		name    string
		advance time.Duration
		fresh   bool
	}{
		{"within the TTL the rendering is reused", 999 * time.Millisecond, false},
		{"after the TTL the list is rendered again", time.Millisecond, true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			advance(st.advance)
			json2, html2 := get("/api/v1/monitors"), get("/")
			if changed := json2 != json1; changed != st.fresh {
				t.Errorf("JSON changed = %v, want %v", changed, st.fresh)
			}
			if changed := html2 != html1; changed != st.fresh {
				t.Errorf("HTML changed = %v, want %v", changed, st.fresh)
			}
			if st.fresh && strings.Count(json2, `"id":`) != 1 {
				t.Errorf("fresh list has the old monitors: %s", json2)
			}
		})
	}

	t.Run("errors are not cached", func(t *testing.T) {
		advance(time.Hour)
		e.monitors.panics = false
		e.monitors.err = errDiskGone
		if res := e.do(t, "GET", "/api/v1/monitors", nil); res.StatusCode != 500 {
			t.Fatalf("status = %d", res.StatusCode)
		}
		e.monitors.err = nil
		if res := e.do(t, "GET", "/api/v1/monitors", nil); res.StatusCode != 200 {
			t.Errorf("status after recovery = %d", res.StatusCode)
		}
	})
}

func TestListCacheConcurrent(t *testing.T) {
	e := newEnv(t)
	e.monitors.views = manyMonitors(200)
	e.srv = e.newServer(func(o *Options) { o.ListCacheTTL = time.Second })
	want := readBody(t, e.do(t, "GET", "/api/v1/monitors", nil))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if got := readBody(t, e.do(t, "GET", "/api/v1/monitors", nil, "Accept-Encoding", "identity")); got != want {
					t.Errorf("concurrent read got a different body")
					return
				}
			}
		})
	}
	wg.Wait()
}
