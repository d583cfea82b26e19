package admin

import (
	"net/http"
	"net/url"
	"strings"

	"sitrep"
)

type incidentsData struct {
	Open     []*sitrep.Incident
	Resolved []*sitrep.Incident
}

func (u *UI) handleIncidents(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	var d incidentsData
	open, resolved := true, false
	var err error
	if d.Open, _, err = u.incidents.FindIncidents(r.Context(), sitrep.IncidentFilter{Open: &open, Limit: 100}); err != nil {
		u.fail(w, r, s, err)
		return
	}
	if d.Resolved, _, err = u.incidents.FindIncidents(r.Context(), sitrep.IncidentFilter{Open: &resolved, Limit: 25}); err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.render(w, r, http.StatusOK, "incidents", u.newView(s, "Incidents", "incidents", d))
}

// incidentForm is the open-an-incident form as typed, so a preview or a
// rejected submission shows it again unchanged.
type incidentForm struct {
	Title      string
	Impact     string
	Status     string
	Message    string
	Internal   bool
	Components []componentChoice
	Impacts    []sitrep.Impact
	Statuses   []sitrep.IncidentStatus
	Preview    *previewUpdate
}

// componentChoice is one component's row in a form: its chosen status, if any.
type componentChoice struct {
	componentRef
	Status sitrep.ComponentStatus
}

// previewUpdate mirrors what the public page shows for an update.
type previewUpdate struct {
	Title      string
	StatusText string
	At         string
	Message    string
	Components []sitrep.PublicComponentStatus
}

func choices(refs []componentRef, chosen map[string]sitrep.ComponentStatus) []componentChoice {
	out := make([]componentChoice, len(refs))
	for i, c := range refs {
		out[i] = componentChoice{componentRef: c, Status: chosen[c.ID]}
	}
	return out
}

func (u *UI) handleIncidentForm(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	f := incidentForm{Impact: string(sitrep.ImpactMinor), Status: string(sitrep.IncidentInvestigating),
		Impacts: sitrep.Impacts, Statuses: sitrep.IncidentStatuses[:3],
		Components: choices(u.componentList(r.Context()), nil)}
	u.render(w, r, http.StatusOK, "incident_new", u.newView(s, "Open an incident", "incidents", f))
}

func (u *UI) handleOpenIncident(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	refs := u.componentList(r.Context())
	f := incidentForm{
		Title: strings.TrimSpace(r.PostFormValue("title")), Impact: r.PostFormValue("impact"),
		Status: r.PostFormValue("status"), Message: r.PostFormValue("message"),
		Internal: r.PostFormValue("internal") != "", Impacts: sitrep.Impacts, Statuses: sitrep.IncidentStatuses[:3],
	}
	comps, err := componentStatuses(r, refs)
	f.Components = choices(refs, comps)
	if err == nil {
		err = u.checkIncidentForm(&f)
	}
	if err != nil {
		u.formFailed(w, r, s, "incident_new", "Open an incident", "incidents", &f, err)
		return
	}
	if r.PostFormValue("action") == "preview" {
		f.Preview = u.preview(f.Title, f.Status, f.Message, comps, refs)
		u.render(w, r, http.StatusOK, "incident_new", u.newView(s, "Open an incident", "incidents", f))
		return
	}
	inc, err := u.incidents.OpenIncident(r.Context(), sitrep.IncidentInput{
		Title: f.Title, Impact: sitrep.Impact(f.Impact), Status: sitrep.IncidentStatus(f.Status),
		Message: f.Message, Components: comps, Author: s.Principal.Name, Internal: f.Internal,
	})
	if err != nil {
		u.formFailed(w, r, s, "incident_new", "Open an incident", "incidents", &f, err)
		return
	}
	http.Redirect(w, r, "/admin/incidents/"+url.PathEscape(inc.ID), http.StatusSeeOther)
}

func (u *UI) checkIncidentForm(f *incidentForm) error {
	if f.Title == "" {
		return sitrep.FieldErrorf(sitrep.EINVALID, "title", "say in a few words what users notice")
	}
	if _, err := sitrep.ParseImpact("impact", f.Impact); err != nil {
		return err
	}
	if _, err := sitrep.ParseIncidentStatus("status", f.Status); err != nil {
		return err
	}
	return nil
}

// preview builds the public update as the status page will show it: the
// same labels, the same Markdown rendering, the components the page lists.
func (u *UI) preview(title, status, message string, comps map[string]sitrep.ComponentStatus, refs []componentRef) *previewUpdate {
	p := &previewUpdate{Title: title, StatusText: label(status), At: u.fmtTime(u.now()), Message: message}
	for _, c := range refs {
		if st, ok := comps[c.ID]; ok {
			p.Components = append(p.Components, sitrep.PublicComponentStatus{ID: c.ID, Name: c.Name, Status: st})
		}
	}
	return p
}

