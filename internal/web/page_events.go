package web

import (
	"net/http"
	"strconv"
	"time"
)

// serveEvents streams the page's version as Server-Sent Events: one event
// at once (so a client that missed a change while reconnecting catches up)
// and one per change. The page script reloads what changed.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request, pr pageReq) {
	p := s.pub
	if r.Method == http.MethodHead {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		return
	}
	if p.streams.Add(1) > p.maxStreams {
		p.streams.Add(-1)
		// The page works without live updates; the script retries later.
		w.Header().Set("Retry-After", "30")
		http.Error(w, "too many live update streams; try again later", http.StatusServiceUnavailable)
		return
	}
	defer p.streams.Add(-1)

	rc := http.NewResponseController(w)
	// A stream outlives any write timeout meant for ordinary answers.
	_ = rc.SetWriteDeadline(time.Time{})
	versions, cancel := p.svc.Subscribe(pr.snap.Page.Slug)
	defer cancel()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx would otherwise hold events back
	w.WriteHeader(http.StatusOK)

	send := func(msg string) bool {
		if _, err := w.Write([]byte(msg)); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send("retry: 5000\nevent: version\ndata: " + strconv.FormatUint(pr.snap.Version, 10) + "\n\n") {
		return
	}
	tick := time.NewTicker(p.heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-p.closing:
			return
		case v, ok := <-versions:
			if !ok {
				return
			}
			if !send("event: version\ndata: " + strconv.FormatUint(v, 10) + "\n\n") {
				return
			}
		case <-tick.C:
			// A comment: keeps proxies and the browser from timing out.
			if !send(": ping\n\n") {
				return
			}
		}
	}
}
