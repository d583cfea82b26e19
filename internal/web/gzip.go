package web

import (
	"bytes"
	"compress/gzip"
	"strconv"
	"strings"
	"sync"
)

// acceptsGzip reports whether Accept-Encoding allows gzip (and does not
// refuse it with q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		if !ok {
			return true
		}
		v, err := strconv.ParseFloat(q, 64)
		return err == nil && v > 0
	}
	return false
}

// compressor reuses gzip writers: each carries hundreds of KB of state.
type compressor struct{ pool sync.Pool }

func (c *compressor) compress(body []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(body) / 4)
	zw, _ := c.pool.Get().(*gzip.Writer)
	if zw == nil {
		// BestSpeed: JSON compresses ~10x even so, and latency matters more
		// than the last few percent.
		zw, _ = gzip.NewWriterLevel(&out, gzip.BestSpeed)
	} else {
		zw.Reset(&out)
	}
	zw.Write(body) //nolint:errcheck // writes to a bytes.Buffer do not fail
	zw.Close()     //nolint:errcheck // as above
	c.pool.Put(zw)
	return out.Bytes()
}

// gzipCache keeps the compressed form of large bodies per path, keyed by
// ETag, so that repeated polls of an unchanged list compress once.
type gzipCache struct {
	mu      sync.Mutex
	max     int
	entries map[string]gzipEntry
}

type gzipEntry struct {
	etag string
	gz   []byte
}

func newGzipCache(max int) *gzipCache {
	return &gzipCache{max: max, entries: make(map[string]gzipEntry)}
}

func (c *gzipCache) get(path, etag string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[path]; ok && e.etag == etag {
		return e.gz
	}
	return nil
}

func (c *gzipCache) put(path, etag string, gz []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[path]; !ok && len(c.entries) >= c.max {
		// Crude but bounded: large bodies come from a handful of paths.
		clear(c.entries)
	}
	c.entries[path] = gzipEntry{etag: etag, gz: gz}
}
