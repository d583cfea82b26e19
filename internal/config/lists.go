package config

import (
	"time"

	"gopkg.in/yaml.v3"
)

// list decodes a list of mappings, each as f.Section. Entries that are not
// mappings are reported and left out; the others are decoded even when they
// have problems, so that checks across entries (unique ids) still see them.
func (d *decoder) list(f field, n *yaml.Node) (any, bool) {
	if n.Kind != yaml.SequenceNode {
		d.p.at(n, "%s: expected a list, each entry starting with \"- \", got %s", f.Key, describe(n))
		return nil, false
	}
	out := make([]*values, 0, len(n.Content))
	for _, item := range n.Content {
		item = resolve(item)
		if unknown(item) {
			continue
		}
		if item == nil || item.Kind != yaml.MappingNode {
			d.p.at(item, "%s: each entry must be a mapping, got %s", f.Key, describe(item))
			continue
		}
		out = append(out, d.mapping(item, f.Section, mappingOptions{where: "in " + f.Key, name: f.Key}))
	}
	return out, true
}

// durations decodes a list of durations, each within f's bounds.
func (d *decoder) durations(f field, n *yaml.Node) (any, bool) {
	items := []*yaml.Node{n}
	switch n.Kind {
	case yaml.ScalarNode:
	case yaml.SequenceNode:
		items = n.Content
	default:
		d.p.at(n, "%s: expected %s, got %s", f.Key, expectation(f), describe(n))
		return nil, false
	}
	one := itemField(f)
	out := make([]time.Duration, 0, len(items))
	ok := true
	for _, item := range items {
		item = resolve(item)
		if unknown(item) {
			ok = false
			continue
		}
		if item.Kind != yaml.ScalarNode || isNull(item) {
			d.p.at(item, "%s: each entry must be a duration like 1h, got %s", f.Key, describe(item))
			ok = false
			continue
		}
		val, problem := scalarValue(one, item.Value)
		if problem == "" {
			problem = bounds(one, val)
		}
		if problem != "" {
			d.p.at(item, "%s: %s", f.Key, problem)
			ok = false
			continue
		}
		out = append(out, val.(time.Duration))
	}
	return out, ok
}

// itemField describes one entry of a list field: its kind, with the list's
// bounds, which apply to each entry.
func itemField(f field) field {
	if f.Kind == kindDurations {
		f.Kind = kindDuration
	}
	return f
}

// listItems returns the nodes of a decoded list-of-strings field, in order,
// to blame one entry rather than the whole list. A single string written
// for a list is its one entry.
func (v *values) listItems(key string) []*yaml.Node {
	n := v.m[key].node
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode:
		out := make([]*yaml.Node, len(n.Content))
		for i, c := range n.Content {
			out[i] = resolve(c)
		}
		return out
	}
	return []*yaml.Node{n}
}

func (v *values) list(key string) []*values       { l, _ := v.m[key].val.([]*values); return l }
func (v *values) durs(key string) []time.Duration { l, _ := v.m[key].val.([]time.Duration); return l }
