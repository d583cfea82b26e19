package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"sitrep"
)

// Outbox is implemented by stores that keep the notification outbox next
// to the records whose changes cause events.
type Outbox interface {
	Records
	sitrep.OutboxStore
}

func outboxOf(t *testing.T, s sitrep.Store) Outbox {
	t.Helper()
	o, ok := s.(Outbox)
	if !ok {
		t.Skip("store does not keep the notification outbox")
	}
	return o
}

// outboxCases are registered in Run.
var outboxCases = []tcase{
	{"OutboxEventsWithRecords", testOutboxEventsWithRecords},
	{"OutboxAtomicity", testOutboxAtomicity},
	{"OutboxExpandIdempotent", testOutboxExpandIdempotent},
	{"OutboxOrdering", testOutboxOrdering},
	{"OutboxOrderingAcrossExpansion", testOutboxOrderingAcrossExpansion},
	{"OutboxLeaseExpiry", testOutboxLeaseExpiry},
	{"OutboxRetryFailed", testOutboxRetryFailed},
	{"OutboxClaimExcept", testOutboxClaimExcept},
}

func pendingEvents(t *testing.T, o Outbox) []sitrep.Event {
	t.Helper()
	evs, err := o.PendingEvents(ctxOf(t), 100)
	if err != nil {
		t.Fatalf("PendingEvents: %v", err)
	}
	return evs
}

