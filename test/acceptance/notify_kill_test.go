package acceptance

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// hookReceiver records the event id of every webhook request. The first
// request hangs until its connection drops, to catch sitrep mid-send.
type hookReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	ids      []string
	inFlight chan struct{}
	release  chan struct{}
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{inFlight: make(chan struct{}), release: make(chan struct{})}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The server notices a dropped client only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		h.mu.Lock()
		h.ids = append(h.ids, r.Header.Get("Sitrep-Event-Id"))
		first := len(h.ids) == 1
		h.mu.Unlock()
		if first {
			close(h.inFlight)
			select { // sitrep dies with this send open
			case <-r.Context().Done():
			case <-h.release:
			}
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(func() {
		close(h.release)
		h.Close()
	})
	return h
}

func (h *hookReceiver) received() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.ids...)
}

// TestKillDuringSendResendsOnce: sitrep is killed with -9 while a page is
// being sent; after the restart the page goes out again — promptly, with
// the same event id, so a receiver that deduplicates sees it once — and
// never a third time.
func TestKillDuringSendResendsOnce(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(down.Close)
	hook := newHookReceiver(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sitrep.yaml")
	writeFile(t, cfg, fmt.Sprintf(`monitors:
  - {id: web, type: http, url: %q, interval: 1s, timeout: 500ms, failures_to_down: 1}
channels:
  - {id: ops-hook, type: webhook, url: %q, secret: acceptance-secret}
routes:
  - {match: {monitors: ["*"]}, channels: [ops-hook]}
`, down.URL, hook.URL))
	args := []string{"--config", cfg, "--data", filepath.Join(dir, "data")}

	first := startServer(t, dir, args...)
	first.waitHealthy()
	select {
	case <-hook.inFlight:
	case <-time.After(20 * time.Second):
		t.Fatalf("no page was sent; output:\n%s", first.out.String())
	}
	first.kill()

	second := startServer(t, dir, args...)
	second.waitHealthy()
	eventually(t, second, 15*time.Second, "the page sent again after the restart", func() (bool, string) {
		ids := hook.received()
		return len(ids) >= 2, fmt.Sprintf("received %q", ids)
	})
	ids := hook.received()
	if ids[0] == "" || ids[1] != ids[0] {
		t.Fatalf("resent page has event id %q, the interrupted one %q: a receiver could not deduplicate", ids[1], ids[0])
	}
	// Delivered now: nothing more may come for it.
	time.Sleep(2 * time.Second)
	if ids := hook.received(); len(ids) != 2 {
		t.Errorf("receiver got %d requests %q, want the interrupted one and one resend", len(ids), ids)
	}
}
