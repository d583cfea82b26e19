package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep"
)

// fakeAlerts is an AlertService with one alert and one valid token.
type fakeAlerts struct {
	mu    sync.Mutex
	alert sitrep.Alert
	ackBy []string
}

const goodAckToken = "good.token"

func newFakeAlerts() *fakeAlerts {
	return &fakeAlerts{alert: sitrep.Alert{ID: "a1", Key: "default/component/courses", State: sitrep.AlertTriggered,
		Severity: sitrep.StateDown, Summary: "API is down", MonitorIDs: []string{"api"}, Route: "default",
		TriggeredAt: time.Date(2025, 3, 31, 7, 30, 0, 0, time.UTC), LastNotifiedAt: time.Date(2025, 3, 31, 7, 30, 0, 0, time.UTC)}}
}

func (f *fakeAlerts) Alerts(_ context.Context, filter sitrep.AlertFilter) ([]sitrep.Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if filter.OpenOnly && !f.alert.Open() {
		return nil, nil
	}
	return []sitrep.Alert{f.alert}, nil
}

func (f *fakeAlerts) Alert(_ context.Context, id string) (sitrep.Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id != f.alert.ID {
		return sitrep.Alert{}, sitrep.Errorf(sitrep.ENOTFOUND, "no alert")
	}
	return f.alert, nil
}

func (f *fakeAlerts) Ack(ctx context.Context, id, by string) (sitrep.Alert, error) {
	if _, err := f.Alert(ctx, id); err != nil {
		return sitrep.Alert{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ackBy = append(f.ackBy, by)
	f.alert.State, f.alert.AckedBy = sitrep.AlertAcknowledged, by
	return f.alert, nil
}

func (f *fakeAlerts) AlertForToken(ctx context.Context, token string) (sitrep.Alert, error) {
	if token != goodAckToken {
		return sitrep.Alert{}, sitrep.Errorf(sitrep.EFORBIDDEN, "this acknowledgement link is not valid")
	}
	return f.Alert(ctx, "a1")
}

func (f *fakeAlerts) AckToken(ctx context.Context, token, by string) (sitrep.Alert, error) {
	if _, err := f.AlertForToken(ctx, token); err != nil {
		return sitrep.Alert{}, err
	}
	return f.Ack(ctx, "a1", by)
}

func (f *fakeAlerts) OnCall(_ context.Context, schedule string, at time.Time) ([]sitrep.OnCall, error) {
	if schedule != "" && schedule != "primary" {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no schedule %q; declared: primary", schedule)
	}
	return []sitrep.OnCall{{Schedule: "primary", Rotation: "weekly", Member: sitrep.OnCallMember{Name: "alice", Channel: "alice-sms"},
		From: at.Add(-time.Hour), Until: at.Add(time.Hour)}}, nil
}

func TestAlertsAPI(t *testing.T) {
	tests := []struct {
		name, method, target, token, body string
		status                            int
		contains                          []string
		ackBy                             string
	}{
		{name: "list needs a token", method: "GET", target: "/api/v1/alerts", status: 401, contains: []string{"missing bearer token"}},
		{name: "list open", method: "GET", target: "/api/v1/alerts?state=open", token: viewerToken, status: 200,
			contains: []string{`"id":"a1"`, `"state":"triggered"`, `"monitors":["api"]`, `"triggered_at":"2025-03-31T07:30:00Z"`}},
		{name: "bad state", method: "GET", target: "/api/v1/alerts?state=closed", token: viewerToken, status: 400,
			contains: []string{`unknown state \"closed\"; use open (the default) or all`}},
		{name: "get unknown", method: "GET", target: "/api/v1/alerts/zz", token: viewerToken, status: 404, contains: []string{"no alert \\\"zz\\\""}},
		{name: "viewer cannot ack", method: "POST", target: "/api/v1/alerts/a1/ack", token: viewerToken, status: 403},
		{name: "ack as principal", method: "POST", target: "/api/v1/alerts/a1/ack", token: "responder-token", status: 200,
			contains: []string{`"state":"acknowledged"`, `"acked_by":"rita"`}, ackBy: "rita"},
		{name: "ack by name", method: "POST", target: "/api/v1/alerts/a1/ack", token: adminToken, body: `{"by": "bob"}`, status: 200, ackBy: "bob"},
		{name: "ack bad body", method: "POST", target: "/api/v1/alerts/a1/ack", token: adminToken, body: `{"who": "bob"}`, status: 400},
		{name: "on call", method: "GET", target: "/api/v1/oncall?schedule=primary&at=2025-03-31T08:00:00Z", token: viewerToken, status: 200,
			contains: []string{`"member":"alice"`, `"channel":"alice-sms"`, `"from":"2025-03-31T07:00:00Z"`, `"at":"2025-03-31T08:00:00Z"`}},
		{name: "on call unknown schedule", method: "GET", target: "/api/v1/oncall?schedule=nope", token: viewerToken, status: 404,
			contains: []string{"declared: primary"}},
		{name: "on call bad time", method: "GET", target: "/api/v1/oncall?at=tomorrow", token: viewerToken, status: 400,
			contains: []string{"RFC 3339"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			alerts := newFakeAlerts()
			e := newRecordsEnv(t, func(o *Options) { o.Alerts = alerts })
			hdr := []string{}
			if tc.token != "" {
				hdr = append(hdr, "Authorization", "Bearer "+tc.token)
			}
			if tc.body != "" {
				hdr = append(hdr, "Content-Type", "application/json")
			}
			res := e.do(t, tc.method, tc.target, strings.NewReader(tc.body), hdr...)
			body := readBody(t, res)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, body)
			}
			for _, c := range tc.contains {
				if !strings.Contains(body, c) {
					t.Errorf("body lacks %s:\n%s", c, body)
				}
			}
			if tc.ackBy != "" && (len(alerts.ackBy) != 1 || alerts.ackBy[0] != tc.ackBy) {
				t.Errorf("acked by %v, want %s", alerts.ackBy, tc.ackBy)
			}
		})
	}
}

