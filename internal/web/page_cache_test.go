package web

import (
	"sync"
	"sync/atomic"
	"testing"

	"sitrep"
)

func TestRenderedPages(t *testing.T) {
	var c renderedPages
	var renders atomic.Int32
	render := func(pr pageReq) (string, []byte, error) {
		renders.Add(1)
		return "text/plain", []byte("v" + string(rune('0'+pr.snap.Version))), nil
	}
	snap := func(v uint64) pageReq {
		return pageReq{snap: &sitrep.StatusPage{Version: v, Page: sitrep.Page{Slug: "main"}}}
	}

	// Many requests at once render once.
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if out, err := c.get(snap(1), "page", render); err != nil || string(out.body) != "v1" {
				t.Errorf("got %v, %v", out, err)
			}
		})
	}
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Errorf("%d renders for one version, want 1", n)
	}

	// A new version renders anew; a late request with the old snapshot is
	// served without evicting it.
	out2, _ := c.get(snap(2), "page", render)
	old, _ := c.get(snap(1), "page", render)
	again, _ := c.get(snap(2), "page", render)
	if string(out2.body) != "v2" || string(old.body) != "v1" || again != out2 {
		t.Errorf("v2 %q, old %q, v2 again is cached: %v", out2.body, old.body, again == out2)
	}
	if n := renders.Load(); n != 3 {
		t.Errorf("%d renders, want 3", n)
	}
	// Different link prefixes are different renderings.
	pr := snap(2)
	pr.base = "/main"
	if _, err := c.get(pr, "page", render); err != nil || renders.Load() != 4 {
		t.Errorf("the /main/ rendering reused the / one")
	}
	if out2.etag == "" || out2.gz != nil {
		t.Errorf("small body: etag %q, gz %d bytes", out2.etag, len(out2.gz))
	}
}
