package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"sitrep"
)

type maintenanceScheduleBody struct {
	Title       string   `json:"title"`
	Components  []string `json:"components"`
	Start       string   `json:"start"`
	End         string   `json:"end"`
	Description string   `json:"description"`
	Message     string   `json:"message"`
	Recurrence  string   `json:"recurrence"`
}

type maintenanceUpdateBody struct {
	Status   string `json:"status"`
	Message  string `json:"message"`
	Start    string `json:"start"`
	End      string `json:"end"`
	Internal bool   `json:"internal"`
}

type maintenanceJSON struct {
	ID                     string                  `json:"id"`
	Title                  string                  `json:"title"`
	Description            string                  `json:"description"`
	Components             []string                `json:"components"`
	Status                 string                  `json:"status"`
	PlannedStart           *time.Time              `json:"planned_start"`
	PlannedEnd             *time.Time              `json:"planned_end"`
	ActualStart            *time.Time              `json:"actual_start"`
	ActualEnd              *time.Time              `json:"actual_end"`
	PlannedDurationSeconds float64                 `json:"planned_duration_seconds"`
	ActualDurationSeconds  *float64                `json:"actual_duration_seconds"`
	Overrun                bool                    `json:"overrun"`
	OverrunAt              *time.Time              `json:"overrun_at"`
	Recurrence             *string                 `json:"recurrence"`
	SeriesID               string                  `json:"series_id,omitempty"`
	Updates                []maintenanceUpdateJSON `json:"updates"`
	CreatedAt              *time.Time              `json:"created_at"`
	UpdatedAt              *time.Time              `json:"updated_at"`
	Author                 string                  `json:"author"`
}

type maintenanceUpdateJSON struct {
	ID        string     `json:"id"`
	Status    string     `json:"status"`
	Message   string     `json:"message"`
	Internal  bool       `json:"internal"`
	At        *time.Time `json:"at"`
	CreatedAt *time.Time `json:"created_at"`
	Author    string     `json:"author"`
}

type maintenanceListJSON struct {
	Maintenances []maintenanceJSON `json:"maintenances"`
	Total        int               `json:"total"`
	NextCursor   *string           `json:"next_cursor"`
}

func newMaintenanceJSON(m *sitrep.Maintenance) maintenanceJSON {
	j := maintenanceJSON{
		ID: m.ID, Title: m.Title, Description: m.Description, Components: m.Components, Status: string(m.Status),
		PlannedStart: timeOrNull(m.PlannedStart), PlannedEnd: timeOrNull(m.PlannedEnd),
		ActualStart: timeOrNull(m.ActualStart), ActualEnd: timeOrNull(m.ActualEnd),
		PlannedDurationSeconds: m.PlannedDuration().Seconds(),
		ActualDurationSeconds:  secondsOrNull(!m.ActualStart.IsZero() && !m.ActualEnd.IsZero(), m.ActualDuration()),
		Overrun:                m.Overrun, OverrunAt: timeOrNull(m.OverrunAt), SeriesID: m.SeriesID,
		Updates:   make([]maintenanceUpdateJSON, len(m.Updates)),
		CreatedAt: timeOrNull(m.CreatedAt), UpdatedAt: timeOrNull(m.UpdatedAt), Author: m.Author,
	}
	if j.Components == nil {
		j.Components = []string{}
	}
	if m.Recurrence != nil {
		rule := m.Recurrence.String()
		j.Recurrence = &rule
	}
	for i, u := range m.Updates {
		j.Updates[i] = maintenanceUpdateJSON{ID: u.ID, Status: string(u.Status), Message: u.Message, Internal: !u.Public,
			At: timeOrNull(u.At), CreatedAt: timeOrNull(u.CreatedAt), Author: u.Author}
	}
	return j
}

