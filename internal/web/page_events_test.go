package web

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// sseClient reads one event stream line by line.
type sseClient struct {
	res   *http.Response
	lines chan string
}

func openSSE(t *testing.T, ctx context.Context, url string) *sseClient {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	c := &sseClient{res: res, lines: make(chan string, 64)}
	if res.StatusCode != http.StatusOK {
		return c
	}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() { res.Body.Close() })
	return c
}

// next returns the next non-empty line, failing after a generous timeout
// that only a broken stream reaches.
func (c *sseClient) next(t *testing.T) string {
	t.Helper()
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				t.Fatal("stream ended")
			}
			if l != "" {
				return l
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no event")
		}
	}
}

func TestPageEvents(t *testing.T) {
	e := newPageEnv(t, storyPage(t, storyOpts{}), usPage(t))
	e.srv.pub.heartbeat = 20 * time.Millisecond
	e.srv.pub.maxStreams = 2
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	defer e.srv.CloseStreams()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	c := openSSE(t, ctx, ts.URL+"/events")
	if ct := c.res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	for _, want := range []string{"retry: 5000", "event: version", "data: 7"} {
		if got := c.next(t); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	// Heartbeats are comments; the test's interval is short.
	if got := c.next(t); got != ": ping" {
		t.Fatalf("got %q, want a heartbeat", got)
	}

	e.pages.Publish(storyPage(t, storyOpts{version: 8}))
	for {
		if l := c.next(t); l == "data: 8" {
			break
		}
	}

	// The second page has its own stream; a third stream is over the cap.
	us := openSSE(t, ctx, ts.URL+"/us/events")
	if us.res.StatusCode != http.StatusOK {
		t.Fatalf("us stream: %d", us.res.StatusCode)
	}
	over := openSSE(t, ctx, ts.URL+"/events")
	if over.res.StatusCode != http.StatusServiceUnavailable || over.res.Header.Get("Retry-After") == "" {
		t.Fatalf("stream over the cap: status %d, Retry-After %q", over.res.StatusCode, over.res.Header.Get("Retry-After"))
	}
	over.res.Body.Close()

	// A client that goes away releases its subscription and its slot.
	us.res.Body.Close()
	waitFor(t, func() bool { return e.pages.subscribers("us") == 0 && e.srv.pub.streams.Load() == 1 })

	// Shutdown ends the remaining stream.
	e.srv.CloseStreams()
	waitFor(t, func() bool { return e.pages.subscribers("main") == 0 })
}

// waitFor polls cond: the server reacts to a closed connection on its own
// goroutine and there is nothing to wait on directly.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPageEventsUnknownPage(t *testing.T) {
	e := newPageEnv(t, storyPage(t, storyOpts{}))
	res := e.do(t, "GET", "/nope/events", nil)
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d", res.StatusCode)
	}
	if !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("Cache-Control %q", res.Header.Get("Cache-Control"))
	}
}
