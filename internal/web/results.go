package web

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"sitrep"
)

// defaultResultsRange is what a results query without from= covers.
const defaultResultsRange = time.Hour

func (s *Server) handleResults(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	from, to, err := s.parseRange(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rs, err := s.monitors.Results(r.Context(), id, from, to)
	if err != nil {
		s.writeError(w, r, monitorError(id, err))
		return
	}
	buf := s.bufs.get()
	defer s.bufs.put(buf)
	*buf = appendResultSet(*buf, &rs)
	s.writeBody(w, r, http.StatusOK, contentTypeJSON, *buf)
}

// parseRange reads from= and to=; missing ends default to the hour up to now.
func (s *Server) parseRange(r *http.Request) (from, to time.Time, err error) {
	q := r.URL.Query()
	to = s.now()
	if v := q.Get("to"); v != "" {
		if to, err = parseTime("to", v); err != nil {
			return from, to, err
		}
	}
	from = to.Add(-defaultResultsRange)
	if v := q.Get("from"); v != "" {
		if from, err = parseTime("from", v); err != nil {
			return from, to, err
		}
	}
	if !from.Before(to) {
		return from, to, sitrep.FieldErrorf(sitrep.EINVALID, "to", "must be after from (%s), got %s",
			from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	}
	return from.UTC(), to.UTC(), nil
}

// parseTime accepts RFC 3339 or unix seconds (fractions allowed), which is
// what people paste from `date` and what scripts compute.
func parseTime(field, v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) &&
		math.Abs(f) < 1e11 { // beyond year 5000 is a typo, and would overflow
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)), nil
	}
	return time.Time{}, sitrep.FieldErrorf(sitrep.EINVALID, field, "expected RFC 3339 time or unix seconds, got %q", v)
}
