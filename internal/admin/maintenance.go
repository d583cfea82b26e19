package admin

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"sitrep"
)

type maintenancesData struct {
	Active   []*sitrep.Maintenance
	Upcoming []*sitrep.Maintenance
	Past     []*sitrep.Maintenance
}

func (u *UI) handleMaintenances(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	var d maintenancesData
	lists := []struct {
		into     *[]*sitrep.Maintenance
		statuses []sitrep.MaintenanceStatus
		limit    int
	}{
		{&d.Active, []sitrep.MaintenanceStatus{sitrep.MaintenanceInProgress, sitrep.MaintenanceVerifying}, 100},
		{&d.Upcoming, []sitrep.MaintenanceStatus{sitrep.MaintenanceScheduled}, 100},
		{&d.Past, []sitrep.MaintenanceStatus{sitrep.MaintenanceCompleted}, 25},
	}
	for _, l := range lists {
		ms, _, err := u.maints.FindMaintenances(r.Context(), sitrep.MaintenanceFilter{Statuses: l.statuses, Limit: l.limit})
		if err != nil {
			u.fail(w, r, s, err)
			return
		}
		*l.into = ms
	}
	u.render(w, r, http.StatusOK, "maintenances", u.newView(s, "Maintenance", "maintenance", d))
}

type maintenanceForm struct {
	Title       string
	Description string
	Message     string
	Start, End  string
	Components  []componentChoice
}

func (u *UI) handleMaintenanceForm(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	f := maintenanceForm{Components: choices(u.componentList(r.Context()), nil)}
	u.render(w, r, http.StatusOK, "maintenance_new", u.newView(s, "Schedule maintenance", "maintenance", f))
}

func (u *UI) handleSchedule(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	refs := u.componentList(r.Context())
	f := maintenanceForm{Title: strings.TrimSpace(r.PostFormValue("title")), Description: r.PostFormValue("description"),
		Message: r.PostFormValue("message"), Start: r.PostFormValue("start"), End: r.PostFormValue("end")}
	in := sitrep.MaintenanceInput{Title: f.Title, Description: f.Description, Message: f.Message, Author: s.Principal.Name}
	chosen := map[string]sitrep.ComponentStatus{}
	if err := r.ParseForm(); err == nil {
		for _, id := range r.PostForm["components"] {
			chosen[id] = sitrep.StatusUnderMaintenance
		}
	}
	for _, c := range refs {
		if _, ok := chosen[c.ID]; ok {
			in.Components = append(in.Components, c.ID)
		}
	}
	f.Components = choices(refs, chosen)
	var err error
	if in.Start, err = u.parseLocal(r, "start"); err == nil {
		in.End, err = u.parseLocal(r, "end")
	}
	if err == nil {
		err = checkWindow(&in)
	}
	var m *sitrep.Maintenance
	if err == nil {
		m, err = u.maints.ScheduleMaintenance(r.Context(), in)
	}
	if err != nil {
		u.formFailed(w, r, s, "maintenance_new", "Schedule maintenance", "maintenance", f, err)
		return
	}
	http.Redirect(w, r, "/admin/maintenances/"+url.PathEscape(m.ID), http.StatusSeeOther)
}

func checkWindow(in *sitrep.MaintenanceInput) error {
	switch {
	case in.Title == "":
		return sitrep.FieldErrorf(sitrep.EINVALID, "title", "say what the work is")
	case in.Start.IsZero():
		return sitrep.FieldErrorf(sitrep.EINVALID, "start", "choose when the work starts")
	case in.End.IsZero():
		return sitrep.FieldErrorf(sitrep.EINVALID, "end", "choose when the work ends")
	case !in.End.After(in.Start):
		return sitrep.FieldErrorf(sitrep.EINVALID, "end", "the end must be after the start")
	}
	return nil
}

type maintenanceData struct {
	Maintenance *sitrep.Maintenance
	Names       map[string]string
	NewEnd      string
}

func (u *UI) maintenanceView(r *http.Request, s *sitrep.Session, m *sitrep.Maintenance, newEnd string) *view {
	name := componentNames(u.componentList(r.Context()))
	names := map[string]string{}
	for _, id := range m.Components {
		names[id] = name(id)
	}
	if newEnd == "" {
		end := m.PlannedEnd
		if now := u.now(); end.Before(now) {
			end = now
		}
		newEnd = u.fmtLocal(end.Add(30 * time.Minute))
	}
	return u.newView(s, m.Title, "maintenance", maintenanceData{Maintenance: m, Names: names, NewEnd: newEnd})
}

func (u *UI) handleMaintenance(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	m, err := u.maints.Maintenance(r.Context(), r.PathValue("id"))
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.render(w, r, http.StatusOK, "maintenance", u.maintenanceView(r, s, m, ""))
}

// handleMaintenanceAction starts, extends or completes a window.
func (u *UI) handleMaintenanceAction(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	id := r.PathValue("id")
	m, err := u.maints.Maintenance(r.Context(), id)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	in := sitrep.MaintenanceUpdateInput{Message: strings.TrimSpace(r.PostFormValue("message")), Author: s.Principal.Name}
	switch r.PathValue("action") {
	case "start":
		in.Status = sitrep.MaintenanceInProgress
	case "complete":
		in.Status = sitrep.MaintenanceCompleted
	case "extend":
		in.End, err = u.parseLocal(r, "end")
		if err == nil && in.End.IsZero() {
			err = sitrep.FieldErrorf(sitrep.EINVALID, "end", "choose the new end")
		}
		if err == nil && !in.End.After(m.PlannedEnd) {
			err = sitrep.FieldErrorf(sitrep.EINVALID, "end", "the new end must be after the planned end (%s)", u.fmtTime(m.PlannedEnd))
		}
	default:
		u.fail(w, r, s, sitrep.Errorf(sitrep.ENOTFOUND, "unknown maintenance action %q; valid: start, extend, complete", r.PathValue("action")))
		return
	}
	if err == nil {
		_, err = u.maints.UpdateMaintenance(r.Context(), id, in)
	}
	if err != nil {
		code := sitrep.ErrorCode(err)
		if code != sitrep.EINVALID && code != sitrep.ECONFLICT {
			u.fail(w, r, s, err)
			return
		}
		v := u.maintenanceView(r, s, m, r.PostFormValue("end"))
		v.Error = errorText(err)
		u.render(w, r, sitrep.HTTPStatus(code), "maintenance", v)
		return
	}
	http.Redirect(w, r, "/admin/maintenances/"+url.PathEscape(id), http.StatusSeeOther)
}