func testOutboxEventsWithRecords(t *testing.T, s sitrep.Store) {
	o := outboxOf(t, s)
	ctx := ctxOf(t)
	inc := fullIncident()
	inc.Events = []sitrep.Event{{Kind: sitrep.EventIncidentOpened, At: base, OrderKey: "incident:x",
		Components: []string{"courses-oslo", "messaging-oslo"}}}
	if err := o.CreateIncident(ctx, inc); err != nil {
		t.Fatal(err)
	}
	if inc.Events != nil {
		t.Errorf("CreateIncident left Events = %v, want them cleared", inc.Events)
	}
	if _, err := o.UpdateIncident(ctx, inc.ID, func(in *sitrep.Incident) error {
		in.Events = []sitrep.Event{{Kind: sitrep.EventIncidentUpdated, IncidentID: in.ID, UpdateID: "u1", OrderKey: "incident:x", At: base.Add(time.Minute)}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	m := fullMaintenance(t)
	m.Events = []sitrep.Event{{Kind: sitrep.EventMaintenanceScheduled, At: base.Add(2 * time.Minute), Level: 2}}
	if err := o.CreateMaintenance(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordStateChange(ctx, sitrep.StateChange{MonitorID: "web", From: sitrep.StateUp, To: sitrep.StateDown, At: base,
		Events: []sitrep.Event{{Kind: sitrep.EventAlertTriggered, MonitorID: "web", AlertID: "a1"}}}); err != nil {
		t.Fatal(err)
	}
	// Events given with a change come first; those the store derives from
	// the change itself (sitrep.IncidentEvents, MaintenanceEvents) follow
	// in the same transaction.
	evs := pendingEvents(t, o)
	kinds := []sitrep.EventKind{
		sitrep.EventIncidentOpened, sitrep.EventIncidentOpened, sitrep.EventPostmortemPublished, // create: given, derived
		sitrep.EventIncidentUpdated,                                        // update: given
		sitrep.EventMaintenanceScheduled, sitrep.EventMaintenanceScheduled, // create: given, derived
		sitrep.EventAlertTriggered,
	}
	if len(evs) != len(kinds) {
		t.Fatalf("pending events = %+v, want %d in commit order", evs, len(kinds))
	}
	for i, e := range evs {
		if e.Kind != kinds[i] || e.ID == "" || e.At.IsZero() {
			t.Errorf("event %d = %+v, want kind %s with an id and a time", i, e, kinds[i])
		}
	}
	if got := evs[0]; len(got.Components) != 2 || got.Components[1] != "messaging-oslo" || !got.At.Equal(base) || got.OrderKey != "incident:x" {
		t.Errorf("opened event read back as %+v", got)
	}
	if got := evs[1]; got.IncidentID != inc.ID || got.UpdateID == "" || got.OrderKey != "incident:"+inc.ID {
		t.Errorf("derived opened event = %+v, want the incident, its first public update and its order key", got)
	}
	if got := evs[3]; got.IncidentID != inc.ID || got.UpdateID != "u1" {
		t.Errorf("updated event read back as %+v", got)
	}
	if evs[4].Level != 2 || evs[5].MaintenanceID != m.ID || evs[6].AlertID != "a1" || evs[6].MonitorID != "web" {
		t.Errorf("events read back as %+v / %+v / %+v", evs[4], evs[5], evs[6])
	}
	one, err := o.Event(ctx, evs[3].ID)
	if err != nil || one.ID != evs[3].ID || one.Kind != sitrep.EventIncidentUpdated {
		t.Errorf("Event(%s) = %+v, %v", evs[3].ID, one, err)
	}
	if _, err := o.Event(ctx, "no-such-event"); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Errorf("Event(unknown) error = %v, want not_found", err)
	}
}

func testOutboxAtomicity(t *testing.T, s sitrep.Store) {
	o := outboxOf(t, s)
	ctx := ctxOf(t)
	inc := createIncident(t, o, fullIncident())
	before := len(pendingEvents(t, o)) // the incident's own announcement
	boom := errors.New("no")
	cases := []struct {
		name string
		fn   func(*sitrep.Incident) error
	}{
		{"fn fails", func(in *sitrep.Incident) error {
			in.Title = "changed"
			in.Events = []sitrep.Event{{Kind: sitrep.EventIncidentUpdated}}
			return boom
		}},
		{"write fails after fn", func(in *sitrep.Incident) error {
			in.Components = append(in.Components, in.Components[0])
			in.Events = []sitrep.Event{{Kind: sitrep.EventIncidentUpdated}}
			return nil
		}},
		{"event is invalid", func(in *sitrep.Incident) error {
			in.Title = "changed"
			in.Events = []sitrep.Event{{Kind: sitrep.EventIncidentUpdated}, {}}
			return nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := o.UpdateIncident(ctx, inc.ID, c.fn); err == nil {
				t.Fatal("UpdateIncident succeeded, want an error")
			}
			if evs := pendingEvents(t, o); len(evs) != before {
				t.Errorf("pending events after a failed update = %+v, want only the %d from before", evs, before)
			}
			got, err := o.Incident(ctx, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Title != inc.Title {
				t.Errorf("title = %q after a failed update, want %q", got.Title, inc.Title)
			}
		})
	}
}

func addEvent(t *testing.T, o Outbox, e sitrep.Event) sitrep.Event {
	t.Helper()
	e.ID = "ev-" + string(e.Kind) + "-" + e.OrderKey + "-" + e.At.Format("150405")
	if err := o.AddEvents(ctxOf(t), []sitrep.Event{e}); err != nil {
		t.Fatalf("AddEvents: %v", err)
	}
	return e
}

func delivery(e sitrep.Event, channel, recipient string) sitrep.Delivery {
	return sitrep.Delivery{Channel: channel, Recipient: recipient, IdempotencyKey: e.ID + "/" + channel + "/" + recipient,
		CreatedAt: e.At, NextAttemptAt: e.At}
}

func expand(t *testing.T, o Outbox, e sitrep.Event, ds ...sitrep.Delivery) {
	t.Helper()
	if err := o.ExpandEvent(ctxOf(t), e.ID, ds); err != nil {
		t.Fatalf("ExpandEvent(%s): %v", e.ID, err)
	}
}

func claim(t *testing.T, o Outbox, now time.Time) []sitrep.Delivery {
	t.Helper()
	ds, err := o.DueDeliveries(ctxOf(t), now, 100)
	if err != nil {
		t.Fatalf("DueDeliveries: %v", err)
	}
	return ds
}

func keys(ds []sitrep.Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.IdempotencyKey
	}
	return out
}

func testOutboxExpandIdempotent(t *testing.T, s sitrep.Store) {
	o := outboxOf(t, s)
	ctx := ctxOf(t)
	e := addEvent(t, o, sitrep.Event{Kind: sitrep.EventIncidentOpened, At: base, OrderKey: "incident:1"})
	d := delivery(e, "subscriber", "a@example.com")
	d.SubscriberID = "sub1"
	expand(t, o, e, d, d) // the same key twice in one call
	expand(t, o, e, d)    // and again, as after a crash before the mark
	if evs := pendingEvents(t, o); len(evs) != 0 {
		t.Errorf("pending events after expansion = %+v, want none", evs)
	}
	got, err := o.Deliveries(ctx, sitrep.DeliveryPending, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("deliveries = %+v, want exactly one", got)
	}
	g := got[0]
	if g.ID == "" || g.EventID != e.ID || g.Kind != e.Kind || g.OrderKey != "incident:1" || g.SubscriberID != "sub1" ||
		g.State != sitrep.DeliveryPending || !g.CreatedAt.Equal(base) || g.Attempts != 0 {
		t.Errorf("delivery read back as %+v", g)
	}
	// A second event with a delivery carrying a key that exists is skipped too.
	e2 := addEvent(t, o, sitrep.Event{Kind: sitrep.EventIncidentUpdated, At: base.Add(time.Second), OrderKey: "incident:1"})
	expand(t, o, e2, d)
	if got, _ := o.Deliveries(ctx, "", 10); len(got) != 1 {
		t.Errorf("deliveries after a duplicate key = %d, want 1", len(got))
	}
	if err := o.ExpandEvent(ctx, "no-such-event", nil); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Errorf("ExpandEvent(unknown) error = %v, want not_found", err)
	}
}

func testOutboxOrdering(t *testing.T, s sitrep.Store) {
	o := outboxOf(t, s)
	ctx := ctxOf(t)
	opened := addEvent(t, o, sitrep.Event{Kind: sitrep.EventIncidentOpened, At: base, OrderKey: "incident:1"})
	updated := addEvent(t, o, sitrep.Event{Kind: sitrep.EventIncidentUpdated, At: base.Add(time.Second), OrderKey: "incident:1"})
	other := addEvent(t, o, sitrep.Event{Kind: sitrep.EventIncidentOpened, At: base.Add(time.Second), OrderKey: "incident:2"})
	expand(t, o, opened, delivery(opened, "subscriber", "a"), delivery(opened, "subscriber", "b"), delivery(opened, "pager", "a"))
	expand(t, o, updated, delivery(updated, "subscriber", "a"), delivery(updated, "subscriber", "b"), delivery(updated, "pager", "a"))
	expand(t, o, other, delivery(other, "subscriber", "a"))

	now := base.Add(time.Minute)
	first := claim(t, o, now)
	want := map[string]bool{
		opened.ID + "/subscriber/a": true, opened.ID + "/subscriber/b": true, opened.ID + "/pager/a": true,
		other.ID + "/subscriber/a": true,
	}
	if len(first) != len(want) {
		t.Fatalf("first claim = %v, want only the openings %v", keys(first), want)
	}
	for _, d := range first {
		if !want[d.IdempotencyKey] {
			t.Errorf("claimed %s before the delivery it follows", d.IdempotencyKey)
		}
	}
	// Deliver a's opening; its update becomes due. b's opening fails for
	// now (retry later): b's update stays behind it.
	for _, d := range first {
		switch d.IdempotencyKey {
		case opened.ID + "/subscriber/a":
			d.State, d.Attempts, d.DeliveredAt = sitrep.DeliveryDelivered, 1, now
		case opened.ID + "/subscriber/b":
			d.Attempts, d.NextAttemptAt, d.LastError = 1, now.Add(time.Hour), "timeout"
		default:
			continue
		}
		if err := o.RecordAttempt(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	second := claim(t, o, now)
	if got := keys(second); len(got) != 1 || got[0] != updated.ID+"/subscriber/a" {
		t.Errorf("second claim = %v, want only a's update", got)
	}
}

func testOutboxLeaseExpiry(t *testing.T, s sitrep.Store) {
	o := outboxOf(t, s)
	ctx := ctxOf(t)
	e := addEvent(t, o, sitrep.Event{Kind: sitrep.EventAlertTriggered, At: base, OrderKey: "alert:1"})
	expand(t, o, e, delivery(e, "pager", "key"))
	now := base.Add(time.Second)
	if got := claim(t, o, now); len(got) != 1 {
		t.Fatalf("first claim = %v, want the delivery", keys(got))
	}
	// Claimed: nobody else gets it while the claimer may still be sending.
	if got := claim(t, o, now.Add(time.Second)); len(got) != 0 {
		t.Fatalf("claim during the lease = %v, want nothing", keys(got))
	}
	// The claimer died (kill -9) without recording an attempt; once the
	// lease runs out the delivery is due again, with the same key.
	got := claim(t, o, now.Add(time.Hour))
	if len(got) != 1 || got[0].IdempotencyKey != e.ID+"/pager/key" || got[0].State != sitrep.DeliveryPending {
		t.Fatalf("claim after the lease = %+v, want the delivery again", got)
	}
	d := got[0]
	d.State, d.Attempts, d.DeliveredAt = sitrep.DeliveryDelivered, 1, now.Add(time.Hour)
	if err := o.RecordAttempt(ctx, d); err != nil {
		t.Fatal(err)
	}
	if got := claim(t, o, now.Add(48*time.Hour)); len(got) != 0 {
		t.Errorf("claim after delivery = %v, want nothing", keys(got))
	}
	// A late answer from the first claimer cannot undo the delivery.
	late := d
	late.State, late.LastError = sitrep.DeliveryFailed, "late"
	if err := o.RecordAttempt(ctx, late); err != nil {
		t.Fatal(err)
	}
	if ds, _ := o.Deliveries(ctx, sitrep.DeliveryDelivered, 10); len(ds) != 1 || !ds[0].DeliveredAt.Equal(now.Add(time.Hour)) {
		t.Errorf("delivered = %+v, want the one delivery untouched", ds)
	}
	if err := o.RecordAttempt(ctx, sitrep.Delivery{ID: "nope", State: sitrep.DeliveryDelivered}); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Errorf("RecordAttempt(unknown) error = %v, want not_found", err)
	}
}

func testOutboxRetryFailed(t *testing.T, s sitrep.Store) {
	o := outboxOf(t, s)
	ctx := ctxOf(t)
	e := addEvent(t, o, sitrep.Event{Kind: sitrep.EventIncidentResolved, At: base, OrderKey: "incident:9"})
	expand(t, o, e, delivery(e, "hook", "https://example.com/h"), delivery(e, "hook", "https://example.com/ok"))
	ds := claim(t, o, base)
	if len(ds) != 2 {
		t.Fatalf("claim = %v", keys(ds))
	}
	for _, d := range ds {
		d.Attempts = 3
		if d.Recipient == "https://example.com/h" {
			d.State, d.LastError = sitrep.DeliveryFailed, "410 Gone"
		} else {
			d.State, d.DeliveredAt = sitrep.DeliveryDelivered, base
		}
		if err := o.RecordAttempt(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	failed, err := o.Deliveries(ctx, sitrep.DeliveryFailed, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 1 || failed[0].LastError != "410 Gone" || failed[0].Attempts != 3 {
		t.Fatalf("failed deliveries = %+v, want the one with its last error", failed)
	}
	if all, _ := o.Deliveries(ctx, "", 10); len(all) != 2 || all[0].Recipient != "https://example.com/ok" {
		t.Errorf("all deliveries = %+v, want both, newest first", all)
	}
	retryAt := base.Add(48 * time.Hour)
	if err := o.RetryDelivery(ctx, failed[0].ID, retryAt); err != nil {
		t.Fatal(err)
	}
	got := claim(t, o, retryAt)
	if len(got) != 1 || got[0].ID != failed[0].ID || got[0].Attempts != 0 || !got[0].CreatedAt.Equal(retryAt) {
		t.Errorf("claim after retry = %+v, want the delivery afresh (attempts 0, created at the retry)", got)
	}
	for name, c := range map[string]struct {
		id   string
		code string
	}{
		"pending": {failed[0].ID, sitrep.ECONFLICT},
		"unknown": {"nope", sitrep.ENOTFOUND},
	} {
		if err := o.RetryDelivery(ctx, c.id, retryAt); sitrep.ErrorCode(err) != c.code {
			t.Errorf("RetryDelivery(%s) error = %v, want %s", name, err, c.code)
		}
	}
}

// testOutboxOrderingAcrossExpansion: an update whose opening has not been
// expanded yet (its expander failed for a while, or another node is on
// it) waits for it.
func testOutboxOrderingAcrossExpansion(t *testing.T, s sitrep.Store) {
	o := outboxOf(t, s)
	opened := addEvent(t, o, sitrep.Event{Kind: sitrep.EventIncidentOpened, At: base, OrderKey: "incident:3"})
	updated := addEvent(t, o, sitrep.Event{Kind: sitrep.EventIncidentUpdated, At: base.Add(time.Second), OrderKey: "incident:3"})
	expand(t, o, updated, delivery(updated, "subscriber", "a"))
	now := base.Add(time.Minute)
	if got := claim(t, o, now); len(got) != 0 {
		t.Fatalf("claim before the opening is expanded = %v, want nothing", keys(got))
	}
	expand(t, o, opened, delivery(opened, "subscriber", "a"))
	if got := keys(claim(t, o, now)); len(got) != 1 || got[0] != opened.ID+"/subscriber/a" {
		t.Errorf("claim after expansion = %v, want the opening first", got)
	}
}

// exceptClaimer is the optional claim that leaves full lanes' channels out
// (notify.ExcludingClaimer; storetest does not import notify).
type exceptClaimer interface {
	DueDeliveriesExcept(ctx context.Context, now time.Time, limit int, channels []string) ([]sitrep.Delivery, error)
}

func testOutboxClaimExcept(t *testing.T, s sitrep.Store) {
	o := outboxOf(t, s)
	ex, ok := s.(exceptClaimer)
	if !ok {
		t.Skip("store cannot leave channels out of a claim")
	}
	e := addEvent(t, o, sitrep.Event{Kind: sitrep.EventIncidentOpened, At: base, OrderKey: "incident:1"})
	expand(t, o, e, delivery(e, "subscriber:email", "a"), delivery(e, "pager", "k"), delivery(e, "hook", "h"))
	got, err := ex.DueDeliveriesExcept(ctxOf(t), base, 10, []string{"subscriber:email", "hook"})
	if err != nil {
		t.Fatal(err)
	}
	if k := keys(got); len(k) != 1 || k[0] != e.ID+"/pager/k" {
		t.Errorf("claim except email and hook = %v, want only the pager", k)
	}
	if k := keys(claim(t, o, base)); len(k) != 2 {
		t.Errorf("claim of the rest = %v, want email and hook", k)
	}
}
