package config

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"sitrep"
)

// channelRef is a reference to a declared channel, checked once channels
// are known.
type channelRef struct {
	at *yaml.Node
	id string
}

// alerting builds schedules, escalation policies and routes, in that order
// so that each can check its references to the one before. It returns the
// channel references it met.
func (d *decoder) alerting(top *values, cfg *Config) []channelRef {
	var refs []channelRef
	cfg.Schedules = d.schedules(top.list("schedules"), &refs)
	scheduleIDs := make([]string, len(cfg.Schedules))
	for i, s := range cfg.Schedules {
		scheduleIDs[i] = s.ID
	}
	cfg.EscalationPolicies = d.policies(top.list("escalation_policies"), scheduleIDs, &refs)
	cfg.Routes = d.routes(top.list("routes"), cfg, &refs)
	return refs
}

// checkChannelRefs reports references to channels nobody declared.
func (d *decoder) checkChannelRefs(refs []channelRef, declared []string) {
	for _, r := range refs {
		if slices.Contains(declared, r.id) {
			continue
		}
		d.p.at(r.at, "channel %q is not declared; %s", r.id, declaredHint(r.id, declared, "channels"))
	}
}

// declaredHint completes "X is not declared; ..." with a close match or the
// declared ids.
func declaredHint(id string, declared []string, section string) string {
	if s := didYouMean(id, declared); s != "" {
		return "did you mean " + s + "?"
	}
	if len(declared) == 0 {
		return "declare it under " + section
	}
	return "declared: " + strings.Join(declared, ", ")
}

// uniqueID checks an id's form and that no earlier entry took it.
func (d *decoder) uniqueID(v *values, key, what string, seen map[string]*yaml.Node) bool {
	id := v.str(key)
	if msg := checkID(id); msg != "" {
		d.p.at(v.at(key), "%s: %s", key, msg)
		return false
	}
	if first, dup := seen[id]; dup {
		d.p.at(v.at(key), "%s: %q is already the %s of the %s at %s; it must be unique", key, id, key, what, d.p.pos(first))
		return false
	}
	seen[id] = v.at(key)
	return true
}

func (d *decoder) policies(items []*values, schedules []string, refs *[]channelRef) []sitrep.EscalationPolicy {
	seen := map[string]*yaml.Node{}
	var out []sitrep.EscalationPolicy
	for _, v := range items {
		before := len(d.p.list)
		p := sitrep.EscalationPolicy{ID: v.str("id")}
		if v.has("id") {
			d.uniqueID(v, "id", "escalation policy", seen)
		}
		levels := v.list("levels")
		if v.has("levels") && len(levels) == 0 {
			d.p.at(v.at("levels"), "levels: must list at least one level, e.g. levels: [{targets: [{channel: pager}]}]")
		}
		for i, lv := range levels {
			l := sitrep.EscalationLevel{After: lv.dur("after")}
			switch {
			case i == 0 && l.After != 0:
				d.p.at(lv.at("after"), "after: the first level is paged when the alert triggers, so its after must be 0 (or left out)")
			case i > 0 && l.After <= p.Levels[i-1].After:
				d.p.at(lv.at("after"), "after: %s is not later than the level before (%s); levels escalate in order", formatDuration(l.After), formatDuration(p.Levels[i-1].After))
			}
			for _, tv := range lv.list("targets") {
				t := sitrep.EscalationTarget{Channel: tv.str("channel"), Schedule: tv.str("schedule")}
				switch {
				case tv.has("channel") == tv.has("schedule"):
					d.p.at(tv.node, "targets: each target is exactly one of {channel: ID} or {schedule: ID}")
				case t.Channel != "":
					*refs = append(*refs, channelRef{tv.at("channel"), t.Channel})
				case !slices.Contains(schedules, t.Schedule):
					d.p.at(tv.at("schedule"), "schedule %q is not declared; %s", t.Schedule, declaredHint(t.Schedule, schedules, "schedules"))
				}
				l.Targets = append(l.Targets, t)
			}
			if lv.has("targets") && len(l.Targets) == 0 {
				d.p.at(lv.at("targets"), "targets: must list at least one channel or schedule")
			}
			p.Levels = append(p.Levels, l)
		}
		if len(d.p.list) == before {
			out = append(out, p)
		}
	}
	return out
}

