package alert

import "time"

// pruneLocked drops the changes of monitor id older than the flap window.
func (m *Manager) pruneLocked(id string, now time.Time) []time.Time {
	cut := now.Add(-m.opts.FlapWindow)
	kept := m.changes[id][:0]
	for _, t := range m.changes[id] {
		if t.After(cut) {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		delete(m.changes, id)
		return nil
	}
	m.changes[id] = kept
	return kept
}

// flappingLocked reports whether monitor id changed state more than
// FlapChanges times within the window: paging for each swing would train
// people to ignore the pager, so it is held back until it settles.
func (m *Manager) flappingLocked(id string, now time.Time) bool {
	return len(m.pruneLocked(id, now)) > m.opts.FlapChanges
}
