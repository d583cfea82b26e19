package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"sitrep"
	"sitrep/internal/clock"
	"sitrep/internal/notify/webhook"
)

// TestNotificationStory walks issue 4's story through the real server on a
// manual clock: a monitor fails, on-call is paged at level 0, nobody
// acknowledges, level 1 is paged, an incident opens by itself, subscribers
// hear of it, of an update and of the resolution, and staff hear that the
// alert resolved. Every recipient's exact sequence is checked at the end,
// after the clock has run on, so a late duplicate would be seen.
func TestNotificationStory(t *testing.T) {
	const (
		token      = "story-admin-token"
		opsSecret  = "ops-hook-secret"
		subSecret  = "subscriber-hook-secret"
		alice      = "alice@example.com"
		oncall     = "oncall@example.com"
		lead       = "lead@example.com"
		updateText = "A failed disk in the Oslo data centre is being replaced."
		fixText    = "The disk was replaced and courses load normally again."
	)
	smtpd := startMailServer(t)
	opsHook := newHookReceiver(t)
	subHook := newHookReceiver(t)
	courses := newTarget(t)

	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clk := clock.NewManual(start)
	dir := t.TempDir()
	cfg := fmt.Sprintf(`monitors:
  - {id: courses-web, type: http, url: %q, interval: 30s, timeout: 2s, failures_to_down: 1, successes_to_up: 1}
components:
  - {id: courses, name: Courses, group: Oslo data centre, monitors: [courses-web]}
pages:
  - {slug: main, title: Example Learning status, groups: [Oslo data centre], branding: {name: Example Learning}}
incidents: {auto_open_after: 2m, nudge_after: "off"}
smtp: {host: 127.0.0.1, port: %d, tls: none, from: "Example status <status@example.com>"}
channels:
  - {id: oncall-email, type: email, to: [%s]}
  - {id: ops-hook, type: webhook, url: %q, secret: %q}
  - {id: lead-email, type: email, to: [%s]}
routes:
  - {match: {monitors: ["*"]}, channels: [oncall-email, ops-hook], escalation: default}
escalation_policies:
  - id: default
    levels:
      - {targets: [{channel: oncall-email}, {channel: ops-hook}]}
      - {after: 10m, targets: [{channel: lead-email}]}
`, courses.URL, smtpd.port, oncall, opsHook.URL, opsSecret, lead)
	cfgPath := filepath.Join(dir, "sitrep.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	a := New(Options{
		ConfigPath: cfgPath, DataDir: filepath.Join(dir, "data"), Listen: "127.0.0.1:0",
		WatchInterval: -1, AdminToken: token, Clock: clk,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	ctx := context.Background()
	if err := a.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = a.Stop(context.Background()) })
	base := "http://" + a.Addr().String()
	s := &story{t: t, clk: clk, diagnose: func() string { return deliveryReport(t, base, token) }}

	s.drive("courses-web up", 5*time.Second, 2*time.Minute, func() bool { return monitors(t, a)["courses-web"] == "up" })

	// A customer subscribes by email and confirms through the link in the
	// confirmation mail, as a person would: the link's page, then its POST.
	code, body := post(t, base+"/api/v1/subscribers", "", `{"page": "main", "email": "`+alice+`"}`)
	if code != http.StatusAccepted {
		t.Fatalf("subscribe %s: %d %s, want 202", alice, code, body)
	}
	s.drive("confirmation mail", time.Second, time.Minute, func() bool { return len(smtpd.to(alice)) == 1 })
	confirm := smtpd.to(alice)[0]
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/confirm/[A-Za-z0-9_-]+`).FindString(confirm.text)
	if link == "" {
		t.Fatalf("confirmation mail has no %s/confirm/ link:\n%s", base, confirm.text)
	}
	if code, page := get(t, link); code != http.StatusOK || !strings.Contains(page, "<form") {
		t.Fatalf("GET confirmation link: %d, want 200 with a form:\n%s", code, page)
	}
	if code, page := post(t, link, "", ""); code != http.StatusOK || !strings.Contains(page, "Subscription confirmed") {
		t.Fatalf("POST confirmation link: %d, want 200 'Subscription confirmed':\n%s", code, page)
	}

	// The public API refuses loopback webhooks, and the app offers no way
	// to allow them (subscribe.Options.AllowPrivateURLs is never set), so
	// the webhook subscriber is written to the store as the service would
	// after validation. The sending side is the real one.
	code, body = post(t, base+"/api/v1/subscribers", "", `{"page": "main", "webhook": "`+subHook.URL+`"}`)
	if code != http.StatusBadRequest || !strings.Contains(body, "private address") {
		t.Errorf("subscribe loopback webhook through the API: %d %s, want 400 naming the private address", code, body)
	}
	now := clk.Now()
	manage := sha256.Sum256([]byte("story webhook subscriber")) // its manage link is not used here
	if err := a.store.CreateSubscriber(ctx, &sitrep.Subscriber{
		ID: "story-webhook", ManageHash: manage[:], Page: "main", Kind: sitrep.SubscriberWebhook, Address: subHook.URL, Confirmed: true,
		CreatedAt: now, ConfirmedAt: now, Secret: subSecret,
	}); err != nil {
		t.Fatalf("create webhook subscriber: %v", err)
	}

	// The target fails: staff are paged at level 0 before anyone else hears.
	courses.status.Store(http.StatusServiceUnavailable)
	s.drive("level 0 paged", 5*time.Second, 2*time.Minute, func() bool {
		return len(smtpd.to(oncall)) == 1 && len(opsHook.received()) == 1
	})
	al := alertOf(t, base, token)
	if len(smtpd.to(lead)) != 0 || len(smtpd.to(alice)) != 1 || len(subHook.received()) != 0 {
		t.Errorf("at the first page: lead has %d mails, alice %d, subscriber hook %d; want 0, 1 (confirmation), 0",
			len(smtpd.to(lead)), len(smtpd.to(alice)), len(subHook.received()))
	}

	// Two minutes of outage open an incident; subscribers hear of it.
	s.drive("incident opened and subscribers told", 5*time.Second, 3*time.Minute, func() bool {
		return len(smtpd.to(alice)) == 2 && len(subHook.received()) == 1
	})
	if got := clk.Now().Sub(al.TriggeredAt); got < 2*time.Minute {
		t.Errorf("subscribers were told %s after the alert triggered, before auto_open_after (2m)", got)
	}
	if n := len(smtpd.to(lead)); n != 0 {
		t.Errorf("level 1 was paged %s after the trigger, before its 10m", clk.Now().Sub(al.TriggeredAt))
	}
	inc := openIncident(t, base, token)

	// Nobody acknowledges: level 1 is paged ten minutes after the trigger.
	s.drive("level 1 paged", 10*time.Second, 11*time.Minute, func() bool { return len(smtpd.to(lead)) == 1 })
	if got := clk.Now().Sub(al.TriggeredAt); got < 10*time.Minute {
		t.Errorf("level 1 was paged %s after the trigger, want at least 10m", got)
	}

	// A person posts an update; subscribers get it.
	code, body = post(t, base+"/api/v1/incidents/"+inc.ID+"/updates", token,
		`{"status": "identified", "message": "`+updateText+`"}`)
	if code != http.StatusOK {
		t.Fatalf("post update: %d %s, want 200", code, body)
	}
	s.drive("update delivered", time.Second, time.Minute, func() bool {
		return len(smtpd.to(alice)) == 3 && len(subHook.received()) == 2
	})

	// The target recovers: the alert resolves and everyone paged hears so.
	courses.status.Store(http.StatusOK)
	s.drive("staff told resolved", 5*time.Second, 2*time.Minute, func() bool {
		return len(smtpd.to(oncall)) == 2 && len(opsHook.received()) == 2 && len(smtpd.to(lead)) == 2
	})
	code, body = post(t, base+"/api/v1/incidents/"+inc.ID+"/resolve", token, `{"message": "`+fixText+`"}`)
	if code != http.StatusOK {
		t.Fatalf("resolve: %d %s, want 200", code, body)
	}
	s.drive("subscribers told resolved", time.Second, time.Minute, func() bool {
		return len(smtpd.to(alice)) == 4 && len(subHook.received()) == 3
	})

	// Let the clock run on (retries, reminders, polls) so that a late or
	// duplicate message has its chance to show up before the tally.
	s.runOn(time.Minute, time.Hour)

	// Staff mail: exact sequence, subjects about the alert.
	wantSubjects := func(who string, want ...string) []received {
		t.Helper()
		msgs := smtpd.to(who)
		var got []string
		for _, m := range msgs {
			got = append(got, m.subject)
		}
		if !slices.Equal(got, want) {
			t.Errorf("mail to %s:\n got %q\nwant %q", who, got, want)
		}
		return msgs
	}
	alertSubject := func(prefix string) string { return "[" + prefix + "] " + al.Summary }
	for _, m := range wantSubjects(oncall, alertSubject("ALERT"), alertSubject("RESOLVED")) {
		checkStaffMail(t, m)
	}
	for _, m := range wantSubjects(lead, alertSubject("ESCALATED"), alertSubject("RESOLVED")) {
		checkStaffMail(t, m)
	}

	// Staff webhook: signed, one event id each, trigger then resolve.
	checkHooks(t, "ops hook", opsHook.received(), opsSecret, []hookWant{
		{kind: sitrep.EventAlertTriggered, title: alertSubject("ALERT")},
		{kind: sitrep.EventAlertResolved, title: alertSubject("RESOLVED")},
	})

	// Subscriber mail: confirmation, new incident, update, resolution;
	// each but the confirmation with one-click unsubscribe.
	brand := "[Example Learning] "
	subMails := wantSubjects(alice,
		brand+"Confirm your subscription",
		brand+"New incident: "+inc.Title,
		brand+"Update: "+inc.Title,
		brand+"Resolved: "+inc.Title)
	wantText := []string{"", "Investigating", updateText, fixText}
	for i, m := range subMails {
		checkMultipart(t, m)
		if i == 0 {
			continue
		}
		unsub := m.header.Get("List-Unsubscribe")
		if !strings.HasPrefix(unsub, "<"+base+"/unsubscribe/") {
			t.Errorf("%q: List-Unsubscribe = %q, want <%s/unsubscribe/…>", m.subject, unsub, base)
		}
		if got := m.header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
			t.Errorf("%q: List-Unsubscribe-Post = %q, want List-Unsubscribe=One-Click", m.subject, got)
		}
		for _, part := range []string{m.text, m.html} {
			if !strings.Contains(part, wantText[i]) || !strings.Contains(part, base+"/manage/") {
				t.Errorf("%q: a part lacks %q or the manage link:\n%s", m.subject, wantText[i], part)
			}
		}
	}

	// Subscriber webhook: signed with its own secret, same story.
	checkHooks(t, "subscriber hook", subHook.received(), subSecret, []hookWant{
		{kind: sitrep.EventIncidentOpened, title: brand + "New incident: " + inc.Title},
		{kind: sitrep.EventIncidentUpdated, title: brand + "Update: " + inc.Title, text: updateText},
		{kind: sitrep.EventIncidentResolved, title: brand + "Resolved: " + inc.Title, text: fixText},
	})

	// Nothing failed and nothing is left waiting.
	for _, state := range []string{"failed", "pending"} {
		var list struct {
			Deliveries []struct {
				Kind, Recipient string
				LastError       string `json:"last_error"`
			} `json:"deliveries"`
		}
		getJSON(t, base+"/api/v1/deliveries?state="+state, token, &list)
		if len(list.Deliveries) != 0 {
			t.Errorf("GET /api/v1/deliveries?state=%s lists %d, want none: %+v", state, len(list.Deliveries), list.Deliveries)
		}
	}
}

// story drives the manual clock.
type story struct {
	t   *testing.T
	clk *clock.Manual
	// diagnose says what the outbox holds when a step is not reached.
	diagnose func() string
}

// drive advances the clock step by step until cond holds, at most limit in
// all. Between steps the server gets a few milliseconds of real time to
// finish the I/O the step started (checks, sends); that bounded polling of
// real results is the only waiting, and no step waits on a schedule.
func (s *story) drive(what string, step, limit time.Duration, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var moved time.Duration
	for {
		for range 10 {
			if cond() {
				return
			}
			time.Sleep(3 * time.Millisecond)
		}
		if moved >= limit || time.Now().After(deadline) {
			s.t.Fatalf("%s: not reached after %s on the clock (now %s); outbox:\n%s",
				what, moved, s.clk.Now().Format(time.RFC3339), s.diagnose())
		}
		s.clk.Advance(step)
		moved += step
	}
}

// runOn advances the clock by total in steps, giving each step the same
// few milliseconds of real time as drive.
func (s *story) runOn(step, total time.Duration) {
	for moved := time.Duration(0); moved < total; moved += step {
		s.clk.Advance(step)
		time.Sleep(30 * time.Millisecond)
	}
}

// deliveryReport lists every delivery with its state and last error.
func deliveryReport(t *testing.T, base, token string) string {
	var list struct {
		Deliveries []struct {
			Kind, Channel, Recipient, State string
			LastError                       string `json:"last_error"`
			Attempts                        int
		} `json:"deliveries"`
	}
	getJSON(t, base+"/api/v1/deliveries", token, &list)
	var b strings.Builder
	for _, d := range list.Deliveries {
		fmt.Fprintf(&b, "  %s via %s to %q: %s after %d attempts %s\n", d.Kind, d.Channel, d.Recipient, d.State, d.Attempts, d.LastError)
	}
	return b.String()
}

type storyAlert struct {
	ID          string    `json:"id"`
	Summary     string    `json:"summary"`
	TriggeredAt time.Time `json:"triggered_at"`
}

// alertOf returns the one alert the story raises.
func alertOf(t *testing.T, base, token string) storyAlert {
	t.Helper()
	var list struct {
		Alerts []storyAlert `json:"alerts"`
	}
	getJSON(t, base+"/api/v1/alerts?state=all", token, &list)
	if len(list.Alerts) != 1 {
		t.Fatalf("GET /api/v1/alerts lists %d alerts, want 1: %+v", len(list.Alerts), list.Alerts)
	}
	return list.Alerts[0]
}

type storyIncident struct {
	ID, Title string
	Automatic bool
}

// openIncident returns the one open incident, which sitrep opened itself.
func openIncident(t *testing.T, base, token string) storyIncident {
	t.Helper()
	var list struct {
		Incidents []storyIncident `json:"incidents"`
	}
	getJSON(t, base+"/api/v1/incidents?status=open", token, &list)
	if len(list.Incidents) != 1 || !list.Incidents[0].Automatic || list.Incidents[0].Title == "" {
		t.Fatalf("open incidents = %+v, want one automatic incident with a title", list.Incidents)
	}
	return list.Incidents[0]
}

func getJSON(t *testing.T, url, token string, v any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, b)
	}
}

// checkStaffMail: a staff alert names the monitor and, while it is open,
// carries the signed acknowledgement link.
func checkStaffMail(t *testing.T, m received) {
	t.Helper()
	checkMultipartOrText(t, m)
	if !strings.Contains(m.text, "courses-web") {
		t.Errorf("%q does not name the monitor:\n%s", m.subject, m.text)
	}
	resolved := strings.HasPrefix(m.subject, "[RESOLVED]")
	if has := strings.Contains(m.text, "/ack/"); has == resolved {
		t.Errorf("%q: acknowledgement link present = %v, want %v:\n%s", m.subject, has, !resolved, m.text)
	}
}

type hookWant struct {
	kind        sitrep.EventKind
	title, text string
}

// checkHooks verifies every request's signature with the documented
// receiver check and compares the sequence of payloads with want.
func checkHooks(t *testing.T, name string, got []hookRequest, secret string, want []hookWant) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s received %d requests, want %d", name, len(got), len(want))
	}
	ids := map[string]bool{}
	for i, r := range got {
		if err := webhook.Verify(secret, r.header, r.body, time.Now(), 5*time.Minute); err != nil {
			t.Errorf("%s request %d: signature: %v", name, i, err)
		}
		var p webhook.Payload
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Errorf("%s request %d: %v\n%s", name, i, err, r.body)
			continue
		}
		if id := r.header.Get(webhook.HeaderEventID); id != p.ID || id == "" || ids[id] {
			t.Errorf("%s request %d: event id %q (payload %q) is missing, mismatched or repeated", name, i, id, p.ID)
		}
		ids[p.ID] = true
		if i >= len(want) {
			t.Errorf("%s request %d is one too many: %s %q", name, i, p.Kind, p.Title)
			continue
		}
		w := want[i]
		if p.Kind != string(w.kind) || p.Title != w.title || !strings.Contains(p.Text, w.text) {
			t.Errorf("%s request %d: %s %q\n%s\nwant %s %q containing %q", name, i, p.Kind, p.Title, p.Text, w.kind, w.title, w.text)
		}
	}
}

// checkMultipart requires text and HTML alternatives.
func checkMultipart(t *testing.T, m received) {
	t.Helper()
	if !m.multipart || m.text == "" || m.html == "" {
		t.Errorf("%q is not multipart/alternative with text and HTML (multipart=%v, text %d bytes, html %d bytes)",
			m.subject, m.multipart, len(m.text), len(m.html))
	}
}

// checkMultipartOrText requires at least a readable text part.
func checkMultipartOrText(t *testing.T, m received) {
	t.Helper()
	if m.text == "" {
		t.Errorf("%q has no text part", m.subject)
	}
}

// mailServer is a real SMTP server (go-smtp), plain, on loopback.
type mailServer struct {
	port int
	mu   sync.Mutex
	msgs []received
	errs []error
}

// received is one accepted message, parsed.
type received struct {
	rcpt      []string
	header    mail.Header
	subject   string
	multipart bool
	text      string
	html      string
}

func startMailServer(t *testing.T) *mailServer {
	t.Helper()
	ms := &mailServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &mailSession{srv: ms}, nil
	}))
	srv.Domain = "mx.test"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() {
		_ = srv.Close()
		ms.mu.Lock()
		defer ms.mu.Unlock()
		for _, err := range ms.errs {
			t.Errorf("SMTP server: %v", err)
		}
	})
	ms.port = l.Addr().(*net.TCPAddr).Port
	return ms
}

// to returns the messages for one recipient, in the order they arrived.
func (ms *mailServer) to(addr string) []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	var out []received
	for _, m := range ms.msgs {
		if slices.Contains(m.rcpt, addr) {
			out = append(out, m)
		}
	}
	return out
}

type mailSession struct {
	srv  *mailServer
	rcpt []string
}

func (s *mailSession) Reset()                               { s.rcpt = nil }
func (s *mailSession) Logout() error                        { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpt = append(s.rcpt, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parseMail(b)
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if err != nil {
		s.srv.errs = append(s.srv.errs, err)
		return nil
	}
	m.rcpt = slices.Clone(s.rcpt)
	s.srv.msgs = append(s.srv.msgs, m)
	return nil
}

// parseMail reads the headers and the text and HTML parts (multipart
// decodes quoted-printable by itself).
func parseMail(b []byte) (received, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		return received{}, fmt.Errorf("parse message: %w", err)
	}
	m := received{header: msg.Header}
	if m.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return m, fmt.Errorf("decode subject %q: %w", msg.Header.Get("Subject"), err)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return m, fmt.Errorf("%q: content type: %w", m.subject, err)
	}
	if mediaType != "multipart/alternative" {
		body, err := io.ReadAll(msg.Body)
		if err != nil {
			return m, err
		}
		m.text = string(body)
		return m, nil
	}
	m.multipart = true
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return m, fmt.Errorf("%q: read part: %w", m.subject, err)
		}
		body, err := io.ReadAll(p)
		if err != nil {
			return m, fmt.Errorf("%q: read part: %w", m.subject, err)
		}
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			m.text = string(body)
		case "text/html":
			m.html = string(body)
		}
	}
}

// hookReceiver is a loopback HTTP endpoint that records every request.
type hookReceiver struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []hookRequest
}

type hookRequest struct {
	header http.Header
	body   []byte
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	h := &hookReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.reqs = append(h.reqs, hookRequest{header: r.Header.Clone(), body: b})
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) received() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.reqs)
}
