package statusengine

import (
	"context"
	"net"
	"strings"
	"sync"

	"sitrep"
)

// publisher holds the current snapshots and tells subscribers about new
// versions. Readers take only its read lock, never the engine's.
type publisher struct {
	mu    sync.RWMutex
	snaps []*published // in page order; the first is the default page
	// versions outlive pages, so that a page removed and added back by a
	// reload never reuses a version a browser may have cached.
	versions map[string]uint64
	subs     map[string]map[chan uint64]struct{}
}

type published struct {
	snap *sitrep.StatusPage
	hash uint64
}

func newPublisher() *publisher {
	return &publisher{versions: map[string]uint64{}, subs: map[string]map[chan uint64]struct{}{}}
}

// swap installs the snapshots of one rebuild. A page whose content hash is
// unchanged keeps its snapshot and version; a changed one gets the next
// version, starting from base (the build time in milliseconds), so that
// versions keep growing across restarts and ETags never repeat.
func (p *publisher) swap(next []*published, base uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	old := make(map[string]*published, len(p.snaps))
	for _, s := range p.snaps {
		old[s.snap.Page.Slug] = s
	}
	for i, n := range next {
		slug := n.snap.Page.Slug
		if o := old[slug]; o != nil && o.hash == n.hash {
			next[i] = o
			continue
		}
		v := max(p.versions[slug]+1, base)
		p.versions[slug] = v
		n.snap.Version = v
		for ch := range p.subs[slug] {
			select {
			case <-ch: // drop the version the reader has not taken: only the latest matters
			default:
			}
			select {
			case ch <- v:
			default:
			}
		}
	}
	p.snaps = next
}

// PageFor chooses the page for a request: by custom domain first, then by
// slug, "" meaning the default page.
func (e *Engine) PageFor(ctx context.Context, host, slug string) (*sitrep.StatusPage, error) {
	p := e.pub
	p.mu.RLock()
	defer p.mu.RUnlock()
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host != "" {
		for _, s := range p.snaps {
			if d := s.snap.Page.CustomDomain; d != "" && strings.EqualFold(d, host) {
				return s.snap, nil
			}
		}
	}
	for _, s := range p.snaps {
		if slug == "" || s.snap.Page.Slug == slug {
			return s.snap, nil
		}
	}
	if len(p.snaps) == 0 {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no status page is configured")
	}
	slugs := make([]string, len(p.snaps))
	for i, s := range p.snaps {
		slugs[i] = s.snap.Page.Slug
	}
	return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no status page %q, valid: %s", slug, strings.Join(slugs, ", "))
}

// Subscribe returns a channel that receives the page's version whenever it
// changes; a slow reader sees only the latest. cancel releases it.
func (e *Engine) Subscribe(slug string) (<-chan uint64, func()) {
	p := e.pub
	p.mu.Lock()
	defer p.mu.Unlock()
	if slug == "" && len(p.snaps) > 0 {
		slug = p.snaps[0].snap.Page.Slug
	}
	ch := make(chan uint64, 1)
	if p.subs[slug] == nil {
		p.subs[slug] = map[chan uint64]struct{}{}
	}
	p.subs[slug][ch] = struct{}{}
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			delete(p.subs[slug], ch)
			if len(p.subs[slug]) == 0 {
				delete(p.subs, slug)
			}
		})
	}
}