func (d *decoder) routes(items []*values, cfg *Config, refs *[]channelRef) []sitrep.AlertRoute {
	seen := map[string]*yaml.Node{}
	var policies, components []string
	for _, p := range cfg.EscalationPolicies {
		policies = append(policies, p.ID)
	}
	for _, c := range cfg.Components {
		components = append(components, c.ID)
	}
	var out []sitrep.AlertRoute
	for i, v := range items {
		before := len(d.p.list)
		r := sitrep.AlertRoute{
			ID:          v.str("id"),
			Channels:    v.strs("channels"),
			Escalation:  v.str("escalation"),
			RepeatEvery: v.dur("repeat_every"),
			GroupBy:     sitrep.GroupBy(v.str("group_by")),
		}
		if r.ID == "" {
			r.ID = fmt.Sprintf("route-%d", i+1)
		} else {
			d.uniqueID(v, "id", "route", seen)
		}
		if r.GroupBy == "" {
			r.GroupBy = sitrep.GroupByComponent
		}
		m := v.sub("match")
		r.Monitors = d.globs(m, "monitors", d.monitorIDs, "monitors")
		r.Components = d.globs(m, "components", components, "components")
		r.Labels = m.strMap("labels")
		sevNodes := m.listItems("severity")
		for j, s := range m.strs("severity") {
			st := sitrep.State(s)
			if st != sitrep.StateDown && st != sitrep.StateDegraded {
				d.p.at(itemAt(m, "severity", sevNodes, j), "severity: unknown state %q; valid: down, degraded", s)
				continue
			}
			r.Severities = append(r.Severities, st)
		}
		if len(r.Severities) == 0 && !m.has("severity") {
			r.Severities = []sitrep.State{sitrep.StateDown}
		}
		nodes := v.listItems("channels")
		for j, ch := range r.Channels {
			*refs = append(*refs, channelRef{itemAt(v, "channels", nodes, j), ch})
		}
		if r.Escalation != "" && !slices.Contains(policies, r.Escalation) {
			d.p.at(v.at("escalation"), "escalation: policy %q is not declared; %s", r.Escalation, declaredHint(r.Escalation, policies, "escalation_policies"))
		}
		if len(r.Channels) == 0 && r.Escalation == "" {
			d.p.at(v.node, "route %s pages nobody; give it channels, an escalation policy, or both", r.ID)
		}
		if len(d.p.list) == before {
			out = append(out, r)
		}
	}
	return out
}

// globs checks a list of ids or glob patterns: a plain id must be declared.
func (d *decoder) globs(v *values, key string, declared []string, section string) []string {
	nodes := v.listItems(key)
	var out []string
	for i, p := range v.strs(key) {
		at := itemAt(v, key, nodes, i)
		if strings.ContainsAny(p, "*?[\\") {
			if _, err := path.Match(p, ""); err != nil {
				d.p.at(at, "%s: %q is not a valid pattern; use * and ? as wildcards, e.g. \"db-*\"", key, p)
				continue
			}
		} else if !slices.Contains(declared, p) {
			d.p.at(at, "%s: %q is not declared; %s", key, p, declaredHint(p, declared, section))
			continue
		}
		out = append(out, p)
	}
	return out
}

// itemAt returns the node of entry i of a list field, or the field itself
// when the value came from a default.
func itemAt(v *values, key string, nodes []*yaml.Node, i int) *yaml.Node {
	if i < len(nodes) {
		return nodes[i]
	}
	return v.at(key)
}
