package alert

import (
	"context"
	"slices"
	"sync"

	"sitrep"
)

// memStore is an AlertStore in memory that records the events written with
// each change, in order; the SQL store is checked by internal/storetest.
type memStore struct {
	mu     sync.Mutex
	alerts map[string]sitrep.Alert
	// openKeys maps keys to the id of their latest alert.
	openKeys map[string]string
	order    []string
	events   []sitrep.Event
}

func newMemStore() *memStore {
	return &memStore{alerts: map[string]sitrep.Alert{}, openKeys: map[string]string{}}
}

func clone(a sitrep.Alert) sitrep.Alert {
	a.MonitorIDs = slices.Clone(a.MonitorIDs)
	a.ComponentIDs = slices.Clone(a.ComponentIDs)
	a.Events = nil
	return a
}

func (s *memStore) CreateAlert(_ context.Context, a sitrep.Alert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.alerts[s.openKeys[a.Key]]; ok && o.Open() {
		return sitrep.Errorf(sitrep.ECONFLICT, "open alert with key %s exists", a.Key)
	}
	s.openKeys[a.Key] = a.ID
	s.events = append(s.events, a.Events...)
	s.alerts[a.ID] = clone(a)
	s.order = append(s.order, a.ID)
	return nil
}

func (s *memStore) UpdateAlert(_ context.Context, id string, fn func(*sitrep.Alert) error) (sitrep.Alert, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.alerts[id]
	if !ok {
		return sitrep.Alert{}, sitrep.Errorf(sitrep.ENOTFOUND, "no alert %s", id)
	}
	work := clone(a)
	if err := fn(&work); err != nil {
		return clone(a), err
	}
	s.events = append(s.events, work.Events...)
	s.alerts[id] = clone(work)
	return clone(work), nil
}

func (s *memStore) Alert(_ context.Context, id string) (sitrep.Alert, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.alerts[id]
	if !ok {
		return sitrep.Alert{}, sitrep.Errorf(sitrep.ENOTFOUND, "no alert %s", id)
	}
	return clone(a), nil
}

func (s *memStore) OpenAlertByKey(_ context.Context, key string) (sitrep.Alert, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.alerts {
		if a.Key == key && a.Open() {
			return clone(a), nil
		}
	}
	return sitrep.Alert{}, sitrep.Errorf(sitrep.ENOTFOUND, "no open alert %s", key)
}

func (s *memStore) Alerts(_ context.Context, f sitrep.AlertFilter) ([]sitrep.Alert, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sitrep.Alert
	for i := len(s.order) - 1; i >= 0; i-- {
		a := s.alerts[s.order[i]]
		if !f.OpenOnly || a.Open() {
			out = append(out, clone(a))
		}
	}
	return out, nil
}

// take returns the events written since the last call.
func (s *memStore) take() []sitrep.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := s.events
	s.events = nil
	return ev
}
