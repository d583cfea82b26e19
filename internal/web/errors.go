package web

import (
	"errors"
	"fmt"
	"net/http"

	"sitrep"
)

// writeError answers with {"error":{"code","message","field"}}. Internal
// errors are logged with their detail and shown to the user without it; the
// user's own mistakes are not worth a log line.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := sitrep.ErrorCode(err)
	if code == sitrep.EINTERNAL {
		s.logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	message, field := sitrep.ErrorMessage(err), ""
	var e *sitrep.Error
	if errors.As(err, &e) && e.Field != "" {
		// The message names the field too, so it reads on its own in a log or a terminal.
		field = e.Field
		message = field + ": " + message
	}
	writeErrorJSON(w, sitrep.HTTPStatus(code), code, message, field)
}

func writeErrorJSON(w http.ResponseWriter, status int, code, message, field string) {
	b := appendErrorJSON(make([]byte, 0, 128), code, message, field)
	w.Header().Set("Content-Type", contentTypeJSON)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b) //nolint:errcheck // the client went away; nothing to do
}

func appendErrorJSON(b []byte, code, message, field string) []byte {
	b = append(b, `{"error":{"code":`...)
	b = appendString(b, code)
	b = append(b, `,"message":`...)
	b = appendString(b, message)
	if field != "" {
		b = append(b, `,"field":`...)
		b = appendString(b, field)
	}
	return append(b, "}}\n"...)
}

// handleAPINotFound answers unknown API paths in JSON, like the rest of the
// API. A known path asked with the wrong method gets 405, not a 404 that
// would send the caller looking for a typo.
func (s *Server) handleAPINotFound(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		probe := r.Clone(r.Context())
		probe.Method = http.MethodGet
		if _, pattern := s.mux.Handler(probe); pattern != apiCatchAll {
			w.Header().Set("Allow", "GET, HEAD")
			writeErrorJSON(w, http.StatusMethodNotAllowed, "method_not_allowed",
				fmt.Sprintf("%s %s is not supported; use GET", r.Method, r.URL.Path), "")
			return
		}
	}
	s.writeError(w, r, sitrep.Errorf(sitrep.ENOTFOUND, "no API endpoint %s %s; the API lives under /api/v1/", r.Method, r.URL.Path))
}
