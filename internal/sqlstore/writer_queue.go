package sqlstore

import "sync"

// writerQueue lets a long job that writes in many short transactions
// (Maintain) step aside for the writes waiting meanwhile. A sync.Mutex alone
// does not: the goroutine that just unlocked it usually takes it again before
// a woken waiter runs, so a result batch would wait for two or more of
// Maintain's transactions instead of at most one.
type writerQueue struct {
	mu       sync.Mutex
	cond     *sync.Cond // on mu, created lazily
	arrived  uint64     // lockWriter calls so far
	acquired uint64     // of which have taken wmu
}

func (q *writerQueue) condLocked() *sync.Cond {
	if q.cond == nil {
		q.cond = sync.NewCond(&q.mu)
	}
	return q.cond
}

// lockWriter takes wmu, counted as queued until it has it.
func (s *Store) lockWriter() {
	q := &s.queue
	q.mu.Lock()
	q.arrived++
	q.mu.Unlock()
	s.wmu.Lock()
	q.mu.Lock()
	q.acquired++
	q.condLocked().Broadcast()
	q.mu.Unlock()
}

// yieldWriter returns once as many writers have taken wmu as were queued for
// it when it was called. Writers arriving later do not hold it up, so a
// steady stream of them cannot starve the caller.
func (s *Store) yieldWriter() {
	q := &s.queue
	q.mu.Lock()
	for target := q.arrived; q.acquired < target; {
		q.condLocked().Wait()
	}
	q.mu.Unlock()
}
