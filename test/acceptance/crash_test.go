package acceptance

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sitrep/internal/sqlstore"
)

// seenState is one (state, since) pair the API reported for a monitor.
type seenState struct {
	state string
	since time.Time
}

func (s seenState) String() string {
	return s.state + " since " + s.since.UTC().Format("15:04:05.000")
}

// sameInstant allows for the store keeping milliseconds while memory keeps
// nanoseconds.
func sameInstant(a, b time.Time) bool {
	d := a.Sub(b)
	return d > -time.Millisecond && d < time.Millisecond
}

// history is every state the API has reported, per monitor.
type history struct {
	t    *testing.T
	all  map[string][]seenState
	last map[string]seenState
}

// observe records what one API answer showed and fails on a monitor going
// back to an older state than one already reported.
func (h *history) observe(ms []apiMonitor, when string) {
	h.t.Helper()
	for _, m := range ms {
		if m.Since == nil || m.State == "unknown" {
			if prev, ok := h.last[m.ID]; ok {
				h.t.Errorf("%s: %s reported %s (since %v) after having reported %s", when, m.ID, m.State, m.Since, prev)
			}
			continue
		}
		cur := seenState{m.State, *m.Since}
		prev, ok := h.last[m.ID]
		switch {
		case !ok, cur.since.After(prev.since) && !sameInstant(cur.since, prev.since):
			h.all[m.ID] = append(h.all[m.ID], cur)
			h.last[m.ID] = cur
		case sameInstant(cur.since, prev.since) && cur.state == prev.state:
		default:
			h.t.Errorf("%s: %s reported %s after having reported %s: a reported state was lost", when, m.ID, cur, prev)
		}
	}
}

// TestKill9 kills sitrep with SIGKILL again and again — right after the API
// reported a state change, while targets flip, at random moments — and checks
// that the database is intact and that no state the API ever reported is
// lost, neither from the store nor from what the API shows after restart.
func TestKill9(t *testing.T) {
	const monitors = 4
	var codes [monitors]atomic.Int32
	for i := range codes {
		codes[i].Store(http.StatusOK)
	}
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/m"))
		if err != nil || i < 0 || i >= monitors {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(int(codes[i].Load()))
	}))
	defer target.Close()

	dir := t.TempDir()
	cfg := filepath.Join(dir, "sitrep.yaml")
	data := filepath.Join(dir, "data")
	var b strings.Builder
	b.WriteString("location: test\nmonitors:\n")
	for i := range monitors {
		fmt.Fprintf(&b, "  - id: m%d\n    type: http\n    url: %s/m%d\n    interval: 1s\n    timeout: 500ms\n"+
			"    expect: {status: [200]}\n    failures_to_down: 1\n    successes_to_up: 1\n", i, target.URL, i)
	}
	writeFile(t, cfg, b.String())

	seed := time.Now().UnixNano()
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	h := &history{t: t, all: map[string][]seenState{}, last: map[string]seenState{}}
	flip := func() (id string, want string) {
		i := rng.IntN(monitors)
		if codes[i].Load() == http.StatusOK {
			codes[i].Store(http.StatusInternalServerError)
			return fmt.Sprintf("m%d", i), "down"
		}
		codes[i].Store(http.StatusOK)
		return fmt.Sprintf("m%d", i), "up"
	}

	const rounds = 8
	for round := range rounds {
		s := startServer(t, dir, "--config", cfg, "--data", data)
		s.waitHealthy()
		ms, err := s.monitors()
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		h.observe(ms, fmt.Sprintf("round %d, first answer after restart", round))

		id, want := flip()
		eventually(t, s, 15*time.Second, fmt.Sprintf("round %d: %s to become %s", round, id, want), func() (bool, string) {
			ms, err := s.monitors()
			if err != nil {
				return false, err.Error()
			}
			h.observe(ms, fmt.Sprintf("round %d", round))
			got := h.last[id]
			return got.state == want, id + " is " + got.String()
		})

		switch round % 3 {
		case 0:
			// Straight after the API showed the change: the change must
			// already be on disk.
		case 1:
			// Mid-check or mid-write: another flip, then a random moment
			// within about one check interval.
			flip()
			time.Sleep(time.Duration(rng.IntN(1200)) * time.Millisecond)
		case 2:
			// While the API is being read: keep observing for a random time.
			end := time.Now().Add(time.Duration(rng.IntN(1000)) * time.Millisecond)
			for time.Now().Before(end) {
				if ms, err := s.monitors(); err == nil {
					h.observe(ms, fmt.Sprintf("round %d", round))
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		s.kill()
		n := 0
		for _, seen := range h.all {
			n += len(seen)
		}
		t.Logf("round %d: killed (mode %d) after %s; %d states reported so far", round, round%3, id, n)
		checkStore(t, round, data, h)
		if t.Failed() {
			t.FailNow()
		}
	}
}

// checkStore copies the database as the killed process left it (main file
// and WAL; the shared-memory index is rebuilt), checks its integrity and
// looks up every reported state change in it. Working on a copy leaves the
// original for the next start to recover by itself.
func checkStore(t *testing.T, round int, data string, h *history) {
	t.Helper()
	tmp := t.TempDir()
	db := filepath.Join(tmp, "sitrep.db")
	for _, suffix := range []string{"", "-wal", "-journal"} {
		copyFile(t, filepath.Join(data, "sitrep.db"+suffix), db+suffix)
	}

	conn, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatalf("round %d: open database copy: %v", round, err)
	}
	var verdict string
	if err := conn.QueryRow("PRAGMA integrity_check").Scan(&verdict); err != nil {
		t.Fatalf("round %d: integrity_check: %v", round, err)
	}
	conn.Close()
	if verdict != "ok" {
		t.Fatalf("round %d: integrity_check after kill -9: %s", round, verdict)
	}

	ctx := context.Background()
	st, err := sqlstore.Open(ctx, sqlstore.Options{Driver: "sqlite", Path: db})
	if err != nil {
		t.Fatalf("round %d: open store copy: %v", round, err)
	}
	defer st.Close()
	far := time.Now().Add(24 * time.Hour)
	for id, seen := range h.all {
		changes, err := st.StateChanges(ctx, id, time.Time{}, far)
		if err != nil {
			t.Fatalf("round %d: state changes of %s: %v", round, id, err)
		}
		for _, s := range seen {
			found := false
			for _, c := range changes {
				if string(c.To) == s.state && sameInstant(c.At, s.since) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("round %d: the API reported %s %s, but the store has no such change after kill -9 (it has %d changes)",
					round, id, s, len(changes))
			}
		}
	}
}

// copyFile copies src to dst; a missing src (no WAL at the moment) is fine.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatalf("copy to %s: %v", dst, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		t.Fatalf("copy %s: %v", src, err)
	}
	if err := out.Close(); err != nil {
		t.Fatalf("copy to %s: %v", dst, err)
	}
}
