package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"sitrep"
)

// The records API (/api/v1/incidents, /api/v1/maintenances) needs the
// client's token for every call, reads included.

// OpenIncident opens an incident and posts its first update.
func (c *Client) OpenIncident(ctx context.Context, in sitrep.IncidentInput) (*sitrep.Incident, error) {
	body := map[string]any{"title": in.Title, "message": in.Message, "internal": in.Internal}
	setIf(body, "impact", string(in.Impact))
	setIf(body, "status", string(in.Status))
	setTime(body, "started_at", in.StartedAt)
	setTime(body, "at", in.At)
	if len(in.Components) > 0 {
		body["components"] = in.Components
	}
	var out incidentJSON
	if err := c.send(ctx, http.MethodPost, "/api/v1/incidents", nil, body, &out, http.StatusCreated); err != nil {
		return nil, err
	}
	return out.incident(), nil
}

// UpdateIncident posts an update; empty fields of in leave the incident
// as it is. The server records the token's principal as the author.
func (c *Client) UpdateIncident(ctx context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	body := map[string]any{"internal": in.Internal}
	setIf(body, "status", string(in.Status))
	setIf(body, "impact", string(in.Impact))
	setIf(body, "title", in.Title)
	setIf(body, "message", in.Message)
	setTime(body, "at", in.At)
	if len(in.Components) > 0 {
		body["components"] = in.Components
	}
	return c.incidentCall(ctx, http.MethodPost, id, "/updates", body)
}

// ResolveIncident resolves an incident with a closing message; only
// in.Message and in.At are used.
func (c *Client) ResolveIncident(ctx context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	body := map[string]any{"message": in.Message}
	setTime(body, "at", in.At)
	return c.incidentCall(ctx, http.MethodPost, id, "/resolve", body)
}

// SetPostmortem writes (or replaces) an incident's postmortem.
func (c *Client) SetPostmortem(ctx context.Context, id string, pm sitrep.Postmortem) (*sitrep.Incident, error) {
	body := map[string]any{"summary": pm.Summary, "root_cause": pm.RootCause, "impact": pm.Impact, "published": pm.Published}
	timeline := make([]map[string]any, len(pm.Timeline))
	for i, e := range pm.Timeline {
		timeline[i] = map[string]any{"at": e.At.UTC().Format(time.RFC3339Nano), "text": e.Text}
	}
	items := make([]map[string]any, len(pm.ActionItems))
	for i, a := range pm.ActionItems {
		items[i] = map[string]any{"title": a.Title, "owner": a.Owner, "done": a.Done}
		setTime(items[i], "due", a.Due)
	}
	body["timeline"], body["action_items"] = timeline, items
	return c.incidentCall(ctx, http.MethodPut, id, "/postmortem", body)
}

// Incident returns one incident with every update, internal ones included.
func (c *Client) Incident(ctx context.Context, id string) (*sitrep.Incident, error) {
	return c.incidentCall(ctx, http.MethodGet, id, "", nil)
}

func (c *Client) incidentCall(ctx context.Context, method, id, suffix string, body any) (*sitrep.Incident, error) {
	var out incidentJSON
	if err := c.send(ctx, method, "/api/v1/incidents/"+url.PathEscape(id)+suffix, nil, body, &out); err != nil {
		return nil, err
	}
	return out.incident(), nil
}

// ListOptions pages through a list. Status is the list's filter word
// ("open", "resolved", "all" for incidents; "upcoming", "active",
// "completed", "all" or several joined by commas for maintenance); ""
// leaves it to the server. Cursor is the NextCursor of the previous page.
type ListOptions struct {
	Status string
	Limit  int
	Cursor string
}

