package web

import (
	"sync"
	"time"
)

// renderCache holds one rendering for a short time. Requests that arrive
// while it is being rebuilt wait for it instead of rendering in parallel,
// so a burst of polls costs one rendering, not one each.
type renderCache struct {
	mu   sync.Mutex
	body []byte // never modified once stored: writers of older requests may still hold it
	etag string
	at   time.Time
	ok   bool
}

func (c *renderCache) get(now time.Time, ttl time.Duration, render func(dst []byte) ([]byte, error)) (body []byte, etag string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if age := now.Sub(c.at); c.ok && age >= 0 && age < ttl {
		return c.body, c.etag, nil
	}
	// A fresh slice, sized like the last one, since the old body may still be in flight.
	body, err = render(make([]byte, 0, len(c.body)+len(c.body)/8))
	if err != nil {
		c.ok = false
		return nil, "", err
	}
	c.body, c.etag, c.at, c.ok = body, etagOf(body), now, true
	return c.body, c.etag, nil
}
