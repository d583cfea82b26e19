package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Behaviour of one target path.
const (
	kindOK uint8 = iota
	kindFail
	kindSlow
)

// Gap phases: gaps are attributed to the phase in which the second request of
// the pair arrived, so that the API load's effect on the schedule can be told
// apart from the undisturbed steady state.
const (
	phaseWarmup = iota // the first interval: the scheduler is still spreading first checks
	phaseSteady
	phaseAPILoad
	numPhases
)

// gapBucket is the resolution of the gap histogram; gaps are tens of seconds,
// so 10 ms is far finer than anything the report shows.
const gapBucket = 10 * time.Millisecond

// targets are the HTTP servers the monitors check. They live in the harness
// process and record, per path, when requests arrive: that is the only
// measurement of the schedule that does not trust sitrep's own numbers.
type targets struct {
	origin   time.Time
	interval time.Duration
	slow     time.Duration
	kinds    []uint8
	mons     []monStat
	urls     []string
	phase    atomic.Int32
	gaps     [numPhases]*gapStat
	// firstGap holds each monitor's gap between its first and second check
	// apart: a scheduler may check everything soon after start and then move
	// each monitor to its own phase, a one-time stretch that is not jitter.
	firstGap *gapStat
	servers  []*http.Server
	requests atomic.Int64
}

type monStat struct {
	first atomic.Int64 // ns since origin; 0 = never requested
	last  atomic.Int64
	count atomic.Int64
}

type gapStat struct {
	n, sum, max atomic.Int64
	hist        []atomic.Int64
}

func newGapStat(interval time.Duration) *gapStat {
	return &gapStat{hist: make([]atomic.Int64, int(4*interval/gapBucket)+1)}
}

func (g *gapStat) add(d int64) {
	g.n.Add(1)
	g.sum.Add(d)
	for {
		m := g.max.Load()
		if d <= m || g.max.CompareAndSwap(m, d) {
			break
		}
	}
	b := int(d / int64(gapBucket))
	if b >= len(g.hist) {
		b = len(g.hist) - 1
	}
	g.hist[b].Add(1)
}

// quantile returns the upper edge of the bucket holding quantile q.
func (g *gapStat) quantile(q float64) time.Duration {
	n := g.n.Load()
	if n == 0 {
		return 0
	}
	rank := int64(q * float64(n))
	var seen int64
	for i := range g.hist {
		seen += g.hist[i].Load()
		if seen > rank {
			return time.Duration(i+1) * gapBucket
		}
	}
	return time.Duration(len(g.hist)) * gapBucket
}

func (g *gapStat) summary() gapSummary {
	n := g.n.Load()
	s := gapSummary{Count: n, MaxS: secs(time.Duration(g.max.Load())), P99S: secs(g.quantile(0.99))}
	if n > 0 {
		s.MeanS = secs(time.Duration(g.sum.Load() / n))
	}
	return s
}

// targetPlan says how many targets to serve and how they behave.
type targetPlan struct {
	monitors  int
	listeners int
	failFrac  float64
	slowFrac  float64
	slow      time.Duration
	interval  time.Duration
}

