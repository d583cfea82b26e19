package admin

import (
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"

	"sitrep"
)

type monitorFilter struct {
	State string
	Type  string
	Q     string
}

type monitorsData struct {
	Filter   monitorFilter
	States   []sitrep.State
	Types    []sitrep.MonitorType
	Monitors []sitrep.MonitorView
	Total    int
}

func (f monitorFilter) match(m *sitrep.MonitorView) bool {
	if f.State != "" && string(m.State) != f.State {
		return false
	}
	if f.Type != "" && string(m.Type) != f.Type {
		return false
	}
	if f.Q != "" {
		q := strings.ToLower(f.Q)
		if !strings.Contains(strings.ToLower(m.Name), q) && !strings.Contains(strings.ToLower(m.ID), q) &&
			!strings.Contains(strings.ToLower(m.Target), q) {
			return false
		}
	}
	return true
}

func (u *UI) handleMonitors(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	q := r.URL.Query()
	d := monitorsData{
		Filter: monitorFilter{State: q.Get("state"), Type: q.Get("type"), Q: strings.TrimSpace(q.Get("q"))},
		States: sitrep.States, Types: sitrep.MonitorTypes,
	}
	mons, err := u.monitors.Monitors(r.Context())
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	d.Total = len(mons)
	for i := range mons {
		if d.Filter.match(&mons[i]) {
			d.Monitors = append(d.Monitors, mons[i])
		}
	}
	sort.SliceStable(d.Monitors, func(i, j int) bool { return d.Monitors[i].Name < d.Monitors[j].Name })
	u.render(w, r, http.StatusOK, "monitors", u.newView(s, "Monitors", "monitors", d))
}

// chartRanges are the ranges a monitor's page offers.
var chartRanges = []struct {
	Key   string
	Label string
	Span  time.Duration
}{
	{"1h", "1 hour", time.Hour},
	{"24h", "24 hours", 24 * time.Hour},
	{"7d", "7 days", 7 * 24 * time.Hour},
	{"30d", "30 days", 30 * 24 * time.Hour},
}

type monitorData struct {
	Monitor    sitrep.MonitorView
	Range      string
	Ranges     []string
	RangeNames map[string]string
	Chart      template.HTML
	Table      []bucket
	Days       []dayRow
	Errors     []sitrep.Result
	Phases     []phaseRow
	Declared   *sitrep.Monitor
	ConfigFile string
}

const uptimeDays = 14

func (u *UI) handleMonitor(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	ctx := r.Context()
	id := r.PathValue("id")
	m, err := u.monitors.Monitor(ctx, id)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	d := monitorData{Monitor: m, Range: "24h", RangeNames: map[string]string{}, ConfigFile: u.configFile}
	span := 24 * time.Hour
	for _, cr := range chartRanges {
		d.Ranges = append(d.Ranges, cr.Key)
		d.RangeNames[cr.Key] = cr.Label
		if r.URL.Query().Get("range") == cr.Key {
			d.Range, span = cr.Key, cr.Span
		}
	}
	now := u.now()
	rs, err := u.monitors.Results(ctx, id, now.Add(-span), now)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	d.Chart = latencyChart(&rs, "Response time of "+m.Name+", last "+d.RangeNames[d.Range], u.loc)
	for _, b := range bucketize(&rs, chartTableRows) {
		if b.Count() > 0 {
			d.Table = append(d.Table, b)
		}
	}
	days := rs
	if span < uptimeDays*24*time.Hour {
		if days, err = u.monitors.Results(ctx, id, now.AddDate(0, 0, -uptimeDays), now); err != nil {
			u.fail(w, r, s, err)
			return
		}
	}
	d.Days = uptimeByDay(&days, u.loc, uptimeDays, now)
	for i := len(rs.Raw) - 1; i >= 0 && len(d.Errors) < 20; i-- {
		if rs.Raw[i].Status != sitrep.ResultUp && rs.Raw[i].Error != "" {
			d.Errors = append(d.Errors, rs.Raw[i])
		}
	}
	d.Phases = meanPhases(rs.Raw)
	if u.declared != nil {
		d.Declared = u.declared(id)
	}
	u.render(w, r, http.StatusOK, "monitor", u.newView(s, m.Name, "monitors", d))
}

// phaseRow is the mean time of one step of a check.
type phaseRow struct {
	Name string
	Mean time.Duration
}

// meanPhases averages each phase over the good raw results that had it;
// nil when no result recorded any phase (a TCP or heartbeat monitor).
func meanPhases(raw []sitrep.Result) []phaseRow {
	var sum [4]time.Duration
	var n [4]int
	for i := range raw {
		if raw[i].Status == sitrep.ResultDown {
			continue
		}
		p := raw[i].Phases
		for k, d := range [4]time.Duration{p.DNS, p.Connect, p.TLS, p.FirstByte} {
			if d > 0 {
				sum[k] += d
				n[k]++
			}
		}
	}
	var out []phaseRow
	for k, name := range [4]string{"DNS lookup", "Connect", "TLS handshake", "First byte"} {
		if n[k] > 0 {
			out = append(out, phaseRow{Name: name, Mean: sum[k] / time.Duration(n[k])})
		}
	}
	return out
}
