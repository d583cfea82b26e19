package admin

import (
	"context"
	"net"
	"net/http"
	"sitrep/internal/browsertest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"sitrep"
)

// browser starts headless Chromium for one test (see internal/browsertest).
func browser(t *testing.T) context.Context { return browsertest.New(t, 90*time.Second) }

// serveLoopback runs the UI on 127.0.0.1:0 like the real binary.
func serveLoopback(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln) //nolint:errcheck // ends with Shutdown
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(ctx) //nolint:errcheck // test teardown
	})
	return "http://" + ln.Addr().String()
}

// TestAdminInBrowser walks the first-run setup, sign-in with a second
// factor, an incident from opening to postmortem, and a viewer who tries to
// act, at phone width, watching the console for CSP violations and errors.
func TestAdminInBrowser(t *testing.T) {
	ctx := browser(t)
	e := newEnv(t, envOpts{noUsers: true})
	e.ui.newToken = randomToken
	e.ui.refreshSeconds = 1
	base := serveLoopback(t, e.ui)

	var mu sync.Mutex
	var problems []string
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				mu.Lock()
				problems = append(problems, m.String()+" ("+m.URL+")")
				mu.Unlock()
			}
		}
	}()

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
	// waitText waits until the page shows text; every step that submits a
	// form ends with it, so the next step acts on the new page.
	waitText := func(what, text string) {
		t.Helper()
		js := `!!document.body && document.readyState === "complete" && document.body.innerText.includes(` + jsString(text) + `)`
		// A poll that straddles the navigation loses its page; poll again on
		// the new one.
		var err error
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
			if _, err = chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(time.Until(deadline)))); err == nil {
				return
			}
		}
		t.Fatalf("%s: %q never appeared: %v\npage: %v", what, text, err, eval(`document.body.innerText`))
	}
	noSideScroll := func(where string) {
		t.Helper()
		if eval(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`) != true {
			t.Errorf("%s scrolls sideways at phone width", where)
		}
	}

	do("setup form", chromedp.EmulateViewport(375, 800), chromedp.Navigate(base+"/setup?token=setup-secret"), chromedp.WaitVisible(chromedp.ID("password2")))
	noSideScroll("setup")
	do("fill setup",
		chromedp.SendKeys(chromedp.ID("email"), adminEmail),
		chromedp.SendKeys(chromedp.ID("name"), "Ada"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.SendKeys(chromedp.ID("password2"), testPassword),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
	waitText("setup done", "The administrator account is ready")

	do("password step",
		chromedp.SendKeys(chromedp.ID("email"), adminEmail),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
	waitText("second factor", "Code from your authenticator app")
	do("code step", chromedp.SendKeys(chromedp.ID("code"), totpCode), chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	waitText("dashboard", "Open incidents")
	noSideScroll("dashboard")
	// The dashboard follows the monitors without a reload.
	e.monitors.setState("web", sitrep.StateDown)
	waitText("live dashboard", "Web\tDown")
	if eval(`performance.getEntriesByType("navigation")[0].type`) != "navigate" || eval(`document.getElementById("live").textContent.startsWith("Updated")`) != true {
		t.Error("the dashboard was reloaded or did not say it updated")
	}

	do("incident form", chromedp.Navigate(base+"/admin/incidents/new"), chromedp.WaitVisible(chromedp.ID("title")))
	do("fill incident",
		chromedp.SendKeys(chromedp.ID("title"), "Video playback fails"),
		chromedp.SetValue(chromedp.ID("impact"), "major"),
		chromedp.SetValue(chromedp.ID("component-video"), "major_outage"),
		chromedp.SendKeys(chromedp.ID("message"), "We are **looking** into it."),
		chromedp.Click(chromedp.CSS(`button[value="preview"]`)))
	waitText("preview", "Preview of the public update")
	if got := eval(`document.querySelector(".preview .md strong").textContent + "|" + document.querySelector(".preview .upd .small").textContent`); got != "looking|Video: Major outage" {
		t.Errorf("preview shows %q", got)
	}
	noSideScroll("incident form")
	do("open", chromedp.Click(chromedp.CSS(`button[value="open"]`)))
	waitText("incident page", "Post an update")
	if !strings.HasPrefix(eval(`location.pathname`).(string), "/admin/incidents/inc-") {
		t.Fatalf("after opening: %v", eval(`location.href`))
	}

	do("update",
		chromedp.SetValue(chromedp.ID("status"), "monitoring"),
		chromedp.SendKeys(chromedp.ID("message"), "A fix is rolling out."),
		chromedp.Click(chromedp.CSS(`button[value="post"]`)))
	waitText("update posted", "A fix is rolling out.")
	noSideScroll("incident page")

	do("resolve", chromedp.Click(chromedp.CSS(`button[value="resolve"]`)))
	waitText("resolved", "The issue is resolved and every service is working normally.")
	if eval(`!!document.getElementById("upd-h")`) != false {
		t.Error("a resolved incident still offers updates")
	}

	do("postmortem", chromedp.Click(chromedp.CSS(`a[href$="/postmortem"]`)), chromedp.WaitVisible(chromedp.ID("summary")))
	do("fill postmortem",
		chromedp.SendKeys(chromedp.ID("summary"), "A storage node filled up."),
		chromedp.SendKeys(chromedp.ID("timeline"), "2026-11-21 11:00 Alert fired"),
		chromedp.SendKeys(chromedp.ID("a-title-0"), "Alert on disk forecast"),
		chromedp.SendKeys(chromedp.ID("a-owner-0"), "ops"),
		chromedp.Click(chromedp.ID("published")),
		chromedp.Click(chromedp.CSS(`button[value="save"]`)))
	waitText("postmortem saved", "Alert on disk forecast · ops")
	waitText("postmortem published", "Published")

	calls := e.incs.callLog()
	if len(calls) != 4 || calls[0] != "open" || !strings.HasPrefix(calls[3], "postmortem ") {
		t.Errorf("service calls %v", calls)
	}

	// A viewer signs in (no second factor) and tries to open an incident.
	e.accounts.addUser(viewerEmail, testPassword, sitrep.RoleViewer, false)
	do("sign out", chromedp.Click(chromedp.CSS(`.who button`)))
	waitText("signed out", "Sign in")
	do("viewer sign-in",
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), viewerEmail),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	waitText("viewer dashboard", "Open incidents")
	do("viewer form", chromedp.Navigate(base+"/admin/incidents/new"), chromedp.WaitVisible(chromedp.ID("title")))
	waitText("read-only note", "can look but not change anything")
	do("viewer acts", chromedp.SendKeys(chromedp.ID("title"), "Not allowed"), chromedp.Click(chromedp.CSS(`button[value="open"]`)))
	waitText("viewer refused", "may look but not change")
	if got := len(e.incs.callLog()); got != 4 {
		t.Errorf("the viewer's incident reached the service: %v", e.incs.callLog())
	}

	// Dark mode follows the system setting.
	bg := `getComputedStyle(document.body).backgroundColor`
	light := eval(bg)
	do("dark mode", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
		return err
	}))
	if dark := eval(bg); dark != "rgb(18, 20, 22)" || light != "rgb(255, 255, 255)" {
		t.Errorf("background light %v, dark %v", light, dark)
	}

	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		if strings.Contains(p, "status of 403") && strings.HasSuffix(p, "/admin/incidents)") {
			continue // the viewer's refused form, expected
		}
		t.Errorf("browser console: %s", p)
	}
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