func TestAckLink(t *testing.T) {
	alerts := newFakeAlerts()
	e := newRecordsEnv(t, func(o *Options) { o.Alerts = alerts })

	res := e.do(t, "GET", "/ack/"+goodAckToken, nil)
	body := readBody(t, res)
	if res.StatusCode != 200 || !strings.Contains(body, "API is down") || !strings.Contains(body, `<form method="post">`) {
		t.Fatalf("confirm page %d:\n%s", res.StatusCode, body)
	}
	if res.Header.Get("Referrer-Policy") != "no-referrer" || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", res.Header)
	}
	if len(alerts.ackBy) != 0 {
		t.Fatal("GET acknowledged the alert; only POST may")
	}

	res = e.do(t, "GET", "/ack/forged.token", nil)
	if body := readBody(t, res); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "not valid") {
		t.Fatalf("forged link %d:\n%s", res.StatusCode, body)
	}
	res = e.do(t, "POST", "/ack/forged.token", strings.NewReader("by=mallory"), "Content-Type", "application/x-www-form-urlencoded")
	if res.StatusCode != http.StatusForbidden || len(alerts.ackBy) != 0 {
		t.Fatalf("forged POST %d, acks %v", res.StatusCode, alerts.ackBy)
	}

	// No Origin check: the link is opened from a mail client, and the
	// token is the credential.
	form := url.Values{"by": {"Alice Smith"}}.Encode()
	res = e.do(t, "POST", "/ack/"+goodAckToken, strings.NewReader(form), "Content-Type", "application/x-www-form-urlencoded")
	body = readBody(t, res)
	if res.StatusCode != 200 || !strings.Contains(body, "Acknowledged") || alerts.ackBy[0] != "Alice Smith" {
		t.Fatalf("ack POST %d, acks %v:\n%s", res.StatusCode, alerts.ackBy, body)
	}
	res = e.do(t, "GET", "/ack/"+goodAckToken, nil)
	if body := readBody(t, res); !strings.Contains(body, "Already acknowledged") || strings.Contains(body, "<form") {
		t.Fatalf("page after ack:\n%s", body)
	}
}
