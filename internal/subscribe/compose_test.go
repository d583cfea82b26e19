package subscribe_test

import (
	"context"
	"crypto/sha256"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/subscribe"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// evil is what people type into titles and updates; it must come out as
// text in both parts, never as markup or a header.
const evil = `<script>alert("x")</script> & "quotes" {{.Secret}} ünï 😀` + "\r\nBcc: victim@example.com"

func goldenEnv(t *testing.T) (*env, *subscribe.Service) {
	e := newEnv(t)
	ctx := context.Background()
	h := func(s string) []byte { x := sha256.Sum256([]byte(s)); return x[:] }
	for _, sub := range []*sitrep.Subscriber{
		{ID: "subscriberfixed1", Page: "main", Kind: sitrep.SubscriberEmail, Address: "ann@example.com",
			Confirmed: true, CreatedAt: t0, ConfirmedAt: t0, ManageHash: h("m1")},
		{ID: "subscriberfixed2", Page: "main", Kind: sitrep.SubscriberEmail, Address: "bob@example.com", Components: []string{"video"},
			CreatedAt: t0, ConfirmRequestedAt: t0, ConfirmHash: h("c2"), ConfirmExpires: t0.Add(sitrep.ConfirmTTL), ManageHash: h("m2")},
	} {
		if err := e.store.CreateSubscriber(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	started := t0.Add(-20 * time.Minute)
	e.rec.inc["inc1"] = &sitrep.Incident{
		ID: "inc1", Title: "Video playback fails " + evil, Impact: sitrep.ImpactMajor, Status: sitrep.IncidentResolved,
		Components: []sitrep.AffectedComponent{{ComponentID: "video", Status: sitrep.StatusMajorOutage}, {ComponentID: "courses", Status: sitrep.StatusDegraded}},
		StartedAt:  started, CreatedAt: t0, ResolvedAt: t0.Add(95 * time.Minute),
		Updates: []sitrep.IncidentUpdate{
			{ID: "u1", Status: sitrep.IncidentInvestigating, Message: "We are investigating.\nVideos do not start. " + evil, Public: true, At: t0},
			{ID: "u2", Status: sitrep.IncidentIdentified, Message: "A storage node failed; failing over.", Public: true, At: t0.Add(30 * time.Minute)},
			{ID: "u3", Status: sitrep.IncidentResolved, Message: "Playback works again.", Public: true, At: t0.Add(95 * time.Minute)},
		},
		Postmortem: &sitrep.Postmortem{Summary: "Failover did not trigger. " + evil, RootCause: "A stale health check.", Impact: "Video in Oslo for 95 minutes.",
			ActionItems: []sitrep.ActionItem{{Title: "Test failover monthly", Due: t0.Add(30 * 24 * time.Hour)}, {Title: "Alert on health check age", Done: true}},
			Published:   true, PublishedAt: t0.Add(48 * time.Hour)},
	}
	e.rec.mnt["mnt1"] = &sitrep.Maintenance{
		ID: "mnt1", Title: "Database upgrade " + evil, Description: "Courses will be read-only.", Components: []string{"courses"},
		PlannedStart: t0.Add(24 * time.Hour), PlannedEnd: t0.Add(27 * time.Hour), ActualStart: t0.Add(24 * time.Hour),
		ActualEnd: t0.Add(28*time.Hour + 10*time.Minute), Status: sitrep.MaintenanceCompleted, Overrun: true,
		Updates: []sitrep.MaintenanceUpdate{{ID: "mu1", Message: "Still migrating; about one more hour. " + evil, Public: true}},
	}
	return e, e.svc
}

func TestComposeGolden(t *testing.T) {
	e, svc := goldenEnv(t)
	ann := "subscriberfixed1"
	for _, c := range []struct {
		name string
		ev   sitrep.Event
		sub  string
	}{
		{"incident_opened", sitrep.Event{ID: "ev", Kind: sitrep.EventIncidentOpened, IncidentID: "inc1", UpdateID: "u1", At: t0}, ann},
		{"incident_updated", sitrep.Event{ID: "ev", Kind: sitrep.EventIncidentUpdated, IncidentID: "inc1", UpdateID: "u2", At: t0}, ann},
		{"incident_resolved", sitrep.Event{ID: "ev", Kind: sitrep.EventIncidentResolved, IncidentID: "inc1", UpdateID: "u3", At: t0}, ann},
		{"postmortem_published", sitrep.Event{ID: "ev", Kind: sitrep.EventPostmortemPublished, IncidentID: "inc1", At: t0}, ann},
		{"maintenance_scheduled", sitrep.Event{ID: "ev", Kind: sitrep.EventMaintenanceScheduled, MaintenanceID: "mnt1", At: t0}, ann},
		{"maintenance_reminder", sitrep.Event{ID: "ev", Kind: sitrep.EventMaintenanceReminder, MaintenanceID: "mnt1", At: t0.Add(23 * time.Hour)}, ann},
		{"maintenance_started", sitrep.Event{ID: "ev", Kind: sitrep.EventMaintenanceStarted, MaintenanceID: "mnt1", At: t0}, ann},
		{"maintenance_overrun", sitrep.Event{ID: "ev", Kind: sitrep.EventMaintenanceOverrun, MaintenanceID: "mnt1", UpdateID: "mu1", At: t0}, ann},
		{"maintenance_rescheduled", sitrep.Event{ID: "ev", Kind: sitrep.EventMaintenanceRescheduled, MaintenanceID: "mnt1", UpdateID: "mu1", At: t0}, ann},
		{"maintenance_extended", sitrep.Event{ID: "ev", Kind: sitrep.EventMaintenanceExtended, MaintenanceID: "mnt1", At: t0}, ann},
		{"maintenance_completed", sitrep.Event{ID: "ev", Kind: sitrep.EventMaintenanceCompleted, MaintenanceID: "mnt1", At: t0}, ann},
		{"subscriber_confirm", sitrep.Event{ID: "ev", Kind: sitrep.EventSubscriberConfirm, OrderKey: sitrep.SubscriberOrderKey("subscriberfixed2"), At: t0}, "subscriberfixed2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sub, err := e.store.Subscriber(context.Background(), c.sub)
			if err != nil {
				t.Fatal(err)
			}
			d := sitrep.Delivery{EventID: "ev", Kind: c.ev.Kind, SubscriberID: sub.ID, Channel: "subscriber:email",
				Recipient: sub.Address, IdempotencyKey: "ev:" + sub.ID}
			m, err := svc.Compose(context.Background(), c.ev, d)
			if err != nil {
				t.Fatal(err)
			}
			if strings.ContainsAny(m.Title, "\r\n") {
				t.Errorf("title has a line break: %q", m.Title)
			}
			for _, part := range []string{m.HTML, m.Text} {
				if strings.Contains(part, "{{") && !strings.Contains(part, "{{.Secret}}") {
					t.Errorf("template text leaked")
				}
			}
			if strings.Contains(m.HTML, "<script>") || strings.Contains(m.HTML, `"quotes"`) {
				t.Errorf("HTML carries the payload unescaped")
			}
			head := "Subject: " + m.Title + "\nSeverity: " + m.Severity + "\nURL: " + m.URL + "\n"
			for _, k := range []string{"List-Unsubscribe", "List-Unsubscribe-Post"} {
				if v, ok := m.Headers[k]; ok {
					head += k + ": " + v + "\n"
				}
			}
			golden(t, c.name+".txt", head+"\n"+m.Text)
			golden(t, c.name+".html", m.HTML)
		})
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\n got:\n%s", name, got)
	}
}

func TestComposeHostileBranding(t *testing.T) {
	e, svc := goldenEnv(t)
	cat := testCatalog()
	cat.Pages[0].Branding = sitrep.Branding{Name: `<b>Evil</b>`, LogoURL: "javascript:alert(1)",
		AccentColor: `red;background:url("javascript:alert(1)")`, Links: []sitrep.Link{{Title: "x", URL: "javascript:alert(2)"}}}
	svc.SetCatalog(cat)
	ev := sitrep.Event{ID: "ev", Kind: sitrep.EventIncidentOpened, IncidentID: "inc1", At: t0}
	m, err := svc.Compose(context.Background(), ev, sitrep.Delivery{SubscriberID: "subscriberfixed1", IdempotencyKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, "javascript:") || strings.Contains(m.HTML, "<b>Evil") {
		t.Fatalf("hostile branding came through:\n%s", m.HTML)
	}
	if n, err := e.svc.Cleanup(context.Background()); err != nil || n != 0 {
		t.Fatalf("cleanup before expiry: %d %v", n, err)
	}
	e.clk.Advance(sitrep.ConfirmTTL)
	if n, err := e.svc.Cleanup(context.Background()); err != nil || n != 1 {
		t.Fatalf("cleanup after expiry: %d %v, want the one pending sign-up", n, err)
	}
}
