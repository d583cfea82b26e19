package subscribe_test

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"sitrep"
)

var confirmLink = regexp.MustCompile(`https://status\.example\.com/confirm/([A-Za-z0-9_-]{43})`)
var manageLink = regexp.MustCompile(`https://status\.example\.com/manage/([A-Za-z0-9_-]{43})`)

// confirmationOf expands and composes the pending confirmation events and
// returns the token in the newest message.
func confirmationOf(t *testing.T, e *env) (string, sitrep.Message) {
	t.Helper()
	ctx := context.Background()
	evs, err := e.store.PendingEvents(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var token string
	var msg sitrep.Message
	for _, ev := range evs {
		ds, err := e.svc.Expand(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.ExpandEvent(ctx, ev.ID, ds); err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.Channel != "subscriber:email" || d.Kind != sitrep.EventSubscriberConfirm {
				t.Fatalf("confirmation delivery %+v", d)
			}
			msg, err = e.svc.Compose(ctx, ev, d)
			if err != nil {
				t.Fatal(err)
			}
			m := confirmLink.FindStringSubmatch(msg.Text)
			if m == nil {
				t.Fatalf("no confirmation link in\n%s", msg.Text)
			}
			token = m[1]
		}
	}
	return token, msg
}

func TestEmailDoubleOptIn(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	in := sitrep.SubscribeInput{Page: "main", Email: "Ann@Example.COM", Components: []string{"video"}}
	res, err := e.svc.Subscribe(ctx, in)
	if err != nil || !res.Pending || res.Secret != "" || res.ManageToken != "" {
		t.Fatalf("subscribe: %+v %v", res, err)
	}
	sub, err := e.store.SubscriberByAddress(ctx, "main", sitrep.SubscriberEmail, "Ann@example.com")
	if err != nil || sub.Confirmed {
		t.Fatalf("stored: %+v %v", sub, err)
	}
	token, msg := confirmationOf(t, e)
	if msg.Headers["List-Unsubscribe"] != "" {
		t.Errorf("a confirmation request must not offer unsubscribe: %v", msg.Headers)
	}
	// Nothing is sent to a pending subscriber.
	e.rec.inc["i1"] = &sitrep.Incident{ID: "i1", Title: "Video down", Status: sitrep.IncidentInvestigating,
		Components: []sitrep.AffectedComponent{{ComponentID: "video", Status: sitrep.StatusMajorOutage}}}
	ev := sitrep.Event{ID: "ev1", Kind: sitrep.EventIncidentOpened, IncidentID: "i1", Components: []string{"video"}}
	if ds, err := e.svc.Expand(ctx, ev); err != nil || len(ds) != 0 {
		t.Fatalf("expanded to a pending subscriber: %v %v", ds, err)
	}
	// Asking again replaces the link; the old one stops working.
	e.clk.Advance(time.Minute)
	if _, err := e.svc.Subscribe(ctx, in); err != nil {
		t.Fatal(err)
	}
	token2, _ := confirmationOf(t, e)
	if token2 == token {
		t.Fatal("a new request kept the old token")
	}
	if _, err := e.svc.Confirm(ctx, token); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Fatalf("old link: %v", err)
	}
	prefs, err := e.svc.Confirm(ctx, token2)
	if err != nil || prefs.Address != "Ann@example.com" || !reflect.DeepEqual(prefs.Components, []string{"video"}) || len(prefs.Available) != 3 {
		t.Fatalf("confirm: %+v %v", prefs, err)
	}
	if _, err := e.svc.Confirm(ctx, token2); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Fatalf("second confirm: %v", err)
	}
	ds, err := e.svc.Expand(ctx, ev)
	if err != nil || len(ds) != 1 || ds[0].SubscriberID != sub.ID || ds[0].IdempotencyKey != "ev1:"+sub.ID {
		t.Fatalf("expand after confirmation: %+v %v", ds, err)
	}
	m, err := e.svc.Compose(ctx, ev, ds[0])
	if err != nil {
		t.Fatal(err)
	}
	mg := manageLink.FindStringSubmatch(m.Text)
	if mg == nil {
		t.Fatalf("no manage link:\n%s", m.Text)
	}
	if got := m.Headers["List-Unsubscribe"]; !strings.HasPrefix(got, "<https://status.example.com/unsubscribe/"+mg[1]+">, <mailto:unsubscribe@example.com") {
		t.Errorf("List-Unsubscribe %q", got)
	}
	if m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", m.Headers["List-Unsubscribe-Post"])
	}
	prefs, err = e.svc.SetComponents(ctx, mg[1], []string{"courses", "video", "exams"})
	if err != nil || prefs.Components != nil {
		t.Fatalf("choosing everything is the whole page: %+v %v", prefs, err)
	}
	if err := e.svc.Unsubscribe(ctx, mg[1]); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Unsubscribe(ctx, mg[1]); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Fatalf("second unsubscribe: %v", err)
	}
	var perm *sitrep.PermanentError
	if _, err := e.svc.Compose(ctx, ev, ds[0]); !errors.As(err, &perm) {
		t.Fatalf("compose for a subscriber who left: %v, want PermanentError", err)
	}
}

