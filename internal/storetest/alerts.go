package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"sitrep"
)

// Alerts is implemented by stores that keep staff alerts and the outbox.
type Alerts interface {
	sitrep.AlertStore
	sitrep.OutboxStore
}

func alertsOf(t *testing.T, s sitrep.Store) Alerts {
	t.Helper()
	a, ok := s.(Alerts)
	if !ok {
		t.Skip("store does not keep alerts")
	}
	return a
}

// alertCases are registered in Run.
var alertCases = []tcase{
	{"AlertRoundTrip", testAlertRoundTrip},
	{"AlertOneOpenPerKey", testAlertOneOpenPerKey},
	{"AlertUpdateWithEvents", testAlertUpdateWithEvents},
}

func sampleAlert(id, key string) sitrep.Alert {
	return sitrep.Alert{
		ID: id, Key: key, MonitorIDs: []string{"api", "web"}, ComponentIDs: []string{"courses"},
		Route: "default", Policy: "pager", State: sitrep.AlertTriggered, Severity: sitrep.StateDown,
		TriggeredAt: base, LastNotifiedAt: base, Summary: "2 monitors are down: API, Website",
	}
}

func testAlertRoundTrip(t *testing.T, s sitrep.Store) {
	st := alertsOf(t, s)
	ctx := ctxOf(t)
	want := sampleAlert("a1", "default/component/courses")
	want.Events = []sitrep.Event{{ID: "ev-a1", Kind: sitrep.EventAlertTriggered, At: base, AlertID: "a1", OrderKey: "alert:a1"}}
	if err := st.CreateAlert(ctx, want); err != nil {
		t.Fatal(err)
	}
	want.Events = nil
	got, err := st.Alert(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Alert = %+v\nwant    %+v", got, want)
	}
	if got, err := st.OpenAlertByKey(ctx, want.Key); err != nil || got.ID != "a1" {
		t.Fatalf("OpenAlertByKey = %v, %v", got.ID, err)
	}
	if _, err := st.Alert(ctx, "nope"); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Fatalf("Alert(nope) = %v, want not found", err)
	}
	ev, err := st.Event(ctx, "ev-a1")
	if err != nil || ev.AlertID != "a1" || ev.Kind != sitrep.EventAlertTriggered {
		t.Fatalf("event written with the alert: %+v, %v", ev, err)
	}
}

func testAlertOneOpenPerKey(t *testing.T, s sitrep.Store) {
	st := alertsOf(t, s)
	ctx := ctxOf(t)
	if err := st.CreateAlert(ctx, sampleAlert("a1", "k")); err != nil {
		t.Fatal(err)
	}
	dup := sampleAlert("a2", "k")
	dup.Events = []sitrep.Event{{ID: "ev-a2", Kind: sitrep.EventAlertTriggered, At: base, AlertID: "a2"}}
	if err := st.CreateAlert(ctx, dup); sitrep.ErrorCode(err) != sitrep.ECONFLICT {
		t.Fatalf("second open alert for a key: %v, want conflict", err)
	}
	if _, err := st.Event(ctx, "ev-a2"); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Fatalf("event of a rejected alert was written: %v", err)
	}
	if _, err := st.UpdateAlert(ctx, "a1", func(a *sitrep.Alert) error {
		a.State, a.ResolvedAt = sitrep.AlertResolved, base.Add(time.Hour)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.OpenAlertByKey(ctx, "k"); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Fatalf("OpenAlertByKey after resolve: %v, want not found", err)
	}
	if err := st.CreateAlert(ctx, sampleAlert("a2", "k")); err != nil {
		t.Fatalf("a new alert after the old one resolved: %v", err)
	}
	all, err := st.Alerts(ctx, sitrep.AlertFilter{})
	if err != nil || len(all) != 2 || all[0].ID != "a2" {
		t.Fatalf("Alerts = %v, %v; want a2, a1", all, err)
	}
	open, err := st.Alerts(ctx, sitrep.AlertFilter{OpenOnly: true})
	if err != nil || len(open) != 1 || open[0].ID != "a2" {
		t.Fatalf("open Alerts = %v, %v; want a2", open, err)
	}
}

func testAlertUpdateWithEvents(t *testing.T, s sitrep.Store) {
	st := alertsOf(t, s)
	ctx := ctxOf(t)
	if err := st.CreateAlert(ctx, sampleAlert("a1", "k")); err != nil {
		t.Fatal(err)
	}
	at := base.Add(10 * time.Minute)
	got, err := st.UpdateAlert(ctx, "a1", func(a *sitrep.Alert) error {
		a.Level, a.LastNotifiedAt = 1, at
		a.MonitorIDs = append(a.MonitorIDs, "cdn")
		a.Events = []sitrep.Event{{ID: "esc", Kind: sitrep.EventAlertEscalated, At: at, AlertID: "a1", Level: 1, OrderKey: "alert:a1"}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Level != 1 || !got.LastNotifiedAt.Equal(at) || len(got.MonitorIDs) != 3 || got.Events != nil {
		t.Fatalf("UpdateAlert = %+v", got)
	}
	if ev, err := st.Event(ctx, "esc"); err != nil || ev.Level != 1 {
		t.Fatalf("escalation event: %+v, %v", ev, err)
	}
	boom := errors.New("boom")
	before, err := st.UpdateAlert(ctx, "a1", func(a *sitrep.Alert) error {
		a.State = sitrep.AlertAcknowledged
		a.Events = []sitrep.Event{{ID: "lost", Kind: sitrep.EventAlertReminder, At: at, AlertID: "a1"}}
		return boom
	})
	if !errors.Is(err, boom) || before.ID != "a1" || before.State != sitrep.AlertTriggered {
		t.Fatalf("aborted UpdateAlert = %+v, %v; want the alert as read and boom", before, err)
	}
	if _, err := st.Event(ctx, "lost"); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Fatalf("event of an aborted update was written: %v", err)
	}
	if a, _ := st.Alert(ctx, "a1"); a.State != sitrep.AlertTriggered {
		t.Fatalf("aborted update changed the state to %s", a.State)
	}
	if _, err := st.UpdateAlert(ctx, "nope", func(*sitrep.Alert) error { return nil }); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Fatalf("UpdateAlert(nope) = %v, want not found", err)
	}
}
