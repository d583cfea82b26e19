package schedule

import (
	"time"

	"sitrep"
)

// entry is one scheduled monitor.
type entry struct {
	id       string
	m        *sitrep.Monitor
	interval time.Duration
	host     string
	next     time.Time
	nextNs   int64 // next as Unix nanoseconds: comparing these is most of the heap's work
	index    int   // position in the heap, kept by the heap methods
	// first is set until the first run, which may come before the
	// monitor's phase (see firstRun); after it the monitor rejoins its phase.
	first bool
}

func (e *entry) setNext(t time.Time) {
	e.next, e.nextNs = t, t.UnixNano()
}

// entryHeap is a min-heap of entries by next run time (container/heap).
type entryHeap []*entry

func (h entryHeap) Len() int           { return len(h) }
func (h entryHeap) Less(i, j int) bool { return h[i].nextNs < h[j].nextNs }
func (h entryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *entryHeap) Push(x any) {
	e := x.(*entry)
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *entryHeap) Pop() any {
	old := *h
	n := len(old)
	e := old[n-1]
	old[n-1] = nil
	e.index = -1
	*h = old[:n-1]
	return e
}
