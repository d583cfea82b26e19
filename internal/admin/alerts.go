package admin

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"sitrep"
)

const (
	alertsPerPage = 50
	// alertsMaxOffset bounds how far back the list pages. The store has no
	// offset, so every page is read from the newest alert; the API
	// (GET /api/v1/alerts?state=all) reaches further.
	alertsMaxOffset = 2000
	// openAlertsScan caps the open alerts read for one page. Hundreds of
	// alerts open at once means paging itself is the problem.
	openAlertsScan = 500
)

// alertViews are the list's filters, in the order the page offers them.
var alertViews = []struct{ Key, Label string }{
	{"open", "Open"}, {"resolved", "Resolved"}, {"all", "All"},
}

type alertsData struct {
	// Off says alerting is not configured; the page then says where it is.
	Off        bool
	ConfigFile string
	View       string
	Views      []struct{ Key, Label string }
	Alerts     []alertRow
	From, To   int
	// Prev and Next are the neighbour pages, nil at the ends.
	Prev, Next *pageRef
	// CanAck says whether this role may acknowledge.
	CanAck bool
	// PagedKnown says whether the outbox is there to tell who was paged.
	PagedKnown bool
}

// alertRow is an alert as the list and the dashboard show it.
type alertRow struct {
	sitrep.Alert
	Monitors []monitorRef
	Firing   bool   // triggered: paging and waiting for someone
	Since    string // how long ago it triggered, e.g. "20 min ago"
	AckedAgo string
	// ResolvedAgo is set for resolved alerts.
	ResolvedAgo string
	Paged       []pagedChannel
}

type monitorRef struct{ ID, Name string }

// pageRef is where a page of a list starts. (The offset goes into the
// link as a number: html/template would escape a prepared query string's
// "=" and "&" into one opaque value.)
type pageRef struct{ Offset int }

// ago is a relative time for people scanning a list; the absolute time
// stands next to it.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	if d < time.Minute {
		return "just now"
	}
	return fmtDuration(d) + " ago"
}

// alertRows turns alerts into rows, naming their monitors (an id stays
// as it is when its monitor is no longer declared).
func (u *UI) alertRows(alerts []sitrep.Alert, names map[string]string, paged map[string][]pagedChannel) []alertRow {
	now := u.now()
	rows := make([]alertRow, len(alerts))
	for i, a := range alerts {
		r := alertRow{Alert: a, Firing: a.State == sitrep.AlertTriggered, Since: ago(now, a.TriggeredAt),
			AckedAgo: ago(now, a.AckedAt), Paged: paged[a.ID]}
		if a.State == sitrep.AlertResolved {
			r.ResolvedAgo = ago(now, a.ResolvedAt)
		}
		for _, id := range a.MonitorIDs {
			name := names[id]
			if name == "" {
				name = id
			}
			r.Monitors = append(r.Monitors, monitorRef{ID: id, Name: name})
		}
		rows[i] = r
	}
	return rows
}

func (u *UI) monitorNames(ctx context.Context) (map[string]string, error) {
	mons, err := u.monitors.Monitors(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(mons))
	for _, m := range mons {
		names[m.ID] = m.Name
	}
	return names, nil
}

// openAlerts lists the open alerts, firing ones first, each group newest
// first: what still needs someone comes before what someone is on.
func (u *UI) openAlerts(ctx context.Context) ([]sitrep.Alert, error) {
	open, err := u.alerts.Alerts(ctx, sitrep.AlertFilter{OpenOnly: true, Limit: openAlertsScan})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(open, func(i, j int) bool {
		return open[i].State == sitrep.AlertTriggered && open[j].State != sitrep.AlertTriggered
	})
	return open, nil
}

// alertsQuery reads the list's query: the view and the offset. Unknown
// values are refused with the field named.
func alertsQuery(q url.Values) (view string, offset int, err error) {
	view = q.Get("state")
	switch view {
	case "":
		view = "open"
	case "open", "resolved", "all":
	default:
		return "open", 0, sitrep.FieldErrorf(sitrep.EINVALID, "state", "unknown view %q; use open, resolved or all", view)
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return view, 0, sitrep.FieldErrorf(sitrep.EINVALID, "offset", "%q is not a position in the list", v)
		}
		if n > alertsMaxOffset {
			return view, 0, sitrep.FieldErrorf(sitrep.EINVALID, "offset",
				"the list goes back %d alerts; GET /api/v1/alerts?state=all reaches older ones", alertsMaxOffset)
		}
		offset = n
	}
	return view, offset, nil
}

// loadAlerts fills d with one page of the view.
func (u *UI) loadAlerts(ctx context.Context, d *alertsData, offset int) error {
	var list []sitrep.Alert
	open, err := u.openAlerts(ctx)
	if err != nil {
		return err
	}
	if d.View != "resolved" {
		list = open
	}
	if d.View != "open" {
		// Newest first, as the store keeps them; reading the open ones
		// too leaves enough resolved ones for this page and one more row
		// to tell whether a next page exists.
		all, err := u.alerts.Alerts(ctx, sitrep.AlertFilter{Limit: len(open) + offset + alertsPerPage + 1})
		if err != nil {
			return err
		}
		isOpen := make(map[string]bool, len(open))
		for _, a := range open {
			isOpen[a.ID] = true
		}
		for _, a := range all {
			// One that resolved between the two reads is listed once, as open.
			if a.State == sitrep.AlertResolved && !isOpen[a.ID] {
				list = append(list, a)
			}
		}
	}
	more := len(list) > offset+alertsPerPage
	list = list[min(offset, len(list)):min(offset+alertsPerPage, len(list))]
	names, err := u.monitorNames(ctx)
	if err != nil {
		return err
	}
	var paged map[string][]pagedChannel
	if u.outbox != nil {
		d.PagedKnown = true
		if paged, err = u.pagedChannels(ctx, list); err != nil {
			return err
		}
	}
	d.Alerts = u.alertRows(list, names, paged)
	if len(list) > 0 {
		d.From, d.To = offset+1, offset+len(list)
	}
	if offset > 0 {
		d.Prev = &pageRef{Offset: max(0, offset-alertsPerPage)}
	}
	if more {
		d.Next = &pageRef{Offset: offset + alertsPerPage}
	}
	return nil
}

func (u *UI) newAlertsData(s *sitrep.Session, view string) alertsData {
	return alertsData{Off: u.alerts == nil, ConfigFile: u.configFile, View: view, Views: alertViews,
		CanAck: sitrep.Allowed(s.Principal.Role, sitrep.ActionAcks)}
}

func (u *UI) handleAlerts(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	view, offset, err := alertsQuery(r.URL.Query())
	d := u.newAlertsData(s, view)
	if err != nil {
		u.formFailed(w, r, s, "alerts", "Alerts", "alerts", d, err)
		return
	}
	if u.alerts != nil {
		if err := u.loadAlerts(r.Context(), &d, offset); err != nil {
			u.fail(w, r, s, err)
			return
		}
	}
	v := u.newView(s, "Alerts", "alerts", d)
	v.Notice = ackNotice(r.URL.Query().Get("done"))
	u.render(w, r, http.StatusOK, "alerts", v)
}
