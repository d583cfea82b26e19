package web

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
	"github.com/chromedp/chromedp/kb"

	"sitrep"
)

// browser starts headless Chromium for one test (see internal/browsertest).
func browser(t *testing.T) context.Context { return browsertest.New(t, 60*time.Second) }

// serveLoopback runs the server on 127.0.0.1:0 like the real binary.
func serveLoopback(t *testing.T, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 5 * time.Second}
	hs.RegisterOnShutdown(srv.CloseStreams)
	go hs.Serve(ln) //nolint:errcheck // ends with Shutdown
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(ctx) //nolint:errcheck // test teardown
	})
	return "http://" + ln.Addr().String()
}

func TestPageInBrowser(t *testing.T) {
	ctx := browser(t)
	e := newPageEnv(t, storyPage(t, storyOpts{}))
	base := serveLoopback(t, e.srv)

	var mu sync.Mutex
	var problems []string
	// Subscribe before the first page loads so no message is lost.
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

	eval := func(js string) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}

	// A phone: 375 CSS pixels wide.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(375, 800),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible("#banner-h"),
	); err != nil {
		t.Fatal(err)
	}
	noHorizontalScroll := `document.documentElement.scrollWidth <= document.documentElement.clientWidth`
	if eval(noHorizontalScroll) != true {
		t.Errorf("horizontal scroll at 375 px: scrollWidth %v, clientWidth %v",
			eval(`document.documentElement.scrollWidth`), eval(`document.documentElement.clientWidth`))
	}

	// Tab to the first uptime bar: its tooltip opens without a mouse.
	focusedSeg := `document.activeElement && document.activeElement.classList.contains("seg")`
	for i := 0; i < 40 && eval(focusedSeg) != true; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
	}
	if eval(focusedSeg) != true {
		t.Fatalf("Tab never reached an uptime bar; focus is on %v", eval(`document.activeElement.outerHTML.slice(0, 200)`))
	}
	tip := eval(`(() => {
		const seg = document.activeElement;
		const tip = document.getElementById(seg.getAttribute("aria-describedby"));
		const r = tip.getBoundingClientRect();
		return getComputedStyle(tip).display + "|" + (r.width > 0 && r.height > 0) + "|" + tip.textContent;
	})()`).(string)
	if !strings.HasPrefix(tip, "block|true|") || !strings.Contains(tip, "25 Aug 2026") {
		t.Errorf("tooltip on focus: %q", tip)
	}
	if eval(noHorizontalScroll) != true {
		t.Error("an open tooltip makes the page scroll sideways")
	}
	// Only the focused bar's tooltip is open.
	if n := eval(`[...document.querySelectorAll(".tip")].filter(t => getComputedStyle(t).display !== "none").length`); n != float64(1) {
		t.Errorf("%v tooltips open, want 1", n)
	}

	// Wait for the live-update stream, then publish an update.
	waitFor(t, func() bool { return e.pages.subscribers("main") > 0 })
	e.pages.Publish(storyPage(t, storyOpts{version: 8, editIncidents: func(incs []*sitrep.Incident) {
		incs[0].Status = sitrep.IncidentMonitoring
		incs[0].Updates = append(incs[0].Updates, sitrep.IncidentUpdate{ID: "u4", Status: sitrep.IncidentMonitoring, Public: true,
			At: storyAt(18, 55), Message: "A fix is in place and we are monitoring the result."})
	}}))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.body.dataset.version === "8" && document.body.innerText.includes("A fix is in place")`,
		chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		t.Fatalf("update did not appear without reload: %v", err)
	}
	if eval(`performance.getEntriesByType("navigation").length`) != float64(1) {
		t.Error("the page was reloaded instead of updated")
	}

	// An incident page, also at phone width.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/incidents/inc-0"), chromedp.WaitVisible("#pm-h")); err != nil {
		t.Fatal(err)
	}
	if eval(noHorizontalScroll) != true {
		t.Error("horizontal scroll on the incident page")
	}

	// Dark mode follows the system setting.
	bg := `getComputedStyle(document.body).backgroundColor`
	light := eval(bg)
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	if dark := eval(bg); dark != "rgb(18, 20, 22)" || light != "rgb(255, 255, 255)" {
		t.Errorf("background light %v, dark %v", light, dark)
	}

	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser console: %s", p)
	}
}
