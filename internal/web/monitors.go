package web

import (
	"net/http"
	"slices"
	"strings"

	"sitrep"
)

func (s *Server) handleMonitors(w http.ResponseWriter, r *http.Request) {
	render := func(dst []byte) ([]byte, error) {
		views, err := s.monitors.Monitors(r.Context())
		if err != nil {
			return nil, err
		}
		return appendMonitorList(dst, sortedByID(views)), nil
	}
	s.serveRendered(w, r, &s.listCache, contentTypeJSON, render)
}

// serveRendered renders a list page, reusing a rendering younger than the
// list TTL when one is set, and a pooled buffer when not.
func (s *Server) serveRendered(w http.ResponseWriter, r *http.Request, c *renderCache, contentType string, render func(dst []byte) ([]byte, error)) {
	if s.listTTL > 0 {
		body, etag, err := c.get(s.now(), s.listTTL, render)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.writeTagged(w, r, http.StatusOK, contentType, body, etag)
		return
	}
	buf := s.bufs.get()
	defer s.bufs.put(buf)
	body, err := render(*buf)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	*buf = body
	s.writeBody(w, r, http.StatusOK, contentType, body)
}

func (s *Server) handleMonitor(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	v, err := s.monitors.Monitor(r.Context(), id)
	if err != nil {
		s.writeError(w, r, monitorError(id, err))
		return
	}
	buf := s.bufs.get()
	defer s.bufs.put(buf)
	*buf = append(appendMonitor(*buf, &v), '\n')
	s.writeBody(w, r, http.StatusOK, contentTypeJSON, *buf)
}

// monitorError gives every "no such monitor" the same message, one that
// says where the valid ids are, whatever words the service used.
func monitorError(id string, err error) error {
	if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
		return sitrep.Errorf(sitrep.ENOTFOUND, "no monitor %q; GET /api/v1/monitors lists them", id)
	}
	return err
}

// sortedByID returns views ordered by id. The engine usually hands them out
// sorted already; checking costs one pass, and an unsorted slice is copied
// rather than sorted in place because it may be shared with the engine.
func sortedByID(views []sitrep.MonitorView) []sitrep.MonitorView {
	cmp := func(a, b sitrep.MonitorView) int { return strings.Compare(a.ID, b.ID) }
	if slices.IsSortedFunc(views, cmp) {
		return views
	}
	views = slices.Clone(views)
	slices.SortFunc(views, cmp)
	return views
}
