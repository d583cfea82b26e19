package config

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"sitrep"
)

// components builds the components in file order. Every entry's group is
// recorded, even an entry with problems, for the pages' checks.
func (d *decoder) components(items []*values) []sitrep.Component {
	ids := map[string]*yaml.Node{}
	declared := make(map[string]bool, len(d.monitorIDs))
	for _, id := range d.monitorIDs {
		declared[id] = true
	}
	var out []sitrep.Component
	for _, v := range items {
		before := len(d.p.list)
		c := sitrep.Component{
			ID:                  v.str("id"),
			Name:                v.str("name"),
			Group:               strings.TrimSpace(v.str("group")),
			Description:         v.str("description"),
			Monitors:            v.strs("monitors"),
			HiddenUntilDegraded: v.boolean("hidden_until_degraded"),
			Automation:          d.override(v.sub("incidents")),
		}
		if v.has("id") {
			if msg := checkID(c.ID); msg != "" {
				d.p.at(v.at("id"), "id: %s", msg)
			} else if first, dup := ids[c.ID]; dup {
				d.p.at(v.at("id"), "id: %q is already the id of the component at %s; ids must be unique", c.ID, d.p.pos(first))
			} else {
				ids[c.ID] = v.at("id")
			}
		}
		if c.Name == "" {
			c.Name = c.ID
		}
		if v.has("group") {
			if c.Group == "" {
				d.p.at(v.at("group"), "group: must not be empty; name the region or portal, e.g. group: Oslo data centre")
			} else if !slices.Contains(d.groups, c.Group) {
				d.groups = append(d.groups, c.Group)
			}
		}
		d.componentMonitors(v, c.ID, declared)
		c.Rule = d.rule(v.sub("rule"))
		if len(d.p.list) == before {
			out = append(out, c)
		}
	}
	return out
}

// componentMonitors checks that a component refers to declared monitors,
// each once.
func (d *decoder) componentMonitors(v *values, id string, declared map[string]bool) {
	nodes := v.listItems("monitors")
	seen := map[string]bool{}
	for i, m := range v.strs("monitors") {
		at := v.at("monitors")
		if i < len(nodes) {
			at = nodes[i]
		}
		switch {
		case seen[m]:
			d.p.at(at, "monitors: %q is listed twice", m)
		case !declared[m]:
			hint := "add it under monitors or fix the id"
			if s := didYouMean(m, d.monitorIDs); s != "" {
				hint = "did you mean " + s + "?"
			}
			d.p.at(at, "component %s: monitor %q is not declared; %s", id, m, hint)
		}
		seen[m] = true
	}
}

func (d *decoder) rule(v *values) sitrep.ComponentRule {
	r := sitrep.ComponentRule{
		AnyDegraded: sitrep.ComponentStatus(v.str("any_degraded")),
		SomeDown:    sitrep.ComponentStatus(v.str("some_down")),
		AllDown:     sitrep.ComponentStatus(v.str("all_down")),
	}
	full := r.WithDefaults()
	if full.AllDown.Severity() < full.SomeDown.Severity() {
		key := "all_down"
		if !v.has(key) {
			key = "some_down"
		}
		d.p.at(v.at(key), "%s: all_down %s is milder than some_down %s; every monitor down must be at least as bad as some down",
			key, full.AllDown, full.SomeDown)
	}
	return r
}

// groupProblem says why a page cannot show group g, or "".
func (d *decoder) groupProblem(g string) string {
	if slices.Contains(d.groups, g) {
		return ""
	}
	switch s := didYouMean(g, d.groups); {
	case s != "":
		return fmt.Sprintf("no component declares group %q; did you mean %s?", g, s)
	case len(d.groups) == 0:
		return fmt.Sprintf("no component declares group %q, nor any other; declare components with group: %s", g, g)
	}
	return fmt.Sprintf("no component declares group %q; declared: %s", g, strings.Join(d.groups, ", "))
}
