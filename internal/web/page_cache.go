package web

import (
	"sync"

	"sitrep"
)

// rendered is one answer of a page, ready to send.
type rendered struct {
	contentType string
	body        []byte
	gz          []byte // nil when too small to be worth it
	etag        string
}

// maxRenderedPerVersion bounds the renderings kept for one page version:
// incident pages are rendered on demand, and a crawler walking years of
// history must not grow memory without end.
const maxRenderedPerVersion = 4096

// renderedPages keeps the renderings of the current version of each page.
// A new version drops the old renderings at once.
type renderedPages struct {
	mu    sync.Mutex
	pages map[string]*versionRenders // by slug
}

type versionRenders struct {
	version uint64
	mu      sync.Mutex
	items   map[string]*renderSlot
}

// renderSlot renders once however many requests arrive together.
type renderSlot struct {
	once sync.Once
	out  *rendered
	err  error
}

func (c *renderedPages) get(pr pageReq, key string, render renderFunc) (*rendered, error) {
	vr := c.version(pr.snap)
	key = pr.base + "|" + key
	vr.mu.Lock()
	slot, ok := vr.items[key]
	if !ok {
		slot = &renderSlot{}
		if len(vr.items) < maxRenderedPerVersion {
			vr.items[key] = slot
		}
	}
	vr.mu.Unlock()
	slot.once.Do(func() {
		ct, body, err := render(pr)
		if err != nil {
			slot.err = err
			return
		}
		slot.out = newRendered(ct, body)
	})
	return slot.out, slot.err
}

func (c *renderedPages) version(snap *sitrep.StatusPage) *versionRenders {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil {
		c.pages = make(map[string]*versionRenders)
	}
	vr := c.pages[snap.Page.Slug]
	if vr != nil && snap.Version < vr.version {
		// A request that loaded the snapshot just before a change: serve
		// it without evicting the newer renderings.
		return &versionRenders{version: snap.Version, items: make(map[string]*renderSlot)}
	}
	if vr == nil || vr.version != snap.Version {
		vr = &versionRenders{version: snap.Version, items: make(map[string]*renderSlot)}
		c.pages[snap.Page.Slug] = vr
	}
	return vr
}

// newRendered tags and precompresses a body. Best compression: it is paid
// once per version and every visitor gets the smaller page.
func newRendered(contentType string, body []byte) *rendered {
	out := &rendered{contentType: contentType, body: body, etag: etagOf(body)}
	if len(body) >= gzipMinSize {
		out.gz = gzipBest(body)
	}
	return out
}
