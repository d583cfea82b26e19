package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"sitrep"
)

type overviewPage struct {
	Title    string
	Version  string
	CSS      string
	Counts   []stateCount
	Monitors []overviewRow
}

type stateCount struct {
	State sitrep.State
	N     int
}

// overviewRow holds display strings; the template only places them, and
// html/template escapes each one for its context.
type overviewRow struct {
	ID, Name, Type, Target string
	State                  sitrep.State
	Since, SinceISO        string
	Latency, Error         string
	APIPath, ResultsPath   string
}

func (s *Server) handleOverview(w http.ResponseWriter, r *http.Request) {
	s.serveRendered(w, r, &s.overviewCache, contentTypeHTML, func(dst []byte) ([]byte, error) {
		return s.renderOverview(r, dst)
	})
}

func (s *Server) renderOverview(r *http.Request, dst []byte) ([]byte, error) {
	views, err := s.monitors.Monitors(r.Context())
	if err != nil {
		return nil, err
	}
	views = sortedByID(views)
	page := overviewPage{Title: "sitrep", Version: s.version, CSS: s.cssPath, Monitors: make([]overviewRow, len(views))}
	counts := make(map[sitrep.State]int, len(sitrep.States))
	for i := range views {
		v := &views[i]
		counts[v.State]++
		page.Monitors[i] = newOverviewRow(v)
	}
	for _, st := range []sitrep.State{sitrep.StateDown, sitrep.StateDegraded, sitrep.StateUp, sitrep.StateUnknown} {
		page.Counts = append(page.Counts, stateCount{State: st, N: counts[st]})
	}

	bw := appendWriter(dst)
	if err := s.pages.ExecuteTemplate(&bw, "overview.html", page); err != nil {
		return nil, fmt.Errorf("render overview: %w", err)
	}
	return bw, nil
}

func newOverviewRow(v *sitrep.MonitorView) overviewRow {
	row := overviewRow{
		ID:          v.ID,
		Name:        v.Name,
		Type:        string(v.Type),
		Target:      v.Target,
		State:       knownState(v.State),
		Latency:     "—",
		APIPath:     "/api/v1/monitors/" + url.PathEscape(v.ID),
		ResultsPath: "/api/v1/monitors/" + url.PathEscape(v.ID) + "/results",
	}
	if row.Name == "" {
		row.Name = v.ID
	}
	if !v.Since.IsZero() {
		row.Since = v.Since.UTC().Format("2006-01-02 15:04 UTC")
		row.SinceISO = v.Since.UTC().Format(time.RFC3339)
	}
	if lr := v.LastResult; lr != nil {
		row.Latency = strconv.FormatFloat(float64(lr.Latency)/float64(time.Millisecond), 'f', 1, 64) + " ms"
		row.Error = lr.Error
	}
	return row
}

// knownState keeps the badge class to the four styled states, whatever the
// engine reports.
func knownState(st sitrep.State) sitrep.State {
	switch st {
	case sitrep.StateUp, sitrep.StateDegraded, sitrep.StateDown:
		return st
	}
	return sitrep.StateUnknown
}

// appendWriter lets a template render into a pooled byte slice.
type appendWriter []byte

func (w *appendWriter) Write(p []byte) (int, error) {
	*w = append(*w, p...)
	return len(p), nil
}
