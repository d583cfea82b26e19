package statusengine

import "time"

// untilNextAutoOpenLocked is how long until the earliest component in
// outage reaches its auto_open_after, or 0 when none is waiting. The loop
// wakes for it instead of on its next tick, so a short auto_open_after is
// honoured to the second rather than rounded up to the tick. The caller
// holds e.mu.
func (e *Engine) untilNextAutoOpenLocked(now time.Time) time.Duration {
	var next time.Duration
	for _, c := range e.cat.Components {
		st, ok := e.tracked[c.ID]
		if !ok || st.OutageSince.IsZero() {
			continue
		}
		after := e.cat.Automation.With(c.Automation).AutoOpenAfter
		if after <= 0 {
			continue
		}
		if d := st.OutageSince.Add(after).Sub(now); d > 0 && (next == 0 || d < next) {
			next = d
		}
	}
	return next
}
