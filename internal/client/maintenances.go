package client

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"sitrep"
)

// ScheduleMaintenance announces a maintenance window.
func (c *Client) ScheduleMaintenance(ctx context.Context, in sitrep.MaintenanceInput) (*sitrep.Maintenance, error) {
	comps := in.Components
	if comps == nil {
		comps = []string{} // the server then names the missing field
	}
	body := map[string]any{"title": in.Title, "components": comps}
	setTime(body, "start", in.Start)
	setTime(body, "end", in.End)
	setIf(body, "description", in.Description)
	setIf(body, "message", in.Message)
	if in.Recurrence != nil {
		body["recurrence"] = in.Recurrence.String()
	}
	var out maintenanceJSON
	if err := c.send(ctx, http.MethodPost, "/api/v1/maintenances", nil, body, &out, http.StatusCreated); err != nil {
		return nil, err
	}
	return out.maintenance(), nil
}

// UpdateMaintenance starts, extends or completes a window, or posts a
// message on it; empty fields of in leave it as it is.
func (c *Client) UpdateMaintenance(ctx context.Context, id string, in sitrep.MaintenanceUpdateInput) (*sitrep.Maintenance, error) {
	body := map[string]any{}
	setIf(body, "status", string(in.Status))
	setIf(body, "message", in.Message)
	setTime(body, "start", in.Start)
	setTime(body, "end", in.End)
	if in.Internal {
		body["internal"] = true
	}
	var out maintenanceJSON
	if err := c.send(ctx, http.MethodPost, "/api/v1/maintenances/"+url.PathEscape(id)+"/updates", nil, body, &out); err != nil {
		return nil, err
	}
	return out.maintenance(), nil
}

// EditMaintenance corrects a window (PATCH /api/v1/maintenances/{id}): its
// title, description, components, start or end. Only the fields set in in
// are sent (see sitrep.MaintenanceUpdateInput for "not given" versus
// "none"); in.Message, if set, is posted with the edit. Status and Internal
// are not part of an edit; use UpdateMaintenance.
func (c *Client) EditMaintenance(ctx context.Context, id string, in sitrep.MaintenanceUpdateInput) (*sitrep.Maintenance, error) {
	body := map[string]any{}
	setIf(body, "title", in.Title)
	if in.Description != nil {
		body["description"] = *in.Description
	}
	if in.Components != nil {
		comps := *in.Components
		if comps == nil {
			comps = []string{} // "none", which the server refuses by name, not "not given"
		}
		body["components"] = comps
	}
	setTime(body, "start", in.Start)
	setTime(body, "end", in.End)
	setIf(body, "message", in.Message)
	var out maintenanceJSON
	if err := c.send(ctx, http.MethodPatch, "/api/v1/maintenances/"+url.PathEscape(id), nil, body, &out); err != nil {
		return nil, err
	}
	return out.maintenance(), nil
}

// Maintenance returns one window with its updates.
func (c *Client) Maintenance(ctx context.Context, id string) (*sitrep.Maintenance, error) {
	var out maintenanceJSON
	if err := c.send(ctx, http.MethodGet, "/api/v1/maintenances/"+url.PathEscape(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return out.maintenance(), nil
}

// MaintenancePage is one page of a list of maintenance windows.
type MaintenancePage struct {
	Maintenances []*sitrep.Maintenance
	Total        int
	NextCursor   string
}

// ListMaintenances returns one page of maintenance windows.
func (c *Client) ListMaintenances(ctx context.Context, o ListOptions) (MaintenancePage, error) {
	var out struct {
		Maintenances []maintenanceJSON `json:"maintenances"`
		Total        int               `json:"total"`
		NextCursor   *string           `json:"next_cursor"`
	}
	if err := c.send(ctx, http.MethodGet, "/api/v1/maintenances", o.query(), nil, &out); err != nil {
		return MaintenancePage{}, err
	}
	p := MaintenancePage{Total: out.Total, Maintenances: make([]*sitrep.Maintenance, len(out.Maintenances))}
	if out.NextCursor != nil {
		p.NextCursor = *out.NextCursor
	}
	for i := range out.Maintenances {
		p.Maintenances[i] = out.Maintenances[i].maintenance()
	}
	return p, nil
}

// maintenanceJSON mirrors internal/web's maintenance answer.
type maintenanceJSON struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Description  string    `json:"description"`
	Components   []string  `json:"components"`
	Status       string    `json:"status"`
	PlannedStart time.Time `json:"planned_start"`
	PlannedEnd   time.Time `json:"planned_end"`
	ActualStart  time.Time `json:"actual_start"`
	ActualEnd    time.Time `json:"actual_end"`
	Overrun      bool      `json:"overrun"`
	OverrunAt    time.Time `json:"overrun_at"`
	Recurrence   *string   `json:"recurrence"`
	SeriesID     string    `json:"series_id"`
	Updates      []struct {
		ID        string    `json:"id"`
		Status    string    `json:"status"`
		Message   string    `json:"message"`
		Internal  bool      `json:"internal"`
		At        time.Time `json:"at"`
		CreatedAt time.Time `json:"created_at"`
		Author    string    `json:"author"`
	} `json:"updates"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Author    string    `json:"author"`
}

func (j *maintenanceJSON) maintenance() *sitrep.Maintenance {
	m := &sitrep.Maintenance{
		ID: j.ID, Title: j.Title, Description: j.Description, Components: j.Components, Status: sitrep.MaintenanceStatus(j.Status),
		PlannedStart: j.PlannedStart, PlannedEnd: j.PlannedEnd, ActualStart: j.ActualStart, ActualEnd: j.ActualEnd,
		Overrun: j.Overrun, OverrunAt: j.OverrunAt, SeriesID: j.SeriesID,
		CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt, Author: j.Author,
	}
	if j.Recurrence != nil {
		// The server wrote the rule with Recurrence.String, which
		// ParseRecurrence reads back; a rule it cannot read (a newer
		// server's) is left out rather than failing the whole answer.
		if r, err := sitrep.ParseRecurrence(*j.Recurrence); err == nil {
			m.Recurrence = &r
		}
	}
	for _, u := range j.Updates {
		m.Updates = append(m.Updates, sitrep.MaintenanceUpdate{ID: u.ID, MaintenanceID: j.ID, Status: sitrep.MaintenanceStatus(u.Status),
			Message: u.Message, Public: !u.Internal, At: u.At, CreatedAt: u.CreatedAt, Author: u.Author})
	}
	return m
}