func (o ListOptions) query() url.Values {
	q := url.Values{}
	if o.Status != "" {
		q.Set("status", o.Status)
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Cursor != "" {
		q.Set("cursor", o.Cursor)
	}
	return q
}

// IncidentPage is one page of a list of incidents, newest first.
type IncidentPage struct {
	Incidents []*sitrep.Incident
	Total     int
	// NextCursor is "" on the last page.
	NextCursor string
}

// ListIncidents returns one page of incidents.
func (c *Client) ListIncidents(ctx context.Context, o ListOptions) (IncidentPage, error) {
	var out struct {
		Incidents  []incidentJSON `json:"incidents"`
		Total      int            `json:"total"`
		NextCursor *string        `json:"next_cursor"`
	}
	if err := c.send(ctx, http.MethodGet, "/api/v1/incidents", o.query(), nil, &out); err != nil {
		return IncidentPage{}, err
	}
	p := IncidentPage{Total: out.Total, Incidents: make([]*sitrep.Incident, len(out.Incidents))}
	if out.NextCursor != nil {
		p.NextCursor = *out.NextCursor
	}
	for i := range out.Incidents {
		p.Incidents[i] = out.Incidents[i].incident()
	}
	return p, nil
}

func setIf(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

func setTime(m map[string]any, k string, t time.Time) {
	if !t.IsZero() {
		m[k] = t.UTC().Format(time.RFC3339Nano)
	}
}

// send makes a call with an optional JSON body and decodes a 200 answer
// (or want, when given) into out.
func (c *Client) send(ctx context.Context, method, path string, q url.Values, in, out any, want ...int) error {
	if c.badURL {
		return sitrep.Errorf(sitrep.EINVALID, "server URL %q: expected an absolute URL such as http://127.0.0.1:8080", c.base)
	}
	target := c.base + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return fmt.Errorf("build request for %s: %w", target, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "sitrep-client")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("could not reach sitrep at %s: %w", target, unwrapURLError(err))
	}
	defer res.Body.Close()
	ok := res.StatusCode == http.StatusOK
	for _, s := range want {
		ok = ok || res.StatusCode == s
	}
	if !ok {
		return apiError(req, res)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("read answer of %s %s: %w", method, target, err)
	}
	return nil
}

// incidentJSON mirrors internal/web's incident answer; null times decode
// to the zero time. The metrics the server adds are left out: they follow
// from the incident (sitrep.Incident.Metrics).
type incidentJSON struct {
	ID            string                `json:"id"`
	Title         string                `json:"title"`
	Impact        string                `json:"impact"`
	Status        string                `json:"status"`
	Components    []componentStatusJSON `json:"components"`
	Automatic     bool                  `json:"automatic"`
	TakenOver     bool                  `json:"taken_over"`
	CreatedAt     time.Time             `json:"created_at"`
	UpdatedAt     time.Time             `json:"updated_at"`
	StartedAt     time.Time             `json:"started_at"`
	MonitoringAt  time.Time             `json:"monitoring_at"`
	ResolvedAt    time.Time             `json:"resolved_at"`
	FirstFailedAt time.Time             `json:"first_failed_at"`
	DetectedAt    time.Time             `json:"detected_at"`
	Updates       []struct {
		ID         string                `json:"id"`
		Status     string                `json:"status"`
		Message    string                `json:"message"`
		Internal   bool                  `json:"internal"`
		At         time.Time             `json:"at"`
		CreatedAt  time.Time             `json:"created_at"`
		Author     string                `json:"author"`
		Components []componentStatusJSON `json:"components"`
	} `json:"updates"`
	Postmortem *struct {
		Summary   string `json:"summary"`
		RootCause string `json:"root_cause"`
		Impact    string `json:"impact"`
		Timeline  []struct {
			At   time.Time `json:"at"`
			Text string    `json:"text"`
		} `json:"timeline"`
		ActionItems []struct {
			Title string    `json:"title"`
			Owner string    `json:"owner"`
			Due   time.Time `json:"due"`
			Done  bool      `json:"done"`
		} `json:"action_items"`
		Published   bool      `json:"published"`
		PublishedAt time.Time `json:"published_at"`
		UpdatedAt   time.Time `json:"updated_at"`
		Author      string    `json:"author"`
	} `json:"postmortem"`
}

type componentStatusJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

func affected(cs []componentStatusJSON) []sitrep.AffectedComponent {
	if len(cs) == 0 {
		return nil
	}
	out := make([]sitrep.AffectedComponent, len(cs))
	for i, c := range cs {
		out[i] = sitrep.AffectedComponent{ComponentID: c.ID, Status: sitrep.ComponentStatus(c.Status)}
	}
	return out
}

func (j *incidentJSON) incident() *sitrep.Incident {
	inc := &sitrep.Incident{
		ID: j.ID, Title: j.Title, Impact: sitrep.Impact(j.Impact), Status: sitrep.IncidentStatus(j.Status),
		Components: affected(j.Components), Automatic: j.Automatic, TakenOver: j.TakenOver,
		CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt, StartedAt: j.StartedAt, MonitoringAt: j.MonitoringAt,
		ResolvedAt: j.ResolvedAt, FirstFailedAt: j.FirstFailedAt, DetectedAt: j.DetectedAt,
	}
	for _, u := range j.Updates {
		inc.Updates = append(inc.Updates, sitrep.IncidentUpdate{
			ID: u.ID, IncidentID: j.ID, Status: sitrep.IncidentStatus(u.Status), Message: u.Message, Public: !u.Internal,
			At: u.At, CreatedAt: u.CreatedAt, Author: u.Author, Components: affected(u.Components),
		})
	}
	if p := j.Postmortem; p != nil {
		pm := &sitrep.Postmortem{Summary: p.Summary, RootCause: p.RootCause, Impact: p.Impact, Published: p.Published,
			PublishedAt: p.PublishedAt, UpdatedAt: p.UpdatedAt, Author: p.Author}
		for _, e := range p.Timeline {
			pm.Timeline = append(pm.Timeline, sitrep.TimelineEntry{At: e.At, Text: e.Text})
		}
		for _, a := range p.ActionItems {
			pm.ActionItems = append(pm.ActionItems, sitrep.ActionItem{Title: a.Title, Owner: a.Owner, Due: a.Due, Done: a.Done})
		}
		inc.Postmortem = pm
	}
	return inc
}
