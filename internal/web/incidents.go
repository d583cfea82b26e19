package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"sitrep"
)

// Request bodies. Times and enums are strings here and parsed afterwards,
// so that a bad value is reported with its field name.

type incidentOpenBody struct {
	Title      string            `json:"title"`
	Impact     string            `json:"impact"`
	Status     string            `json:"status"`
	Message    string            `json:"message"`
	Components map[string]string `json:"components"`
	Internal   bool              `json:"internal"`
	StartedAt  string            `json:"started_at"`
	At         string            `json:"at"`
}

type incidentUpdateBody struct {
	Status     string            `json:"status"`
	Message    string            `json:"message"`
	Impact     string            `json:"impact"`
	Title      string            `json:"title"`
	Components map[string]string `json:"components"`
	Internal   bool              `json:"internal"`
	At         string            `json:"at"`
}

type incidentResolveBody struct {
	Message string `json:"message"`
	At      string `json:"at"`
}

type postmortemBody struct {
	Summary   string `json:"summary"`
	RootCause string `json:"root_cause"`
	Impact    string `json:"impact"`
	Timeline  []struct {
		At   string `json:"at"`
		Text string `json:"text"`
	} `json:"timeline"`
	ActionItems []struct {
		Title string `json:"title"`
		Owner string `json:"owner"`
		Due   string `json:"due"`
		Done  bool   `json:"done"`
	} `json:"action_items"`
	Published bool `json:"published"`
}

func (a *recordsAPI) openIncident(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	in, ok := readInput(a, w, r, p, (*incidentOpenBody).input)
	if !ok {
		return
	}
	inc, err := a.incidents.OpenIncident(r.Context(), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/incidents/"+url.PathEscape(inc.ID))
	a.s.writeJSON(w, r, http.StatusCreated, newIncidentJSON(inc))
}

func (b *incidentOpenBody) input(p *sitrep.Principal) (sitrep.IncidentInput, error) {
	in := sitrep.IncidentInput{Author: p.Name}
	if err := required("title", b.Title, `"Courses are down in Oslo"`); err != nil {
		return in, err
	}
	in.Title, in.Message, in.Internal = strings.TrimSpace(b.Title), b.Message, b.Internal
	var err error
	if b.Impact != "" {
		if in.Impact, err = sitrep.ParseImpact("impact", b.Impact); err != nil {
			return in, err
		}
	}
	if b.Status != "" {
		if in.Status, err = sitrep.ParseIncidentStatus("status", b.Status); err != nil {
			return in, err
		}
		if in.Status == sitrep.IncidentResolved {
			return in, sitrep.FieldErrorf(sitrep.EINVALID, "status", "a new incident cannot start resolved; open it, then POST .../resolve")
		}
	}
	if in.Components, err = componentStatuses("components", b.Components); err != nil {
		return in, err
	}
	if in.StartedAt, err = parseRFC3339("started_at", b.StartedAt); err != nil {
		return in, err
	}
	if in.At, err = parseRFC3339("at", b.At); err != nil {
		return in, err
	}
	return in, nil
}

func (a *recordsAPI) updateIncident(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	in, ok := readInput(a, w, r, p, (*incidentUpdateBody).input)
	if !ok {
		return
	}
	id := r.PathValue("id")
	inc, err := a.incidents.UpdateIncident(r.Context(), id, in)
	a.answerIncident(w, r, id, inc, err)
}

func (b *incidentUpdateBody) input(p *sitrep.Principal) (sitrep.IncidentUpdateInput, error) {
	in := sitrep.IncidentUpdateInput{Title: strings.TrimSpace(b.Title), Message: b.Message, Internal: b.Internal, Author: p.Name}
	var err error
	if b.Status != "" {
		if in.Status, err = sitrep.ParseIncidentStatus("status", b.Status); err != nil {
			return in, err
		}
	}
	if b.Impact != "" {
		if in.Impact, err = sitrep.ParseImpact("impact", b.Impact); err != nil {
			return in, err
		}
	}
	if in.Components, err = componentStatuses("components", b.Components); err != nil {
		return in, err
	}
	if in.At, err = parseRFC3339("at", b.At); err != nil {
		return in, err
	}
	if in.Status == "" && in.Impact == "" && in.Title == "" && strings.TrimSpace(in.Message) == "" && len(in.Components) == 0 {
		return in, sitrep.Errorf(sitrep.EINVALID, "the update changes nothing; send at least one of status, message, impact, title, components")
	}
	return in, nil
}

func (a *recordsAPI) resolveIncident(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	in, ok := readInput(a, w, r, p, (*incidentResolveBody).input)
	if !ok {
		return
	}
	id := r.PathValue("id")
	inc, err := a.incidents.ResolveIncident(r.Context(), id, in)
	a.answerIncident(w, r, id, inc, err)
}

func (b *incidentResolveBody) input(p *sitrep.Principal) (sitrep.IncidentUpdateInput, error) {
	at, err := parseRFC3339("at", b.At)
	return sitrep.IncidentUpdateInput{Status: sitrep.IncidentResolved, Message: b.Message, At: at, Author: p.Name}, err
}

func (a *recordsAPI) setPostmortem(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	pm, ok := readInput(a, w, r, p, (*postmortemBody).postmortem)
	if !ok {
		return
	}
	id := r.PathValue("id")
	inc, err := a.incidents.SetPostmortem(r.Context(), id, pm)
	a.answerIncident(w, r, id, inc, err)
}

func (b *postmortemBody) postmortem(p *sitrep.Principal) (sitrep.Postmortem, error) {
	pm := sitrep.Postmortem{Summary: b.Summary, RootCause: b.RootCause, Impact: b.Impact, Published: b.Published, Author: p.Name}
	if b.Published {
		if err := required("summary", b.Summary, `"A failed storage controller took Courses in Oslo down for 2 hours."`); err != nil {
			return pm, err
		}
	}
	for i, e := range b.Timeline {
		field := "timeline[" + strconv.Itoa(i) + "]"
		at, err := parseRFC3339(field+".at", e.At)
		if err != nil {
			return pm, err
		}
		if at.IsZero() {
			return pm, sitrep.FieldErrorf(sitrep.EINVALID, field+".at", "is required: when it happened, as an RFC 3339 time")
		}
		pm.Timeline = append(pm.Timeline, sitrep.TimelineEntry{At: at, Text: e.Text})
	}
	for i, it := range b.ActionItems {
		field := "action_items[" + strconv.Itoa(i) + "]"
		if err := required(field+".title", it.Title, `"Alert on controller errors"`); err != nil {
			return pm, err
		}
		due, err := parseRFC3339(field+".due", it.Due)
		if err != nil {
			return pm, err
		}
		pm.ActionItems = append(pm.ActionItems, sitrep.ActionItem{Title: it.Title, Owner: it.Owner, Due: due, Done: it.Done})
	}
	return pm, nil
}

func (a *recordsAPI) getIncident(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	id := r.PathValue("id")
	inc, err := a.incidents.Incident(r.Context(), id)
	a.answerIncident(w, r, id, inc, err)
}

// answerIncident writes a service's answer about incident id.
func (a *recordsAPI) answerIncident(w http.ResponseWriter, r *http.Request, id string, inc *sitrep.Incident, err error) {
	if err != nil {
		if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
			err = sitrep.Errorf(sitrep.ENOTFOUND, "no incident %q; GET /api/v1/incidents?status=all lists them", id)
		}
		a.fail(w, r, err)
		return
	}
	a.s.writeJSON(w, r, http.StatusOK, newIncidentJSON(inc))
}

