package alert

import (
	"path"
	"slices"

	"sitrep"
)

// catalog indexes a Catalog for the lookups every state change makes.
type catalog struct {
	monitors    map[string]*sitrep.Monitor
	components  map[string][]string // monitor id → component ids, in declaration order
	routes      []sitrep.AlertRoute
	routeByID   map[string]*sitrep.AlertRoute
	policies    map[string]*sitrep.EscalationPolicy
	schedules   map[string]*sitrep.Schedule
	scheduleIDs []string
}

func newCatalog(c Catalog) *catalog {
	cat := &catalog{
		monitors:   map[string]*sitrep.Monitor{},
		components: map[string][]string{},
		routes:     c.Routes,
		routeByID:  map[string]*sitrep.AlertRoute{},
		policies:   map[string]*sitrep.EscalationPolicy{},
		schedules:  map[string]*sitrep.Schedule{},
	}
	for i := range c.Monitors {
		cat.monitors[c.Monitors[i].ID] = &c.Monitors[i]
	}
	for _, comp := range c.Components {
		for _, mid := range comp.Monitors {
			cat.components[mid] = append(cat.components[mid], comp.ID)
		}
	}
	for i := range c.Routes {
		cat.routeByID[c.Routes[i].ID] = &c.Routes[i]
	}
	for i := range c.Policies {
		cat.policies[c.Policies[i].ID] = &c.Policies[i]
	}
	for i := range c.Schedules {
		cat.schedules[c.Schedules[i].ID] = &c.Schedules[i]
		cat.scheduleIDs = append(cat.scheduleIDs, c.Schedules[i].ID)
	}
	return cat
}

// route returns the first route matching monitor id in state st, or nil.
func (c *catalog) route(id string, st sitrep.State) *sitrep.AlertRoute {
	for i := range c.routes {
		if c.matches(&c.routes[i], id, st) {
			return &c.routes[i]
		}
	}
	return nil
}

func (c *catalog) matches(r *sitrep.AlertRoute, id string, st sitrep.State) bool {
	sev := r.Severities
	if len(sev) == 0 {
		sev = []sitrep.State{sitrep.StateDown}
	}
	if !slices.Contains(sev, st) {
		return false
	}
	if len(r.Monitors) > 0 && !anyGlob(r.Monitors, id) {
		return false
	}
	if len(r.Components) > 0 && !slices.ContainsFunc(c.components[id], func(comp string) bool { return anyGlob(r.Components, comp) }) {
		return false
	}
	if len(r.Labels) > 0 {
		mon := c.monitors[id]
		if mon == nil {
			return false
		}
		for k, v := range r.Labels {
			if got, ok := mon.Labels[k]; !ok || got != v {
				return false
			}
		}
	}
	return true
}

func anyGlob(patterns []string, s string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, s); ok || p == s {
			return true
		}
	}
	return false
}

// key is the grouping key of monitor id under route r: monitors sharing a
// key share an alert. A monitor in no component groups by itself.
func (c *catalog) key(r *sitrep.AlertRoute, id string) string {
	if r.GroupBy != sitrep.GroupByMonitor {
		if comps := c.components[id]; len(comps) > 0 {
			return r.ID + "/component/" + comps[0]
		}
	}
	return r.ID + "/monitor/" + id
}

func (c *catalog) monitorName(id string) string {
	if m := c.monitors[id]; m != nil && m.Name != "" {
		return m.Name
	}
	return id
}
