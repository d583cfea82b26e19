package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sitrep/internal/browsertest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browserTab starts headless Chromium for one test (see internal/browsertest).
func browserTab(t *testing.T) context.Context { return browsertest.New(t, 60*time.Second) }

// consoleProblems records every console error or warning and every
// uncaught exception of the tab from now on.
type consoleProblems struct {
	mu   sync.Mutex
	list []string
}

func watchConsole(ctx context.Context) *consoleProblems {
	c := &consoleProblems{}
	// Console subscribes when it returns, so nothing the first page load
	// writes is lost.
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				c.mu.Lock()
				c.list = append(c.list, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line))
				c.mu.Unlock()
			}
		}
	}()
	return c
}

func (c *consoleProblems) report(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.list {
		t.Errorf("browser console: %s", p)
	}
}

// browserApp starts the real server with two components in two groups on
// one page, each watched by its own loopback target.
func browserApp(t *testing.T) (base string, courses, messaging *target) {
	t.Helper()
	courses, messaging = newTarget(t), newTarget(t)
	dir := t.TempDir()
	cfg := fmt.Sprintf(`monitors:
  - {id: courses-web, type: http, url: %q, interval: 1s, timeout: 500ms, failures_to_down: 1, successes_to_up: 1}
  - {id: ws-us, type: http, url: %q, interval: 1s, timeout: 500ms, failures_to_down: 1, successes_to_up: 1}
components:
  - {id: courses-oslo, name: Courses, group: Oslo data centre, monitors: [courses-web]}
  - {id: messaging-us, name: Real-time messaging, group: US data centre, monitors: [ws-us]}
pages:
  - {slug: main, title: Example Learning status, groups: [Oslo data centre, US data centre]}
incidents: {auto_open_after: 1s}
`, courses.URL, messaging.URL)
	cfgPath := filepath.Join(dir, "sitrep.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	a := New(Options{
		ConfigPath: cfgPath, DataDir: filepath.Join(dir, "data"), Listen: "127.0.0.1:0",
		Stdout: &out, WatchInterval: -1, AdminToken: browserToken,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := a.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	waitFor(t, "both monitors up", func() bool {
		m := monitors(t, a)
		return m["courses-web"] == "up" && m["ws-us"] == "up"
	})
	return "http://" + a.Addr().String(), courses, messaging
}

const browserToken = "browser-admin-token"

// liveWait bounds every wait for a change to reach the open page.
const liveWait = 15 * time.Second

// TestBrowserStatusPage drives the real server's public page in headless
// Chromium: it renders cleanly, its uptime bars explain themselves on
// keyboard focus, incidents opened and updated through the API and by the
// monitoring itself reach the already open page without a reload, and it
// fits a phone. One server and one tab serve all steps, in order, because
// starting Chromium dominates the run time and the later steps need the
// state the earlier ones left.
func TestBrowserStatusPage(t *testing.T) {
	ctx := browserTab(t)
	problems := watchConsole(ctx)
	base, _, messaging := browserApp(t)

	eval := func(t *testing.T, js string) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}
	// waitText waits, without reloading, for the page's text (or a part
	// of it) to contain all of want.
	waitText := func(t *testing.T, what, selector string, want ...string) {
		t.Helper()
		wantJSON, _ := json.Marshal(want)
		js := fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el) return false;
			const text = el.innerText; return %s.every(w => text.includes(w)); })()`, selector, wantJSON)
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(liveWait))); err != nil {
			got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v; the page says:\n%s", what, err, got)
		}
	}
	// notReloaded proves the page is still the document first loaded: a
	// reload would have dropped the marker.
	notReloaded := func(t *testing.T) {
		t.Helper()
		if v := eval(t, `window.__marker`); v != float64(1) {
			t.Errorf("window.__marker = %v after the change: the page was reloaded instead of updated", v)
		}
	}

	t.Run("renders", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible("#banner-h"),
		); err != nil {
			t.Fatal(err)
		}
		waitText(t, "page lists both groups and components", "#components",
			"Oslo data centre", "Courses", "US data centre", "Real-time messaging")
		if title := eval(t, `document.title`); title == "" {
			t.Error("the page has no title")
		}
		// Set once, before anything changes: every later step checks it.
		eval(t, `window.__marker = 1`)
	})

	t.Run("tooltip on keyboard focus", func(t *testing.T) {
		openTips := `[...document.querySelectorAll(".tip")].filter(t => getComputedStyle(t).display !== "none").length`
		if n := eval(t, `document.querySelectorAll(".seg").length`); n == float64(0) {
			t.Fatal("the page has no uptime bars")
		}
		if n := eval(t, openTips); n != float64(0) {
			t.Errorf("%v tooltips open before any focus, want 0", n)
		}
		focusedSeg := `!!document.activeElement && document.activeElement.classList.contains("seg")`
		for i := 0; i < 40 && eval(t, focusedSeg) != true; i++ {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
				t.Fatal(err)
			}
		}
		if eval(t, focusedSeg) != true {
			t.Fatalf("Tab never reached an uptime bar; focus is on %v", eval(t, `document.activeElement.outerHTML.slice(0, 200)`))
		}
		tip, _ := eval(t, `(() => {
			const seg = document.activeElement;
			const tip = document.getElementById(seg.getAttribute("aria-describedby"));
			if (!tip) return "no tooltip for " + seg.outerHTML.slice(0, 200);
			const r = tip.getBoundingClientRect();
			return getComputedStyle(tip).display + "|" + (r.width > 0 && r.height > 0) + "|" + tip.textContent;
		})()`).(string)
		if !strings.HasPrefix(tip, "block|true|") || (!strings.Contains(tip, "uptime") && !strings.Contains(tip, "no data")) {
			t.Errorf("tooltip on focus: %q, want a visible tooltip with the day's uptime", tip)
		}
		if n := eval(t, openTips); n != float64(1) {
			t.Errorf("%v tooltips open, want only the focused bar's", n)
		}
	})

	t.Run("api incident and update appear live", func(t *testing.T) {
		body := `{"title":"Video is slow","impact":"minor","status":"investigating",` +
			`"message":"We are looking into slow video in Oslo.","components":{"courses-oslo":"degraded_performance"}}`
		code, resp := post(t, base+"/api/v1/incidents", browserToken, body)
		if code != http.StatusCreated {
			t.Fatalf("create incident: %d %s", code, resp)
		}
		var inc struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(resp), &inc); err != nil || inc.ID == "" {
			t.Fatalf("create incident answer %s: %v", resp, err)
		}
		waitText(t, "new incident on the open page", "#active", "Video is slow", "We are looking into slow video in Oslo.")
		notReloaded(t)

		// A long unbroken link is what real updates carry and what pushes a
		// phone page sideways; the phone step below checks it fits.
		msg := "Cause found: a storage node. Details: https://status.example.com/notes/2026/storage-node-oslo-3-latency-investigation-followup"
		code, resp = post(t, base+"/api/v1/incidents/"+inc.ID+"/updates", browserToken,
			fmt.Sprintf(`{"status":"identified","message":%q}`, msg))
		if code/100 != 2 {
			t.Fatalf("post update: %d %s", code, resp)
		}
		waitText(t, "posted update on the open page", "#active", "Video is slow", "Cause found: a storage node.", "Identified")
		notReloaded(t)
		if live := eval(t, `document.getElementById("live").textContent`); !strings.HasPrefix(fmt.Sprint(live), "Updated") {
			t.Errorf("live region says %q, want an announcement of the update", live)
		}
	})

	t.Run("automatic incident appears live", func(t *testing.T) {
		messaging.status.Store(http.StatusServiceUnavailable)
		waitText(t, "automatic incident on the open page", "#active",
			"Problems with Real-time messaging in the US data centre",
			"We are investigating problems with Real-time messaging in the US data centre.")
		notReloaded(t)
		waitText(t, "component status on the open page", "#components", "Real-time messaging")
		// The manual incident is still there next to the automatic one.
		waitText(t, "both incidents", "#active", "Video is slow")
	})

	t.Run("phone width", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 800)); err != nil {
			t.Fatal(err)
		}
		noSideScroll := `document.documentElement.scrollWidth <= window.innerWidth`
		sizes := `document.documentElement.scrollWidth + " > " + window.innerWidth`
		if eval(t, `window.innerWidth`) != float64(375) {
			t.Fatalf("viewport is %v px wide, want 375", eval(t, `window.innerWidth`))
		}
		if eval(t, noSideScroll) != true {
			t.Errorf("horizontal scroll at 375 px with two active incidents: %v", eval(t, sizes))
		}
		// Whatever sticks out, name it so a failure says what to fix.
		wide := eval(t, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
			.slice(0, 5).map(e => e.tagName + "." + e.className).join(", ")`)
		if wide != "" {
			t.Errorf("elements wider than the phone: %v", wide)
		}
		// The last bar of a row sits at the right edge: its open tooltip
		// must still fit.
		eval(t, `(() => { const segs = document.querySelectorAll(".seg"); segs[segs.length - 1].focus(); })()`)
		if eval(t, noSideScroll) != true {
			t.Errorf("an open tooltip makes the phone page scroll sideways: %v", eval(t, sizes))
		}
		if eval(t, `document.getElementById("banner-h").getBoundingClientRect().width > 0`) != true {
			t.Error("the banner is not visible at phone width")
		}
		notReloaded(t)
	})

	problems.report(t)
}