func TestNoEnumeration(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.confirmed(t, "main", "known@example.com")
	in := func(a string) sitrep.SubscribeInput { return sitrep.SubscribeInput{Page: "main", Email: a} }
	if _, err := e.svc.Subscribe(ctx, in("pending@example.com")); err != nil {
		t.Fatal(err)
	}
	before, _ := e.store.PendingEvents(ctx, 100)
	var answers []sitrep.SubscribeResult
	for _, a := range []string{"new@example.com", "pending@example.com", "known@example.com"} {
		res, err := e.svc.Subscribe(ctx, in(a))
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		answers = append(answers, res)
	}
	for _, a := range answers[1:] {
		if a != answers[0] {
			t.Fatalf("answers differ: %+v", answers)
		}
	}
	after, _ := e.store.PendingEvents(ctx, 100)
	// new and pending get a confirmation; the confirmed address gets nothing.
	if len(after)-len(before) != 2 {
		t.Fatalf("%d new confirmation events, want 2", len(after)-len(before))
	}
}

func TestWebhookSubscriber(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	res, err := e.svc.Subscribe(ctx, sitrep.SubscribeInput{Page: "bergen", URL: "https://hooks.example.net/status?x=1"})
	if err != nil || res.Pending || len(res.Secret) != 64 || res.ID == "" || res.ManageToken == "" {
		t.Fatalf("subscribe: %+v %v", res, err)
	}
	if got, err := e.svc.WebhookSecret(ctx, res.ID); err != nil || got != res.Secret {
		t.Fatalf("secret: %q %v", got, err)
	}
	prefs, err := e.svc.Preferences(ctx, res.ManageToken)
	if err != nil || prefs.Address != "https://hooks.example.net/…" || prefs.Kind != sitrep.SubscriberWebhook {
		t.Fatalf("preferences: %+v %v", prefs, err)
	}
	_, err = e.svc.Subscribe(ctx, sitrep.SubscribeInput{Page: "bergen", URL: "https://hooks.example.net/status?x=1"})
	if sitrep.ErrorCode(err) != sitrep.ECONFLICT {
		t.Fatalf("second subscription: %v", err)
	}
	slack, err := e.svc.Subscribe(ctx, sitrep.SubscribeInput{Page: "main", URL: "https://hooks.slack.com/services/T/B/X"})
	if err != nil || slack.Secret != "" {
		t.Fatalf("slack: %+v %v", slack, err)
	}
	sub, _ := e.store.Subscriber(ctx, slack.ID)
	if sub.Kind != sitrep.SubscriberSlack || !sub.Confirmed {
		t.Fatalf("slack subscriber %+v", sub)
	}
}

