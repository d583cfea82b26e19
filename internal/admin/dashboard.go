package admin

import (
	"net/http"
	"sort"

	"sitrep"
)

// dashboardRefreshSeconds is how often the dashboard script fetches the
// page again: often enough to follow an outage, cheap for the server.
const dashboardRefreshSeconds = 15

type stateCount struct {
	State sitrep.State
	Count int
}

type dashboardData struct {
	Counts   []stateCount
	Trouble  []sitrep.MonitorView // monitors not up, worst first
	Open     []*sitrep.Incident
	Active   []*sitrep.Maintenance
	Upcoming []*sitrep.Maintenance
	// Paging, OnCall and Backlog are nil when their service is not
	// configured. Paging lists the alerts nobody has acknowledged yet.
	Paging  *[]alertRow
	OnCall  *[]sitrep.OnCall
	Backlog *backlog
	// CanAck says whether this role may acknowledge alerts.
	CanAck bool
	// Deliveries says whether this role may open the deliveries page.
	Deliveries bool
}

// stateRank orders monitors on the dashboard: what needs eyes first.
func stateRank(s sitrep.State) int {
	switch s {
	case sitrep.StateDown:
		return 0
	case sitrep.StateDegraded:
		return 1
	case sitrep.StateUnknown:
		return 2
	}
	return 3
}

func (u *UI) handleDashboard(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	ctx := r.Context()
	var d dashboardData
	mons, err := u.monitors.Monitors(ctx)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	counts := map[sitrep.State]int{}
	for _, m := range mons {
		counts[m.State]++
		if m.State != sitrep.StateUp {
			d.Trouble = append(d.Trouble, m)
		}
	}
	for _, st := range []sitrep.State{sitrep.StateDown, sitrep.StateDegraded, sitrep.StateUnknown, sitrep.StateUp} {
		d.Counts = append(d.Counts, stateCount{st, counts[st]})
	}
	sort.SliceStable(d.Trouble, func(i, j int) bool {
		return stateRank(d.Trouble[i].State) < stateRank(d.Trouble[j].State)
	})
	open := true
	if d.Open, _, err = u.incidents.FindIncidents(ctx, sitrep.IncidentFilter{Open: &open, Limit: 50}); err != nil {
		u.fail(w, r, s, err)
		return
	}
	if d.Active, _, err = u.maints.FindMaintenances(ctx, sitrep.MaintenanceFilter{
		Statuses: []sitrep.MaintenanceStatus{sitrep.MaintenanceInProgress, sitrep.MaintenanceVerifying}, Limit: 50}); err != nil {
		u.fail(w, r, s, err)
		return
	}
	if d.Upcoming, _, err = u.maints.FindMaintenances(ctx, sitrep.MaintenanceFilter{
		Statuses: []sitrep.MaintenanceStatus{sitrep.MaintenanceScheduled}, Limit: 10}); err != nil {
		u.fail(w, r, s, err)
		return
	}
	if u.alerts != nil {
		open, err := u.openAlerts(ctx)
		if err != nil {
			u.fail(w, r, s, err)
			return
		}
		names := make(map[string]string, len(mons))
		for _, m := range mons {
			names[m.ID] = m.Name
		}
		var firing []sitrep.Alert
		for _, a := range open {
			if a.State == sitrep.AlertTriggered {
				firing = append(firing, a)
			}
		}
		rows := u.alertRows(firing, names, nil)
		d.Paging = &rows
		d.CanAck = sitrep.Allowed(s.Principal.Role, sitrep.ActionAcks)
		oc, err := u.alerts.OnCall(ctx, "", u.now())
		if err != nil {
			u.fail(w, r, s, err)
			return
		}
		d.OnCall = &oc
	}
	if u.outbox != nil {
		b, err := u.backlog(ctx)
		if err != nil {
			u.fail(w, r, s, err)
			return
		}
		d.Backlog = &b
	}
	v := u.newView(s, "Dashboard", "dashboard", d)
	d.Deliveries = v.Show.Deliveries
	v.Data = d
	v.Refresh = u.refreshSeconds
	v.Notice = ackNotice(r.URL.Query().Get("done"))
	u.render(w, r, http.StatusOK, "dashboard", v)
}
