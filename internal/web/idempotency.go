package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"sitrep"
)

const (
	maxIdempotencyKey = 255
	// idempotentBodyLimit bounds what is read to fingerprint a request;
	// every create body is far smaller.
	idempotentBodyLimit = 1 << 20
	// idempotencyStaleAfter is when a reservation whose request never
	// finished (the server died mid-request) may be taken over by a retry.
	idempotencyStaleAfter = time.Minute
)

// idempotency replays the stored answer of a create retried with the same
// Idempotency-Key. A duplicate that arrives while the first is still
// running gets 409 at once rather than waiting: the client's retry loop
// already knows how to wait, and a held connection per duplicate does not
// scale. Only successful answers are kept; a failure releases the key so
// that the retry runs again.
type idempotency struct {
	s     *Server
	store sitrep.IdempotencyStore

	mu        sync.Mutex
	lastPurge time.Time
}

func (s *Server) idempotencyWrap(store sitrep.IdempotencyStore) func(string, http.Handler) http.Handler {
	creates := map[string]bool{}
	for _, rt := range apiRoutes() {
		if rt.Create {
			creates[rt.pattern()] = true
		}
	}
	id := &idempotency{s: s, store: store}
	return func(pattern string, h http.Handler) http.Handler {
		if !creates[pattern] {
			return h
		}
		return id.handler(h)
	}
}

func (id *idempotency) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(idempotencyParam)
		if key == "" {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > maxIdempotencyKey || strings.IndexFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) >= 0 {
			writeErrorJSON(w, http.StatusBadRequest, sitrep.EINVALID,
				fmt.Sprintf("%s: must be 1 to %d printable ASCII characters without spaces, e.g. a UUID", idempotencyParam, maxIdempotencyKey),
				idempotencyParam)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, idempotentBodyLimit+1))
		if err != nil {
			id.s.writeError(w, r, sitrep.Errorf(sitrep.EINVALID, "read the request body: %v", err))
			return
		}
		if len(body) > idempotentBodyLimit {
			writeErrorJSON(w, http.StatusRequestEntityTooLarge, sitrep.EINVALID, "the body is larger than 1 MiB", "")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))

		now := id.s.now()
		id.purge(r, now)
		rec := sitrep.IdempotencyRecord{Scope: idempotencyScope(r), Key: key,
			RequestHash: requestHash(r, body), CreatedAt: now}
		held, err := id.store.ReserveIdempotencyKey(r.Context(), rec, now.Add(-sitrep.IdempotencyTTL), now.Add(-idempotencyStaleAfter))
		if err != nil {
			id.s.writeError(w, r, err)
			return
		}
		switch {
		case held != nil && held.RequestHash != rec.RequestHash:
			writeErrorJSON(w, http.StatusUnprocessableEntity, "idempotency_key_reused",
				fmt.Sprintf("%s: %q was already used for a different request in the last 24 h; use a new key for a new request",
					idempotencyParam, key), idempotencyParam)
			return
		case held != nil && !held.Done:
			w.Header().Set("Retry-After", "1")
			writeErrorJSON(w, http.StatusConflict, sitrep.ECONFLICT,
				fmt.Sprintf("%s: a request with %q is still being processed; retry in a moment to get its answer", idempotencyParam, key),
				idempotencyParam)
			return
		case held != nil:
			h := w.Header()
			if held.Answer.ContentType != "" {
				h.Set("Content-Type", held.Answer.ContentType)
			}
			if held.Answer.Location != "" {
				h.Set("Location", held.Answer.Location)
			}
			h.Set("Cache-Control", "no-store")
			h.Set("Idempotent-Replayed", "true")
			w.WriteHeader(held.Answer.Status)
			w.Write(held.Answer.Body) //nolint:errcheck // the client went away
			return
		}

		rw := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
		// A client that hangs up must not stop the answer being stored:
		// its retry is exactly what the key is for.
		bg := context.WithoutCancel(r.Context())
		completed := false
		defer func() {
			if completed {
				return
			}
			// Also on a panic in next: the key must not stay reserved.
			if err := id.store.ReleaseIdempotencyKey(bg, rec.Scope, key); err != nil {
				id.s.logger.WarnContext(bg, "release idempotency key", "err", err)
			}
		}()
		next.ServeHTTP(rw, r)
		if rw.status < 200 || rw.status > 299 {
			return
		}
		answer := sitrep.IdempotencyAnswer{Status: rw.status, ContentType: rw.Header().Get("Content-Type"),
			Location: rw.Header().Get("Location"), Body: rw.body.Bytes()}
		if err := id.store.CompleteIdempotencyKey(bg, rec.Scope, key, answer); err != nil {
			// The create happened; only a retry's replay is lost.
			id.s.logger.ErrorContext(bg, "store idempotent answer", "err", err)
			return
		}
		completed = true
	})
}

// purge drops expired keys at most hourly, so the table stays a day deep
// without a job of its own.
func (id *idempotency) purge(r *http.Request, now time.Time) {
	id.mu.Lock()
	due := now.Sub(id.lastPurge) >= time.Hour
	if due {
		id.lastPurge = now
	}
	id.mu.Unlock()
	if !due {
		return
	}
	if _, err := id.store.PurgeIdempotencyKeys(r.Context(), now.Add(-sitrep.IdempotencyTTL)); err != nil {
		id.s.logger.WarnContext(r.Context(), "purge idempotency keys", "err", err)
	}
}

// idempotencyScope names the caller: the hash of its bearer token, or for
// the public subscribe route the client's address. Authentication runs
// after, so an invalid token's request is refused and its key released.
func idempotencyScope(r *http.Request) string {
	if tok, ok := bearerToken(r.Header.Get("Authorization")); ok {
		sum := sha256.Sum256([]byte(tok))
		return "token:" + hex.EncodeToString(sum[:16])
	}
	ip := sitrep.ClientIP(r.Context())
	if ip == "" {
		ip, _, _ = net.SplitHostPort(r.RemoteAddr)
	}
	return "ip:" + ip
}

func requestHash(r *http.Request, body []byte) string {
	h := sha256.New()
	io.WriteString(h, r.Method+" "+r.URL.Path+"\n") //nolint:errcheck // hashes do not fail
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// recordingWriter passes an answer through and keeps a copy of it.
type recordingWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (w *recordingWriter) WriteHeader(status int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = status, true
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.wroteHeader = true
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