func (a *recordsAPI) scheduleMaintenance(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	in, ok := readInput(a, w, r, p, (*maintenanceScheduleBody).input)
	if !ok {
		return
	}
	m, err := a.maintenances.ScheduleMaintenance(r.Context(), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/maintenances/"+url.PathEscape(m.ID))
	a.s.writeJSON(w, r, http.StatusCreated, newMaintenanceJSON(m))
}

func (b *maintenanceScheduleBody) input(p *sitrep.Principal) (sitrep.MaintenanceInput, error) {
	in := sitrep.MaintenanceInput{Title: strings.TrimSpace(b.Title), Description: b.Description, Message: b.Message, Author: p.Name}
	if err := required("title", b.Title, `"Replace the Oslo storage controller"`); err != nil {
		return in, err
	}
	if len(b.Components) == 0 {
		return in, sitrep.FieldErrorf(sitrep.EINVALID, "components", `is required: the IDs of the components the work affects, e.g. ["courses-oslo"]`)
	}
	for _, id := range b.Components {
		if strings.TrimSpace(id) == "" {
			return in, sitrep.FieldErrorf(sitrep.EINVALID, "components", "a component ID is empty")
		}
	}
	in.Components = b.Components
	var err error
	if in.Start, err = parseRFC3339("start", b.Start); err != nil {
		return in, err
	}
	if in.End, err = parseRFC3339("end", b.End); err != nil {
		return in, err
	}
	if b.Recurrence != "" {
		rule, err := sitrep.ParseRecurrence(b.Recurrence)
		if err != nil {
			return in, err
		}
		in.Recurrence = &rule
	}
	// A recurring window may take its times from the rule; a one-off needs both.
	if in.Recurrence == nil {
		if in.Start.IsZero() {
			return in, sitrep.FieldErrorf(sitrep.EINVALID, "start", "is required: when the work begins, as an RFC 3339 time")
		}
		if in.End.IsZero() {
			return in, sitrep.FieldErrorf(sitrep.EINVALID, "end", "is required: when the work is planned to end, as an RFC 3339 time")
		}
	}
	if !in.Start.IsZero() && !in.End.IsZero() && !in.End.After(in.Start) {
		return in, sitrep.FieldErrorf(sitrep.EINVALID, "end", "must be after start (%s), got %s",
			in.Start.Format(time.RFC3339), in.End.Format(time.RFC3339))
	}
	return in, nil
}

func (a *recordsAPI) updateMaintenance(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	in, ok := readInput(a, w, r, p, (*maintenanceUpdateBody).input)
	if !ok {
		return
	}
	id := r.PathValue("id")
	m, err := a.maintenances.UpdateMaintenance(r.Context(), id, in)
	a.answerMaintenance(w, r, id, m, err)
}

func (b *maintenanceUpdateBody) input(p *sitrep.Principal) (sitrep.MaintenanceUpdateInput, error) {
	in := sitrep.MaintenanceUpdateInput{Message: b.Message, Internal: b.Internal, Author: p.Name}
	var err error
	if b.Status != "" {
		if in.Status, err = sitrep.ParseMaintenanceStatus("status", b.Status); err != nil {
			return in, err
		}
	}
	if in.Start, err = parseRFC3339("start", b.Start); err != nil {
		return in, err
	}
	if in.End, err = parseRFC3339("end", b.End); err != nil {
		return in, err
	}
	if in.Status == "" && strings.TrimSpace(in.Message) == "" && in.Start.IsZero() && in.End.IsZero() {
		return in, sitrep.Errorf(sitrep.EINVALID, "the update changes nothing; send at least one of status, message, start, end")
	}
	return in, nil
}

func (a *recordsAPI) getMaintenance(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	id := r.PathValue("id")
	m, err := a.maintenances.Maintenance(r.Context(), id)
	a.answerMaintenance(w, r, id, m, err)
}

func (a *recordsAPI) answerMaintenance(w http.ResponseWriter, r *http.Request, id string, m *sitrep.Maintenance, err error) {
	if err != nil {
		if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
			err = sitrep.Errorf(sitrep.ENOTFOUND, "no maintenance %q; GET /api/v1/maintenances?status=all lists them", id)
		}
		a.fail(w, r, err)
		return
	}
	a.s.writeJSON(w, r, http.StatusOK, newMaintenanceJSON(m))
}

// maintenanceFilters maps the list's status words to lifecycle states.
var maintenanceFilters = map[string][]sitrep.MaintenanceStatus{
	"upcoming":  {sitrep.MaintenanceScheduled},
	"active":    {sitrep.MaintenanceInProgress, sitrep.MaintenanceVerifying},
	"completed": {sitrep.MaintenanceCompleted},
}

func (a *recordsAPI) listMaintenances(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	q, err := parseListQuery(r.URL.Query(), "status")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f := sitrep.MaintenanceFilter{Limit: q.limit, Offset: q.offset}
	// Several words may be combined: status=upcoming,active.
	all := false
	for _, word := range strings.Split(q.status, ",") {
		word = strings.TrimSpace(word)
		if word == "" || word == "all" {
			all = true
			continue
		}
		st, ok := maintenanceFilters[word]
		if !ok {
			a.fail(w, r, sitrep.FieldErrorf(sitrep.EINVALID, "status", "unknown value %q, valid: upcoming, active, completed, all (or several joined by commas)", word))
			return
		}
		f.Statuses = append(f.Statuses, st...)
	}
	if all {
		f.Statuses = nil
	}
	ms, total, err := a.maintenances.FindMaintenances(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := maintenanceListJSON{Maintenances: make([]maintenanceJSON, len(ms)), Total: total, NextCursor: q.next(len(ms), total)}
	for i, m := range ms {
		out.Maintenances[i] = newMaintenanceJSON(m)
	}
	a.s.writeJSON(w, r, http.StatusOK, out)
}
