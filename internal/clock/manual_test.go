package clock

import (
	"testing"
	"time"
)

func TestManualFiresInOrder(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewManual(start)
	a := c.NewTimer(2 * time.Second)
	b := c.NewTimer(time.Second)
	if got := c.Timers(); got != 2 {
		t.Fatalf("Timers() = %d, want 2", got)
	}
	c.Advance(3 * time.Second)
	if at := <-b.C(); !at.Equal(start.Add(time.Second)) {
		t.Errorf("b fired at %v, want +1s", at)
	}
	if at := <-a.C(); !at.Equal(start.Add(2 * time.Second)) {
		t.Errorf("a fired at %v, want +2s", at)
	}
	if !c.Now().Equal(start.Add(3 * time.Second)) {
		t.Errorf("Now() = %v, want +3s", c.Now())
	}
	a.Reset(time.Second)
	if a.Stop() != true {
		t.Error("Stop of an active timer returned false")
	}
	c.Advance(time.Hour)
	select {
	case <-a.C():
		t.Error("stopped timer fired")
	default:
	}
}
