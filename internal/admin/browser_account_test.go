package admin

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// walker drives one browser through the UI and collects console problems.
type walker struct {
	t        *testing.T
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

func newWalker(t *testing.T) *walker {
	w := &walker{t: t, ctx: browser(t)}
	messages := chromedp.Console(w.ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				w.mu.Lock()
				w.problems = append(w.problems, m.String()+" ("+m.URL+")")
				w.mu.Unlock()
			}
		}
	}()
	return w
}

func (w *walker) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	if err := chromedp.Do(w.ctx, steps...); err != nil {
		w.t.Fatalf("%s: %v", what, err)
	}
}

func (w *walker) eval(js string) any {
	w.t.Helper()
	v, err := chromedp.Run(w.ctx, chromedp.Evaluate[any](js))
	if err != nil {
		w.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func (w *walker) waitText(what, text string) {
	w.t.Helper()
	js := `!!document.body && document.readyState === "complete" && document.body.innerText.includes(` + jsString(text) + `)`
	var err error
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		if _, err = chromedp.Run(w.ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(time.Until(deadline)))); err == nil {
			return
		}
	}
	w.t.Fatalf("%s: %q never appeared: %v\npage: %v", what, text, err, w.eval(`document.body.innerText`))
}

// tooWide names the elements that stick out of the viewport, leaving out
// those inside a horizontal scroller (where sticking out is the point).
const tooWide = `[...document.querySelectorAll("body *")]
  .filter(e => !(e.parentElement && e.parentElement.closest(".scroll")) && e.getBoundingClientRect().right > document.documentElement.clientWidth)
  .slice(0, 5).map(e => e.tagName + "." + e.className).join("; ")`

func (w *walker) noSideScroll(where string) {
	w.t.Helper()
	if w.eval(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`) != true {
		w.t.Errorf("%s scrolls sideways at phone width; too wide: %v", where, w.eval(tooWide))
	}
}

func (w *walker) signIn(email, code string) {
	w.t.Helper()
	w.do("sign-in form "+email, chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	if code != "" {
		w.waitText("second factor", "Code from your authenticator app")
		w.do("code step", chromedp.SendKeys(chromedp.ID("code"), code), chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	}
	w.waitText("dashboard", "Open incidents")
}

// TestAccountPagesInBrowser walks TOTP enrolment and a sign-in with the new
// second factor, then an admin's round of the new pages at phone width:
// users and tokens (a token shown once), subscribers, deliveries, audit.
func TestAccountPagesInBrowser(t *testing.T) {
	w := newWalker(t)
	e := newEnv(t, envOpts{})
	e.ui.newToken = randomToken
	base := serveLoopback(t, e.ui)

	w.do("login form", chromedp.EmulateViewport(375, 800), chromedp.Navigate(base+"/login"))
	w.signIn(viewerEmail, "")
	w.do("account", chromedp.Click(chromedp.CSS(`nav a[href="/admin/account"]`)))
	w.waitText("account page", "Protect your account")
	w.noSideScroll("account")
	w.do("begin totp", chromedp.Click(chromedp.CSS(`form[action="/admin/account/totp"] button`)))
	w.waitText("secret shown", "JBSWY3DPEHPK3PXP")
	w.noSideScroll("totp secret")
	w.do("confirm totp", chromedp.SendKeys(chromedp.ID("code"), totpCode), chromedp.Click(chromedp.CSS(`form[action="/admin/account/totp/confirm"] button`)))
	w.waitText("recovery codes", "rc-aaaa-1111")

	w.do("sign out", chromedp.Click(chromedp.CSS(`.who button`)))
	w.waitText("signed out", "Sign in")
	w.signIn(viewerEmail, totpCode)
	if got := w.eval(`[...document.querySelectorAll("nav a")].map(a => a.textContent).join(",")`); got != "Dashboard,Alerts,Monitors,Incidents,Maintenance,Account" {
		t.Errorf("viewer navigation %q", got)
	}

	w.do("sign out again", chromedp.Click(chromedp.CSS(`.who button`)))
	w.waitText("signed out", "Sign in")
	w.signIn(adminEmail, totpCode)
	w.waitText("on call", "Kari")
	w.do("users", chromedp.Click(chromedp.CSS(`nav a[href="/admin/users"]`)))
	w.waitText("users page", "Create an API token")
	w.noSideScroll("users")
	w.do("create token", chromedp.SendKeys(chromedp.ID("t-name"), "deploy bot"), chromedp.Click(chromedp.CSS(`form[action="/admin/tokens"] button`)))
	w.waitText("token shown", "shown only this once")
	if got := w.eval(`document.getElementById("new-token").value`); got != "srt_secret-t2" {
		t.Errorf("token field %q", got)
	}
	for _, p := range []struct{ path, text string }{
		{"/admin/subscribers", "1–2 of 2 subscribers"},
		{"/admin/deliveries", "status 404: no_service"},
		{"/admin/audit", "token.create"},
	} {
		w.do(p.path, chromedp.Navigate(base+p.path))
		w.waitText(p.path, p.text)
		w.noSideScroll(p.path)
	}
	w.do("retry", chromedp.Navigate(base+"/admin/deliveries"), chromedp.Click(chromedp.CSS(`form[action$="/retry"] button`)))
	w.waitText("retried", "queued again")
	if got := e.outbox.retriedIDs(); len(got) != 1 || got[0] != "d-2" {
		t.Errorf("retried %v", got)
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.problems {
		if !strings.Contains(p, "favicon") {
			t.Errorf("browser console: %s", p)
		}
	}
}
