package statusengine

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"sitrep"
)

// Services, the loop and readers run at once; -race checks they share
// nothing they should not.
func TestConcurrentUse(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				inc, err := e.eng.OpenIncident(e.ctx, sitrep.IncidentInput{Title: fmt.Sprintf("w%d-%d", w, i), Message: "m",
					Components: map[string]sitrep.ComponentStatus{"courses-us": sitrep.StatusDegraded}})
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := e.eng.ResolveIncident(e.ctx, inc.ID, sitrep.IncidentUpdateInput{Message: "ok"}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 50; i++ {
			e.eng.Poke()
			e.clock.Advance(time.Second)
		}
	}()
	go func() {
		defer wg.Done()
		ch, cancel := e.eng.Subscribe("")
		defer cancel()
		for i := 0; i < 50; i++ {
			if p, err := e.eng.PageFor(e.ctx, "", ""); err != nil || p.Version == 0 {
				t.Errorf("PageFor: %v", err)
			}
			_ = e.eng.MutedMonitors()
			select {
			case <-ch:
			default:
			}
		}
	}()
	wg.Wait()
	if p := e.page("", ""); len(p.ActiveIncidents) != 0 || len(p.Incidents) != 40 {
		t.Errorf("after the storm: %d active, %d incidents", len(p.ActiveIncidents), len(p.Incidents))
	}
}
