package config

import (
	"cmp"
	"slices"
	"time"

	"gopkg.in/yaml.v3"

	"sitrep"
)

func (d *decoder) incidents(v *values) sitrep.IncidentAutomation {
	return sitrep.IncidentAutomation{
		AutoOpenAfter:    v.dur("auto_open_after"),
		AutoResolveAfter: v.dur("auto_resolve_after"),
		NudgeAfter:       v.dur("nudge_after"),
	}
}

// override reads a component's exceptions to the incident settings: a
// pointer only for each key written, so that the rest inherit; nil when
// there are none.
func (d *decoder) override(v *values) *sitrep.AutomationOverride {
	var o sitrep.AutomationOverride
	set := false
	for key, dst := range map[string]**time.Duration{
		"auto_open_after":    &o.AutoOpenAfter,
		"auto_resolve_after": &o.AutoResolveAfter,
		"nudge_after":        &o.NudgeAfter,
	} {
		if v.has(key) {
			dur := v.dur(key)
			*dst, set = &dur, true
		}
	}
	if !set {
		return nil
	}
	return &o
}

// reminders returns the maintenance reminders longest first, the order in
// which they fall due; the file may list them in any order.
func (d *decoder) reminders(v *values) []time.Duration {
	rs := v.durs("reminders")
	nodes := v.listItems("reminders")
	seen := map[time.Duration]*yaml.Node{}
	for i, r := range rs {
		if i >= len(nodes) {
			break // the default, which has no duplicates
		}
		if first, dup := seen[r]; dup {
			d.p.at(nodes[i], "reminders: %s is already listed at %s; each reminder is sent once", formatDuration(r), d.p.pos(first))
			continue
		}
		seen[r] = nodes[i]
	}
	out := slices.Clone(rs)
	slices.SortFunc(out, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	return slices.Compact(out)
}
