package engine

import (
	"context"
	"fmt"
	"slices"

	"sitrep"
)

// Ping records a heartbeat ping for the monitor owning token. The ping is
// stored durably before Ping returns, then judged at once.
func (e *Engine) Ping(ctx context.Context, token string, p sitrep.Ping) error {
	id, err := e.store.HeartbeatByToken(ctx, token)
	if err != nil {
		if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
			return err
		}
		return fmt.Errorf("resolve ping token: %w", err)
	}
	ms := e.lookup(id)
	if ms == nil || ms.monitor().Heartbeat == nil {
		return sitrep.Errorf(sitrep.ENOTFOUND, "no heartbeat monitor has this token")
	}
	p.MonitorID = id
	if p.Time.IsZero() {
		p.Time = e.clock.Now()
	}
	if p.Kind == "" {
		p.Kind = sitrep.PingSuccess
	}
	if err := e.store.RecordPing(ctx, p); err != nil {
		return fmt.Errorf("record ping for %s: %w", id, err)
	}

	// The caller may hang up now; the verdict must still be reached and stored.
	ctx = context.WithoutCancel(ctx)
	ms.mu.Lock()
	defer ms.mu.Unlock()
	i, _ := slices.BinarySearchFunc(ms.pings, p, func(a, b sitrep.Ping) int { return b.Time.Compare(a.Time) })
	ms.pings = slices.Insert(ms.pings, i, p)
	if len(ms.pings) > pingsKept {
		ms.pings = ms.pings[:pingsKept]
	}
	e.judgeHeartbeatLocked(ctx, ms)
	return nil
}

// tickHeartbeat re-judges a heartbeat monitor on its schedule, which is how
// silence is noticed.
func (e *Engine) tickHeartbeat(ctx context.Context, id string) {
	ms := e.lookup(id)
	if ms == nil {
		return
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.m.Heartbeat == nil {
		return
	}
	e.judgeHeartbeatLocked(ctx, ms)
}

func (e *Engine) judgeHeartbeatLocked(ctx context.Context, ms *monState) {
	if e.heartbeat == nil {
		return
	}
	r, ok := e.heartbeat(ms.m, ms.pings, ms.since, e.clock.Now())
	if !ok {
		return
	}
	e.deliverLocked(ctx, ms, r)
}