func (a *recordsAPI) listIncidents(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	q, err := parseListQuery(r.URL.Query(), "status")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f := sitrep.IncidentFilter{Limit: q.limit, Offset: q.offset}
	switch q.status {
	case "", "all":
	case "open", "resolved":
		open := q.status == "open"
		f.Open = &open
	default:
		a.fail(w, r, sitrep.FieldErrorf(sitrep.EINVALID, "status", "unknown value %q, valid: open, resolved, all", q.status))
		return
	}
	incs, total, err := a.incidents.FindIncidents(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := incidentListJSON{Incidents: make([]incidentJSON, len(incs)), Total: total, NextCursor: q.next(len(incs), total)}
	for i, inc := range incs {
		out.Incidents[i] = newIncidentJSON(inc)
	}
	a.s.writeJSON(w, r, http.StatusOK, out)
}

// listQuery is the paging of a list: limit and an opaque cursor (an
// offset today; callers must only pass back next_cursor).
type listQuery struct {
	status        string
	limit, offset int
}

const (
	defaultListLimit = 25
	maxListLimit     = 200
)

func parseListQuery(v url.Values, filter string) (listQuery, error) {
	q := listQuery{limit: defaultListLimit}
	for k := range v {
		if k != filter && k != "limit" && k != "cursor" {
			return q, sitrep.FieldErrorf(sitrep.EINVALID, k, "unknown query parameter; valid: %s, limit, cursor", filter)
		}
	}
	q.status = v.Get(filter)
	var err error
	if q.limit, q.offset, err = parseLimitCursor(v.Get, defaultListLimit, maxListLimit); err != nil {
		return q, err
	}
	return q, nil
}

// next is the cursor of the page after one of n items, nil at the end.
func (q listQuery) next(n, total int) *string {
	if n == 0 || q.offset+n >= total {
		return nil
	}
	c := encodeCursor(q.offset + n)
	return &c
}
