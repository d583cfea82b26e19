package engine

import (
	"context"
	"fmt"
	"time"

	"sitrep"
)

// MaxResultsRange is the longest range Results answers.
const MaxResultsRange = 400 * 24 * time.Hour

// snapshotMaxAge is how stale the LastResult of a listing may be. States
// are never stale: a state change always rebuilds the snapshot.
const snapshotMaxAge = time.Second

// Monitors returns every configured monitor, sorted by id. The slice is a
// shared snapshot: callers must not modify it. Every result changes some
// monitor's LastResult, so with many monitors a listing rebuilt per change
// would cost a copy of all of them per API call; instead a snapshot is
// reused while no state changed and it is younger than snapshotMaxAge.
func (e *Engine) Monitors(ctx context.Context) ([]sitrep.MonitorView, error) {
	gen, stateGen := e.gen.Load(), e.stateGen.Load()
	s := e.snap.Load()
	if s != nil && (s.gen == gen || s.stateGen == stateGen && e.clock.Now().Sub(s.built) < snapshotMaxAge) {
		return s.views, nil
	}
	if s != nil && s.stateGen == stateGen {
		if !e.snapMu.TryLock() {
			// Someone is rebuilding; only LastResults are older meanwhile.
			return s.views, nil
		}
	} else {
		e.snapMu.Lock()
	}
	defer e.snapMu.Unlock()
	if s := e.snap.Load(); s != nil && s.gen == gen {
		return s.views, nil
	}
	e.mu.RLock()
	list := e.list
	e.mu.RUnlock()
	views := make([]sitrep.MonitorView, len(list))
	for i, ms := range list {
		views[i] = *ms.view.Load()
	}
	// The generations were read before building, so a change made meanwhile
	// makes the next call rebuild.
	e.snap.Store(&snapshot{gen: gen, stateGen: stateGen, built: e.clock.Now(), views: views})
	return views, nil
}

// Monitor returns one monitor.
func (e *Engine) Monitor(ctx context.Context, id string) (sitrep.MonitorView, error) {
	ms := e.lookup(id)
	if ms == nil {
		return sitrep.MonitorView{}, sitrep.Errorf(sitrep.ENOTFOUND, "monitor %q not found", id)
	}
	return *ms.view.Load(), nil
}

// Results returns raw results for the part of [from, to) where they are
// kept (including those not yet written) and rollups for the older part.
func (e *Engine) Results(ctx context.Context, id string, from, to time.Time) (sitrep.ResultSet, error) {
	if !from.Before(to) {
		return sitrep.ResultSet{}, sitrep.FieldErrorf(sitrep.EINVALID, "from", "must be before to (%s)", to.UTC().Format(time.RFC3339))
	}
	if to.Sub(from) > MaxResultsRange {
		return sitrep.ResultSet{}, sitrep.FieldErrorf(sitrep.EINVALID, "to", "range is longer than %d days; ask for less", int(MaxResultsRange/(24*time.Hour)))
	}
	if e.lookup(id) == nil {
		return sitrep.ResultSet{}, sitrep.Errorf(sitrep.ENOTFOUND, "monitor %q not found", id)
	}
	// The buffer is read before the store: a flush in between then shows a
	// result twice (removed below) rather than not at all.
	buffered := e.buf.results(id, from, to)
	oldest, err := e.store.OldestRaw(ctx, id)
	if err != nil {
		return sitrep.ResultSet{}, fmt.Errorf("find oldest raw result of %s: %w", id, err)
	}
	rawFrom := to
	if !oldest.IsZero() {
		rawFrom = oldest
	}
	if len(buffered) > 0 && buffered[0].Time.Before(rawFrom) {
		rawFrom = buffered[0].Time
	}
	if rawFrom.Before(from) {
		rawFrom = from
	}

	rs := sitrep.ResultSet{MonitorID: id, From: from, To: to}
	if rawFrom.Before(to) {
		raw, err := e.store.Results(ctx, id, rawFrom, to)
		if err != nil {
			return sitrep.ResultSet{}, fmt.Errorf("read results of %s: %w", id, err)
		}
		rs.Raw = merge(raw, buffered)
	}
	if from.Before(rawFrom) {
		res := resolutionFor(to.Sub(from))
		rs.Resolution = res
		rs.Rollups, err = e.store.Rollups(ctx, id, res, from.Truncate(res.Duration()), rawFrom)
		if err != nil {
			return sitrep.ResultSet{}, fmt.Errorf("read %s rollups of %s: %w", res, id, err)
		}
	}
	return rs, nil
}

// resolutionFor picks the rollup resolution that keeps a chart of span to a
// few thousand points at most.
func resolutionFor(span time.Duration) sitrep.Resolution {
	switch {
	case span < 2*24*time.Hour:
		return sitrep.ResolutionMinute
	case span < 90*24*time.Hour:
		return sitrep.ResolutionHour
	}
	return sitrep.ResolutionDay
}

// merge adds buffered results to stored ones, both oldest first, skipping
// any already stored.
func merge(stored, buffered []sitrep.Result) []sitrep.Result {
	if len(buffered) == 0 {
		return stored
	}
	type key struct {
		t   int64
		loc string
	}
	have := make(map[key]bool, len(stored))
	for _, r := range stored {
		have[key{r.Time.UnixNano(), r.Location}] = true
	}
	out := make([]sitrep.Result, 0, len(stored)+len(buffered))
	i := 0
	for _, b := range buffered {
		if have[key{b.Time.UnixNano(), b.Location}] {
			continue
		}
		for i < len(stored) && !stored[i].Time.After(b.Time) {
			out = append(out, stored[i])
			i++
		}
		out = append(out, b)
	}
	return append(out, stored[i:]...)
}

// Health reports whether storage accepts writes and how full it is.
func (e *Engine) Health(ctx context.Context) sitrep.Health {
	e.mu.RLock()
	h := sitrep.Health{Monitors: len(e.list)}
	e.mu.RUnlock()
	h.Storage = e.store.Writable(ctx)
	u, err := e.store.Usage(ctx)
	if err == nil {
		h.Usage = u
	} else if h.Storage == nil {
		h.Storage = fmt.Errorf("read storage usage: %w", err)
	}
	h.OK = h.Storage == nil
	return h
}
