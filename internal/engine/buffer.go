package engine

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"sitrep"
)

// flushBatch caps one AppendResults call, so that a backlog built up while
// storage was down goes out in transactions of reasonable size.
const flushBatch = 5000

// buffer holds results until they are written. It never blocks a check:
// when storage has been failing for long it drops the oldest results.
type buffer struct {
	flushMu sync.Mutex // one flush at a time

	mu       sync.Mutex
	pending  []sitrep.Result // not yet handed to the store
	inflight []sitrep.Result // being written now; still visible to readers
	max      int
	dropped  uint64
}

func newBuffer(max int) *buffer { return &buffer{max: max} }

func (b *buffer) add(r sitrep.Result) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.pending) > 0 && len(b.pending)+len(b.inflight) >= b.max {
		b.pending[0] = sitrep.Result{}
		b.pending = b.pending[1:]
		b.dropped++
	}
	b.pending = append(b.pending, r)
}

func (b *buffer) droppedCount() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dropped
}

func (b *buffer) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending) + len(b.inflight)
}

// results returns buffered results of one monitor with from <= Time < to,
// oldest first.
func (b *buffer) results(id string, from, to time.Time) []sitrep.Result {
	b.mu.Lock()
	var out []sitrep.Result
	for _, set := range [][]sitrep.Result{b.inflight, b.pending} {
		for _, r := range set {
			if r.MonitorID == id && !r.Time.Before(from) && r.Time.Before(to) {
				out = append(out, r)
			}
		}
	}
	b.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}

// Flush writes every buffered result now. On failure the unwritten results
// stay buffered for the next flush.
func (e *Engine) Flush(ctx context.Context) error {
	b := e.buf
	b.flushMu.Lock()
	defer b.flushMu.Unlock()

	b.mu.Lock()
	batch := b.pending
	b.pending = nil
	b.inflight = batch
	b.mu.Unlock()

	for len(batch) > 0 {
		chunk := batch[:min(len(batch), flushBatch)]
		start := e.clock.Now()
		err := e.store.AppendResults(ctx, chunk)
		e.obs.StoreWrite(e.clock.Now().Sub(start), len(chunk), err)
		if err != nil {
			dropped := b.requeue(batch)
			return fmt.Errorf("write %d results (%d dropped, buffer full): %w", len(batch), dropped, err)
		}
		batch = batch[len(chunk):]
		b.mu.Lock()
		b.inflight = batch
		b.mu.Unlock()
	}
	return nil
}

// requeue puts unwritten results back in front of those that arrived during
// the flush, dropping the oldest beyond the cap. It returns how many it dropped.
func (b *buffer) requeue(unwritten []sitrep.Result) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	all := make([]sitrep.Result, 0, len(unwritten)+len(b.pending))
	all = append(all, unwritten...)
	all = append(all, b.pending...)
	drop := max(len(all)-b.max, 0)
	b.pending = all[drop:]
	b.inflight = nil
	b.dropped += uint64(drop)
	return drop
}

func (e *Engine) flushTick(ctx context.Context) {
	if err := e.Flush(ctx); err != nil && ctx.Err() == nil {
		e.log.Error("write results; will retry", "buffered", e.buf.len(), "dropped_total", e.buf.droppedCount(), "err", err)
	}
}
