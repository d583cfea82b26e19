package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sitrep"
	"sitrep/internal/clock"
)

// TestAlertAckInBrowser: a monitor goes down on a manual clock and pages
// the on-call webhook; a responder signs in on a phone-sized screen, sees
// the alert under "Paging now" on the dashboard, acknowledges it there, and
// the alert list shows who is on it. The acknowledgement reaches the store
// and the audit log under the responder's name.
func TestAlertAckInBrowser(t *testing.T) {
	const (
		responder = "rita@example.com"
		password  = "correct horse battery"
	)
	ctx := browserTab(t)
	problems := watchConsole(ctx)
	hook := newHookReceiver(t)
	api := newTarget(t)
	clk := clock.NewManual(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	dir := t.TempDir()
	cfg := fmt.Sprintf(`monitors:
  - {id: api-web, name: API, type: http, url: %q, interval: 30s, timeout: 2s, failures_to_down: 1, successes_to_up: 1}
channels:
  - {id: ops-hook, type: webhook, url: %q, secret: hook-secret}
routes:
  - {match: {monitors: ["*"]}, channels: [ops-hook], escalation: default}
escalation_policies:
  - id: default
    levels:
      - {targets: [{channel: ops-hook}]}
`, api.URL, hook.URL)
	cfgPath := filepath.Join(dir, "sitrep.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	a := New(Options{
		ConfigPath: cfgPath, DataDir: filepath.Join(dir, "data"), Listen: "127.0.0.1:0",
		WatchInterval: -1, AdminToken: "alerts-admin-token", Clock: clk,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = a.Stop(context.Background()) })
	base := "http://" + a.Addr().String()
	if _, err := a.accounts.CreateUser(t.Context(), &sitrep.Principal{Name: "cli", Role: sitrep.RoleAdmin}, sitrep.UserInput{
		Email: responder, Name: "Rita", Role: sitrep.RoleResponder, Password: password}); err != nil {
		t.Fatal(err)
	}

	s := &story{t: t, clk: clk, diagnose: func() string { return deliveryReport(t, base, "alerts-admin-token") }}
	s.drive("api-web up", 5*time.Second, 2*time.Minute, func() bool { return monitors(t, a)["api-web"] == "up" })
	api.status.Store(http.StatusServiceUnavailable)
	s.drive("on call paged", 5*time.Second, 2*time.Minute, func() bool { return len(hook.received()) == 1 })
	open, err := a.store.Alerts(t.Context(), sitrep.AlertFilter{OpenOnly: true})
	if err != nil || len(open) != 1 {
		t.Fatalf("open alerts: %v %+v, want one", err, open)
	}
	al := open[0]

	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(js string) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}
	waitText := func(what, selector string, want ...string) {
		t.Helper()
		sel, _ := json.Marshal(selector)
		words, _ := json.Marshal(want)
		js := fmt.Sprintf(`(() => { const el = document.querySelector(%s); if (!el || document.readyState !== "complete") return false;
			const text = el.innerText; return %s.every(w => text.includes(w)); })()`, sel, words)
		// A poll that straddles a navigation loses its page; poll again on the new one.
		var err error
		for deadline := time.Now().Add(liveWait); time.Now().Before(deadline); {
			if _, err = chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(time.Until(deadline)))); err == nil {
				return
			}
		}
		t.Fatalf("%s: %v; the page says:\n%v", what, err, eval(`document.body.innerText`))
	}
	noSideScroll := func(where string) {
		t.Helper()
		if eval(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`) != true {
			t.Errorf("%s scrolls sideways at phone width", where)
		}
	}

	do("sign in", chromedp.EmulateViewport(375, 800), chromedp.Navigate(base+"/login"), chromedp.WaitVisible("#email"),
		chromedp.SendKeys("#email", responder), chromedp.SendKeys("#password", password),
		chromedp.Click(`main form button[type="submit"]`))
	waitText("dashboard pages", `section[aria-labelledby="paging-h"]`, "Paging now", al.Summary, "Acknowledge")
	noSideScroll("dashboard")

	do("acknowledge", chromedp.Click(`section[aria-labelledby="paging-h"] form button`))
	waitText("acknowledged", "main", "Acknowledged: escalation and reminders", "Nothing is paging.")

	do("alert list", chromedp.Click(`nav a[href="/admin/alerts"]`))
	waitText("alert list", "#alert-"+al.ID, al.Summary, "Acknowledged", responder, "ops-hook")
	noSideScroll("alert list")
	if n := eval(`document.querySelectorAll("#alert-` + al.ID + ` form").length`); n != float64(0) {
		t.Errorf("the acknowledged alert still offers %v acknowledge buttons", n)
	}

	got, err := a.store.Alert(t.Context(), al.ID)
	if err != nil || got.State != sitrep.AlertAcknowledged || got.AckedBy != responder {
		t.Errorf("stored alert: %v, state %s by %q; want acknowledged by %s", err, got.State, got.AckedBy, responder)
	}
	entries, err := a.accounts.AuditLog(t.Context(), time.Time{}, 20)
	if err != nil {
		t.Fatal(err)
	}
	var audited []string
	for _, e := range entries {
		if e.Action == "alert.ack" {
			audited = append(audited, e.Actor+" "+e.Target+" "+e.IP)
		}
	}
	if want := responder + " alert/" + al.ID + " 127.0.0.1"; len(audited) != 1 || audited[0] != want {
		t.Errorf("audit log has acknowledgements %q, want [%q]", audited, want)
	}
	problems.report(t)
}