// formFailed shows a form again with what was typed and what was wrong.
func (u *UI) formFailed(w http.ResponseWriter, r *http.Request, s *sitrep.Session, tmpl, title, nav string, data any, err error) {
	code := sitrep.ErrorCode(err)
	if code != sitrep.EINVALID && code != sitrep.ECONFLICT {
		u.fail(w, r, s, err)
		return
	}
	v := u.newView(s, title, nav, data)
	v.Error = errorText(err)
	u.render(w, r, sitrep.HTTPStatus(code), tmpl, v)
}

type incidentData struct {
	Incident   *sitrep.Incident
	Names      map[string]string
	Metrics    sitrep.IncidentMetrics
	Update     incidentForm // the post-an-update form
	Components []componentChoice
}

func (u *UI) incidentView(r *http.Request, s *sitrep.Session, inc *sitrep.Incident, f incidentForm) *view {
	refs := u.componentList(r.Context())
	names := map[string]string{}
	name := componentNames(refs)
	for _, c := range inc.Components {
		names[c.ComponentID] = name(c.ComponentID)
	}
	for _, up := range inc.Updates {
		for _, c := range up.Components {
			names[c.ComponentID] = name(c.ComponentID)
		}
	}
	if f.Components == nil {
		cur := map[string]sitrep.ComponentStatus{}
		for _, c := range inc.Components {
			cur[c.ComponentID] = c.Status
		}
		f.Components = choices(refs, cur)
	}
	if f.Status == "" {
		f.Status = string(inc.Status)
		if !inc.Open() {
			f.Status = string(sitrep.IncidentResolved)
		}
	}
	f.Statuses, f.Impacts = sitrep.IncidentStatuses, sitrep.Impacts
	if f.Impact == "" {
		f.Impact = string(inc.Impact)
	}
	d := incidentData{Incident: inc, Names: names, Metrics: inc.Metrics(), Update: f}
	return u.newView(s, inc.Title, "incidents", d)
}

func (u *UI) handleIncident(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	inc, err := u.incidents.Incident(r.Context(), r.PathValue("id"))
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.render(w, r, http.StatusOK, "incident", u.incidentView(r, s, inc, incidentForm{}))
}

func (u *UI) updateInput(r *http.Request, s *sitrep.Session, refs []componentRef) (sitrep.IncidentUpdateInput, incidentForm, error) {
	f := incidentForm{Status: r.PostFormValue("status"), Impact: r.PostFormValue("impact"),
		Message: r.PostFormValue("message"), Internal: r.PostFormValue("internal") != ""}
	comps, err := componentStatuses(r, refs)
	f.Components = choices(refs, comps)
	in := sitrep.IncidentUpdateInput{Message: f.Message, Components: comps, Author: s.Principal.Name, Internal: f.Internal}
	if err != nil {
		return in, f, err
	}
	if f.Status != "" {
		if in.Status, err = sitrep.ParseIncidentStatus("status", f.Status); err != nil {
			return in, f, err
		}
	}
	if f.Impact != "" {
		if in.Impact, err = sitrep.ParseImpact("impact", f.Impact); err != nil {
			return in, f, err
		}
	}
	if strings.TrimSpace(f.Message) == "" {
		return in, f, sitrep.FieldErrorf(sitrep.EINVALID, "message", "write what changed; subscribers receive this text")
	}
	return in, f, nil
}

func (u *UI) handleIncidentUpdate(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	u.changeIncident(w, r, s, false)
}

func (u *UI) handleResolve(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	u.changeIncident(w, r, s, true)
}

// changeIncident posts an update or resolves; "preview" shows the public
// update first without saving anything.
func (u *UI) changeIncident(w http.ResponseWriter, r *http.Request, s *sitrep.Session, resolve bool) {
	id := r.PathValue("id")
	inc, err := u.incidents.Incident(r.Context(), id)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	refs := u.componentList(r.Context())
	in, f, err := u.updateInput(r, s, refs)
	if resolve {
		in.Status = sitrep.IncidentResolved
		if err != nil && sitrep.ErrorCode(err) == sitrep.EINVALID && strings.TrimSpace(f.Message) == "" {
			err, in.Message = nil, "This incident has been resolved."
		}
	}
	if err == nil && r.PostFormValue("action") == "preview" {
		st := in.Status
		if st == "" {
			st = inc.Status
		}
		f.Preview = u.preview(inc.Title, string(st), in.Message, in.Components, refs)
		u.render(w, r, http.StatusOK, "incident", u.incidentView(r, s, inc, f))
		return
	}
	if err == nil {
		if resolve {
			_, err = u.incidents.ResolveIncident(r.Context(), id, in)
		} else {
			_, err = u.incidents.UpdateIncident(r.Context(), id, in)
		}
	}
	if err != nil {
		code := sitrep.ErrorCode(err)
		if code != sitrep.EINVALID && code != sitrep.ECONFLICT {
			u.fail(w, r, s, err)
			return
		}
		v := u.incidentView(r, s, inc, f)
		v.Error = errorText(err)
		u.render(w, r, sitrep.HTTPStatus(code), "incident", v)
		return
	}
	http.Redirect(w, r, "/admin/incidents/"+url.PathEscape(id), http.StatusSeeOther)
}