// startTargets starts plan.listeners servers spread over 127.0.0.2–127.0.0.254
// (several ports per address once there are more listeners than addresses) and
// gives every monitor its own path on one of them, round-robin, so no host
// carries more than monitors/listeners paths.
func startTargets(ctx context.Context, log *slog.Logger, plan targetPlan) (*targets, error) {
	t := &targets{
		origin:   time.Now(),
		interval: plan.interval,
		slow:     plan.slow,
		kinds:    make([]uint8, plan.monitors),
		mons:     make([]monStat, plan.monitors),
		urls:     make([]string, plan.monitors),
	}
	for i := range t.gaps {
		t.gaps[i] = newGapStat(plan.interval)
	}
	t.firstGap = newGapStat(plan.interval)
	// Evenly spaced rather than random so that every run fails and slows the
	// same monitors, and slow ones do not cluster on one host.
	assign(t.kinds, plan.failFrac, kindFail)
	assign(t.kinds, plan.slowFrac, kindSlow)

	bases := make([]string, plan.listeners)
	lc := net.ListenConfig{}
	for i := range plan.listeners {
		addr := fmt.Sprintf("127.0.0.%d:0", 2+i%253)
		ln, err := lc.Listen(ctx, "tcp", addr)
		if err != nil {
			t.close()
			return nil, fmt.Errorf("listen on %s for targets: %w", addr, err)
		}
		srv := &http.Server{Handler: t, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 30 * time.Second}
		t.servers = append(t.servers, srv)
		bases[i] = "http://" + ln.Addr().String()
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("target server stopped", "addr", ln.Addr().String(), "err", err)
			}
		}()
	}
	for i := range t.urls {
		t.urls[i] = bases[i%len(bases)] + "/m/" + strconv.Itoa(i)
	}
	return t, nil
}

// assign marks round(frac*n) evenly spaced entries that are still kindOK.
func assign(kinds []uint8, frac float64, kind uint8) {
	free := 0
	for _, k := range kinds {
		if k == kindOK {
			free++
		}
	}
	want := min(free, int(frac*float64(len(kinds))+0.5))
	if want <= 0 {
		return
	}
	step := float64(len(kinds)) / float64(want)
	// Offset by kind so that fail and slow do not pick the same indexes.
	pos := step * float64(kind) / 3
	for n := 0; n < want; pos += step {
		i := int(pos) % len(kinds)
		for kinds[i] != kindOK {
			i = (i + 1) % len(kinds)
		}
		kinds[i] = kind
		n++
	}
}

func (t *targets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := int64(time.Since(t.origin))
	t.requests.Add(1)
	idx, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/m/"))
	if err != nil || idx < 0 || idx >= len(t.mons) {
		http.NotFound(w, r)
		return
	}
	m := &t.mons[idx]
	n := m.count.Add(1)
	m.first.CompareAndSwap(0, now)
	if prev := m.last.Swap(now); prev != 0 {
		if n == 2 {
			t.firstGap.add(now - prev)
		} else {
			t.gaps[t.phase.Load()].add(now - prev)
		}
	}
	switch t.kinds[idx] {
	case kindFail:
		http.Error(w, "failing on purpose", http.StatusInternalServerError)
	case kindSlow:
		tm := time.NewTimer(t.slow)
		defer tm.Stop()
		select {
		case <-tm.C:
		case <-r.Context().Done():
			return
		}
		_, _ = w.Write([]byte("slow ok\n"))
	default:
		_, _ = w.Write([]byte("ok\n"))
	}
}

// at converts a recorded arrival (ns since origin) to a time.
func (t *targets) at(ns int64) time.Time { return t.origin.Add(time.Duration(ns)) }

// coverage reports how many monitors were requested at least once and when
// the last of them got its first request.
func (t *targets) coverage() (checked int, lastFirst time.Time) {
	var maxFirst int64
	for i := range t.mons {
		f := t.mons[i].first.Load()
		if f == 0 {
			continue
		}
		checked++
		maxFirst = max(maxFirst, f)
	}
	return checked, t.at(maxFirst)
}

// openGaps returns the longest time any monitor has gone without a request
// as of now, and how many have been silent for more than twice the interval:
// a monitor the scheduler dropped would never show up among closed gaps.
func (t *targets) openGaps(now time.Time) (longest time.Duration, stale int) {
	n := int64(now.Sub(t.origin))
	for i := range t.mons {
		l := t.mons[i].last.Load()
		if l == 0 {
			continue
		}
		d := time.Duration(n - l)
		longest = max(longest, d)
		if d > 2*t.interval {
			stale++
		}
	}
	return longest, stale
}

func (t *targets) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, s := range t.servers {
		_ = s.Shutdown(ctx)
	}
}
