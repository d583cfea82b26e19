package admin

import (
	"net/http"
	"net/url"
	"strings"

	"sitrep"
)

// maintenanceEditForm is the edit form of one window. Started is set once
// the window is under way: its start is then fixed and the field is shown
// read-only.
type maintenanceEditForm struct {
	ID          string
	Title       string
	Description string
	Message     string
	Start, End  string
	Started     bool
	Components  []componentChoice
}

func (u *UI) editForm(r *http.Request, m *sitrep.Maintenance) maintenanceEditForm {
	chosen := map[string]sitrep.ComponentStatus{}
	for _, id := range m.Components {
		chosen[id] = sitrep.StatusUnderMaintenance
	}
	return maintenanceEditForm{ID: m.ID, Title: m.Title, Description: m.Description,
		Start: u.fmtLocal(m.PlannedStart), End: u.fmtLocal(m.PlannedEnd), Started: m.Status != sitrep.MaintenanceScheduled,
		Components: choices(u.componentList(r.Context()), chosen)}
}

// editable refuses a completed (or cancelled) window before the form is
// shown, with the same words the service uses.
func editable(m *sitrep.Maintenance) error {
	if m.Status != sitrep.MaintenanceCompleted {
		return nil
	}
	return sitrep.Errorf(sitrep.ECONFLICT, "this window is completed and can no longer be edited; schedule a new window instead")
}

func (u *UI) handleMaintenanceEditForm(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	m, err := u.maints.Maintenance(r.Context(), r.PathValue("id"))
	if err == nil {
		err = editable(m)
	}
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.render(w, r, http.StatusOK, "maintenance_edit", u.newView(s, "Edit: "+m.Title, "maintenance", u.editForm(r, m)))
}

// handleMaintenanceEdit sends every field of the form: the service keeps
// what did not change, so an unchanged form is no change at all. Only
// components the catalog declares can be ticked.
func (u *UI) handleMaintenanceEdit(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	id := r.PathValue("id")
	m, err := u.maints.Maintenance(r.Context(), id)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	refs := u.componentList(r.Context())
	desc := strings.TrimSpace(r.PostFormValue("description"))
	f := maintenanceEditForm{ID: m.ID, Title: strings.TrimSpace(r.PostFormValue("title")), Description: desc,
		Message: r.PostFormValue("message"), Start: r.PostFormValue("start"), End: r.PostFormValue("end"),
		Started: m.Status != sitrep.MaintenanceScheduled}
	in := sitrep.MaintenanceUpdateInput{Title: f.Title, Description: &desc, Message: strings.TrimSpace(f.Message), Author: s.Principal.Name}
	chosen := map[string]sitrep.ComponentStatus{}
	comps := []string{}
	if err := r.ParseForm(); err == nil {
		for _, id := range r.PostForm["components"] {
			chosen[id] = sitrep.StatusUnderMaintenance
		}
	}
	for _, c := range refs {
		if _, ok := chosen[c.ID]; ok {
			comps = append(comps, c.ID)
		}
	}
	in.Components = &comps
	f.Components = choices(refs, chosen)
	if f.Started {
		// The field is read-only; what the browser sent back is not a move.
		f.Start = u.fmtLocal(m.PlannedStart)
	}
	switch {
	case f.Title == "":
		err = sitrep.FieldErrorf(sitrep.EINVALID, "title", "say what the work is")
	case len(comps) == 0:
		err = sitrep.FieldErrorf(sitrep.EINVALID, "components", "tick at least one component")
	}
	if err == nil && !f.Started {
		in.Start, err = u.parseLocal(r, "start")
		if err == nil && in.Start.IsZero() {
			err = sitrep.FieldErrorf(sitrep.EINVALID, "start", "choose when the work starts")
		}
	}
	if err == nil {
		in.End, err = u.parseLocal(r, "end")
		if err == nil && in.End.IsZero() {
			err = sitrep.FieldErrorf(sitrep.EINVALID, "end", "choose when the work ends")
		}
	}
	if err == nil {
		_, err = u.maints.UpdateMaintenance(r.Context(), id, in)
	}
	if err != nil {
		u.formFailed(w, r, s, "maintenance_edit", "Edit: "+m.Title, "maintenance", f, err)
		return
	}
	http.Redirect(w, r, "/admin/maintenances/"+url.PathEscape(id), http.StatusSeeOther)
}