func TestSubscribeRejects(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name string
		in   sitrep.SubscribeInput
		code string
		msg  string
	}{
		{"unknown page", sitrep.SubscribeInput{Page: "nope", Email: "a@example.com"}, sitrep.ENOTFOUND, `page: no status page "nope"`},
		{"no address", sitrep.SubscribeInput{Page: "main"}, sitrep.EINVALID, "give an email address (email) or a webhook URL (webhook)"},
		{"both", sitrep.SubscribeInput{Page: "main", Email: "a@example.com", URL: "https://x.example.com/"}, sitrep.EINVALID, "not both"},
		{"bad email", sitrep.SubscribeInput{Page: "main", Email: "Ann <a@example.com>"}, sitrep.EINVALID, `email: "Ann <a@example.com>" is not an email address; write it like name@example.com`},
		{"header injection", sitrep.SubscribeInput{Page: "main", Email: "a@example.com\r\nBcc: b@example.com"}, sitrep.EINVALID, "is not an email address"},
		{"no domain dot", sitrep.SubscribeInput{Page: "main", Email: "a@localhost"}, sitrep.EINVALID, "is not an email address"},
		{"component elsewhere", sitrep.SubscribeInput{Page: "bergen", Email: "a@example.com", Components: []string{"video"}}, sitrep.EINVALID, `components: page "bergen" has no component "video"`},
		{"ftp url", sitrep.SubscribeInput{Page: "main", URL: "ftp://example.com/x"}, sitrep.EINVALID, "is not an absolute http or https URL"},
		{"credentials", sitrep.SubscribeInput{Page: "main", URL: "https://u:p@example.com/x"}, sitrep.EINVALID, "must not carry a user name or password"},
		{"loopback", sitrep.SubscribeInput{Page: "main", URL: "http://127.0.0.1:9000/hook"}, sitrep.EINVALID, `"127.0.0.1" is a local or private address`},
		{"metadata", sitrep.SubscribeInput{Page: "main", URL: "http://169.254.169.254/latest"}, sitrep.EINVALID, "is a local or private address"},
		{"localhost", sitrep.SubscribeInput{Page: "main", URL: "http://localhost/hook"}, sitrep.EINVALID, "is a local or private address"},
		{"private v6", sitrep.SubscribeInput{Page: "main", URL: "http://[fd00::1]/hook"}, sitrep.EINVALID, "is a local or private address"},
		{"slack over http", sitrep.SubscribeInput{Page: "main", URL: "http://hooks.example.com/x", Kind: sitrep.SubscriberSlack}, sitrep.EINVALID, "a slack webhook URL starts with https://"},
		{"bad kind", sitrep.SubscribeInput{Page: "main", URL: "https://hooks.example.com/x", Kind: "pager"}, sitrep.EINVALID, `kind: unknown kind "pager"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.svc.Subscribe(context.Background(), c.in)
			if sitrep.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v (%s), want %s containing %q", err, sitrep.ErrorCode(err), c.code, c.msg)
			}
		})
	}
	for _, tok := range []string{"", "short", strings.Repeat("A", 43), strings.Repeat("!", 43)} {
		if _, err := e.svc.Preferences(context.Background(), tok); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
			t.Errorf("token %q: %v", tok, err)
		}
	}
}

func TestExpand(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	whole := e.confirmed(t, "main", "whole@example.com")
	video := e.confirmed(t, "main", "video@example.com", "video")
	exams := e.confirmed(t, "main", "exams@example.com", "exams")
	bergen := e.confirmed(t, "bergen", "bergen@example.com")
	extra := make([]string, 5) // more than one batch of 3
	for i := range extra {
		extra[i] = e.confirmed(t, "main", "extra"+string(rune('a'+i))+"@example.com", "courses")
	}
	e.rec.inc["i1"] = &sitrep.Incident{ID: "i1", Title: "t", Components: []sitrep.AffectedComponent{{ComponentID: "exams"}},
		Updates: []sitrep.IncidentUpdate{{ID: "u1", Public: true}, {ID: "u2", Public: false}}}
	e.rec.mnt["m1"] = &sitrep.Maintenance{ID: "m1", Title: "t", Components: []string{"courses"}}
	for _, c := range []struct {
		name string
		ev   sitrep.Event
		want []string
	}{
		{"exams on both pages", sitrep.Event{ID: "e1", Kind: sitrep.EventIncidentOpened, IncidentID: "i1", Components: []string{"exams"}}, []string{whole, exams, bergen}},
		{"components from the record", sitrep.Event{ID: "e2", Kind: sitrep.EventIncidentUpdated, IncidentID: "i1", UpdateID: "u1"}, []string{whole, exams, bergen}},
		{"internal update", sitrep.Event{ID: "e3", Kind: sitrep.EventIncidentUpdated, IncidentID: "i1", UpdateID: "u2"}, nil},
		{"unpublished postmortem", sitrep.Event{ID: "e4", Kind: sitrep.EventPostmortemPublished, IncidentID: "i1"}, nil},
		{"maintenance, batched", sitrep.Event{ID: "e5", Kind: sitrep.EventMaintenanceStarted, MaintenanceID: "m1"}, append([]string{whole}, extra...)},
		{"video", sitrep.Event{ID: "e6", Kind: sitrep.EventIncidentResolved, IncidentID: "i1", Components: []string{"video"}}, []string{whole, video}},
		{"alert", sitrep.Event{ID: "e7", Kind: sitrep.EventAlertTriggered, MonitorID: "m"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			ds, err := e.svc.Expand(ctx, c.ev)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			keys := map[string]bool{}
			for _, d := range ds {
				got = append(got, d.SubscriberID)
				if keys[d.IdempotencyKey] || d.EventID != c.ev.ID || d.Kind != c.ev.Kind || d.Channel != "subscriber:email" || d.Recipient == "" {
					t.Fatalf("bad delivery %+v", d)
				}
				keys[d.IdempotencyKey] = true
			}
			if !sameSet(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}
