package client

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"sitrep"
)

// alertJSON is an alert as /api/v1/alerts shows it.
type alertJSON struct {
	ID             string     `json:"id"`
	State          string     `json:"state"`
	Severity       string     `json:"severity"`
	Summary        string     `json:"summary"`
	Level          int        `json:"level"`
	Monitors       []string   `json:"monitors"`
	Components     []string   `json:"components"`
	Route          string     `json:"route"`
	Policy         string     `json:"policy"`
	Key            string     `json:"key"`
	TriggeredAt    time.Time  `json:"triggered_at"`
	LastNotifiedAt time.Time  `json:"last_notified_at"`
	AckedAt        *time.Time `json:"acked_at"`
	AckedBy        string     `json:"acked_by"`
	ResolvedAt     *time.Time `json:"resolved_at"`
}

func (a alertJSON) alert() sitrep.Alert {
	out := sitrep.Alert{ID: a.ID, Key: a.Key, MonitorIDs: a.Monitors, ComponentIDs: a.Components, Route: a.Route, Policy: a.Policy,
		State: sitrep.AlertState(a.State), Severity: sitrep.State(a.Severity), Level: a.Level, TriggeredAt: a.TriggeredAt,
		AckedBy: a.AckedBy, LastNotifiedAt: a.LastNotifiedAt, Summary: a.Summary}
	if a.AckedAt != nil {
		out.AckedAt = *a.AckedAt
	}
	if a.ResolvedAt != nil {
		out.ResolvedAt = *a.ResolvedAt
	}
	return out
}

// Alerts lists open alerts, or every recent one when all is set.
func (c *Client) Alerts(ctx context.Context, all bool) ([]sitrep.Alert, error) {
	q := url.Values{"state": {"open"}}
	if all {
		q.Set("state", "all")
	}
	var out struct {
		Alerts []alertJSON `json:"alerts"`
	}
	if err := c.send(ctx, http.MethodGet, "/api/v1/alerts", q, nil, &out); err != nil {
		return nil, err
	}
	alerts := make([]sitrep.Alert, len(out.Alerts))
	for i, a := range out.Alerts {
		alerts[i] = a.alert()
	}
	return alerts, nil
}

// AckAlert acknowledges an alert; by "" records the token's principal.
func (c *Client) AckAlert(ctx context.Context, id, by string) (sitrep.Alert, error) {
	body := map[string]any{}
	setIf(body, "by", by)
	var out alertJSON
	if err := c.send(ctx, http.MethodPost, "/api/v1/alerts/"+url.PathEscape(id)+"/ack", nil, body, &out); err != nil {
		return sitrep.Alert{}, err
	}
	return out.alert(), nil
}

// OnCall says who is on call at a time (zero: now) in one schedule, or
// in every schedule when schedule is "".
func (c *Client) OnCall(ctx context.Context, schedule string, at time.Time) ([]sitrep.OnCall, error) {
	q := url.Values{}
	if schedule != "" {
		q.Set("schedule", schedule)
	}
	if !at.IsZero() {
		q.Set("at", at.UTC().Format(time.RFC3339))
	}
	var out struct {
		OnCall []struct {
			Schedule string    `json:"schedule"`
			Rotation string    `json:"rotation"`
			Member   string    `json:"member"`
			Channel  string    `json:"channel"`
			From     time.Time `json:"from"`
			Until    time.Time `json:"until"`
			Override bool      `json:"override"`
		} `json:"oncall"`
	}
	if err := c.send(ctx, http.MethodGet, "/api/v1/oncall", q, nil, &out); err != nil {
		return nil, err
	}
	list := make([]sitrep.OnCall, len(out.OnCall))
	for i, o := range out.OnCall {
		list[i] = sitrep.OnCall{Schedule: o.Schedule, Rotation: o.Rotation, Member: sitrep.OnCallMember{Name: o.Member, Channel: o.Channel},
			From: o.From, Until: o.Until, Override: o.Override}
	}
	return list, nil
}
