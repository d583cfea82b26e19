package web

import (
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

const (
	contentTypeJSON = "application/json"
	contentTypeHTML = "text/html; charset=utf-8"

	// Below this, gzip costs more than it saves.
	gzipMinSize = 1024
	// Bodies at least this big have their compressed form cached by ETag: the
	// monitor list for a large install is megabytes and compressing it on
	// every poll would dominate the request.
	gzipCacheMinSize = 64 << 10
)

// etagOf is a weak validator: CRC-32C (hardware-accelerated, well under a
// millisecond for a multi-megabyte list) plus the length. Weak because the
// gzip and identity forms share it.
func etagOf(body []byte) string {
	b := make([]byte, 0, 32)
	b = append(b, `W/"`...)
	b = strconv.AppendUint(b, uint64(crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli))), 36)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(len(body)), 36)
	b = append(b, '"')
	return string(b)
}

// writeBody sends a rendered JSON or HTML body with an ETag, answering a
// matching If-None-Match with 304 and compressing when the client accepts it.
func (s *Server) writeBody(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	etag := ""
	if status == http.StatusOK {
		etag = etagOf(body)
	}
	s.writeTagged(w, r, status, contentType, body, etag)
}

// writeTagged is writeBody for a body whose ETag is known ("" for none).
func (s *Server) writeTagged(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte, etag string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	if h.Get("Cache-Control") == "" {
		// Clients may keep a copy but must ask whether it is still current.
		h.Set("Cache-Control", "no-cache")
	}
	h.Add("Vary", "Accept-Encoding")
	if etag != "" {
		h.Set("ETag", etag)
		if etagMatches(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if len(body) >= gzipMinSize && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		var gz []byte
		if etag != "" && len(body) >= gzipCacheMinSize {
			gz = s.gzCache.get(r.URL.Path, etag)
			if gz == nil {
				gz = s.gzip.compress(body)
				s.gzCache.put(r.URL.Path, etag, gz)
			}
		} else {
			gz = s.gzip.compress(body)
		}
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(gz)))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write(gz) //nolint:errcheck // the client went away
		}
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body) //nolint:errcheck // the client went away
	}
}

// etagMatches implements the weak comparison of If-None-Match.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimSpace(v)
		if v == "*" || strings.TrimPrefix(v, "W/") == want {
			return true
		}
	}
	return false
}

// bufferPool recycles render buffers; a 10,000-monitor list is megabytes
// and allocating it per request would feed the garbage collector.
type bufferPool struct{ pool sync.Pool }

func newBufferPool() *bufferPool { return &bufferPool{} }

func (p *bufferPool) get() *[]byte {
	if b, ok := p.pool.Get().(*[]byte); ok {
		*b = (*b)[:0]
		return b
	}
	b := make([]byte, 0, 4096)
	return &b
}

func (p *bufferPool) put(b *[]byte) {
	// A buffer that grew for a huge one-off results query is let go.
	if cap(*b) > 64<<20 {
		return
	}
	p.pool.Put(b)
}
