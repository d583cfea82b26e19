package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/web"
)

// fakeAlerts is an AlertService with one alert and one schedule.
type fakeAlerts struct {
	mu    sync.Mutex
	alert sitrep.Alert
	at    time.Time // last OnCall time asked
}

func (f *fakeAlerts) Alerts(context.Context, sitrep.AlertFilter) ([]sitrep.Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
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
	f.alert.State, f.alert.AckedBy, f.alert.AckedAt = sitrep.AlertAcknowledged, by, cliNow
	return f.alert, nil
}

func (f *fakeAlerts) AlertForToken(context.Context, string) (sitrep.Alert, error) {
	return sitrep.Alert{}, sitrep.Errorf(sitrep.EFORBIDDEN, "not valid")
}

func (f *fakeAlerts) AckToken(context.Context, string, string) (sitrep.Alert, error) {
	return sitrep.Alert{}, sitrep.Errorf(sitrep.EFORBIDDEN, "not valid")
}

func (f *fakeAlerts) OnCall(_ context.Context, schedule string, at time.Time) ([]sitrep.OnCall, error) {
	f.mu.Lock()
	f.at = at
	f.mu.Unlock()
	if schedule != "" && schedule != "primary" {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no schedule %q; declared: primary", schedule)
	}
	return []sitrep.OnCall{
		{Schedule: "primary", Rotation: "weekly", Member: sitrep.OnCallMember{Name: "alice", Channel: "alice-sms"}, From: at.Add(-time.Hour), Until: at.Add(48 * time.Hour)},
		{Schedule: "primary", Rotation: "daily", Member: sitrep.OnCallMember{Name: "bob", Channel: "bob-sms"}, From: at, Until: at.Add(time.Hour), Override: true},
	}, nil
}

func TestAlertCommands(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
		at     time.Time
	}{
		{name: "ack", args: []string{"ack", "a1"}, stdout: []string{"Alert a1 acknowledged by admin-token: API is down"}},
		{name: "ack by name", args: []string{"ack", "a1", "--by", "alice"}, stdout: []string{"acknowledged by alice"}},
		{name: "ack json", args: []string{"ack", "--json", "a1"}, stdout: []string{`"State": "acknowledged"`}},
		{name: "ack unknown", args: []string{"ack", "zz"}, code: 1, stderr: "sitrep ack: no alert \"zz\"; GET /api/v1/alerts?state=all lists them\n"},
		{name: "ack without id", args: []string{"ack"}, code: 2},
		{name: "oncall", args: []string{"oncall"}, at: cliNow, stdout: []string{
			"SCHEDULE  ROTATION  ON CALL         CHANNEL    UNTIL",
			"primary   weekly    alice           alice-sms  2026-11-24 18:00Z",
			"primary   daily     bob (override)  bob-sms    2026-11-22 19:00Z"}},
		{name: "oncall at", args: []string{"oncall", "--schedule", "primary", "--at", "2026-12-24T09:00:00+01:00"},
			at: time.Date(2026, 12, 24, 8, 0, 0, 0, time.UTC), stdout: []string{"alice"}},
		{name: "oncall unknown schedule", args: []string{"oncall", "--schedule", "nope"}, code: 1,
			stderr: "sitrep oncall: no schedule \"nope\"; declared: primary\n"},
		{name: "oncall stray argument", args: []string{"oncall", "primary"}, code: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeAlerts{alert: sitrep.Alert{ID: "a1", State: sitrep.AlertTriggered, Summary: "API is down", TriggeredAt: cliNow}}
			srv := web.New(web.Options{Alerts: f, Auth: web.TokenAuthenticator{Hash: web.HashToken(cliToken)},
				Now: func() time.Time { return cliNow }})
			ts := httptest.NewServer(srv)
			t.Cleanup(ts.Close)
			t.Setenv("SITREP_URL", ts.URL)
			t.Setenv("SITREP_TOKEN", cliToken)

			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			if tc.stderr != "" && stderr != tc.stderr {
				t.Errorf("stderr = %q, want %q", stderr, tc.stderr)
			}
			if !tc.at.IsZero() && !f.at.Equal(tc.at) {
				t.Errorf("asked about %s, want %s", f.at, tc.at)
			}
		})
	}
}
