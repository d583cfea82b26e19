package config

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"sitrep"
)

// decoder turns YAML nodes into checked values, recording every problem it
// meets and carrying on, so that one run reports all of them.
type decoder struct {
	p *problems
	// dir is the directory of the configuration file; relative paths in the
	// file are relative to it, not to wherever sitrep was started.
	dir string
	// budget bounds the work merge keys can cause, against alias bombs.
	budget int
	// defaultCache holds decoded table defaults.
	defaultCache map[defaultKey]any
	// monitorSections are the sections of monitor entries by type.
	monitorSections map[sitrep.MonitorType]*monitorSection
	// monitorIDs and groups are every monitor id and component group
	// written, in file order, including those of entries with problems, so
	// that references to them are not reported as undeclared too.
	monitorIDs []string
	groups     []string
}

// entry is one decoded field. key and node are nil for an applied default.
type entry struct {
	key, node *yaml.Node
	val       any
}

// values is a decoded section.
type values struct {
	node *yaml.Node // the mapping, for problems about the section as a whole
	m    map[string]entry
}

func (v *values) has(key string) bool { return v.m[key].node != nil }

// at returns the node to blame for a problem with key: its value when it was
// written, else the section.
func (v *values) at(key string) *yaml.Node {
	if n := v.m[key].node; n != nil {
		return n
	}
	return v.node
}

func (v *values) str(key string) string        { s, _ := v.m[key].val.(string); return s }
func (v *values) integer(key string) int       { i, _ := v.m[key].val.(int); return i }
func (v *values) boolean(key string) bool      { b, _ := v.m[key].val.(bool); return b }
func (v *values) dur(key string) time.Duration { d, _ := v.m[key].val.(time.Duration); return d }
func (v *values) size(key string) int64        { s, _ := v.m[key].val.(int64); return s }
func (v *values) ratio(key string) float64     { f, _ := v.m[key].val.(float64); return f }
func (v *values) strs(key string) []string     { s, _ := v.m[key].val.([]string); return s }
func (v *values) strMap(key string) map[string]string {
	m, _ := v.m[key].val.(map[string]string)
	return m
}
func (v *values) statuses(key string) []sitrep.StatusRange {
	s, _ := v.m[key].val.([]sitrep.StatusRange)
	return s
}
func (v *values) conds(key string) []sitrep.JSONCondition {
	c, _ := v.m[key].val.([]sitrep.JSONCondition)
	return c
}
func (v *values) sub(key string) *values {
	if s, ok := v.m[key].val.(*values); ok {
		return s
	}
	return &values{node: v.node, m: map[string]entry{}}
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// unknown reports a value whose interpolation failed, which was reported
// already and is to be skipped.
func unknown(n *yaml.Node) bool { return n != nil && n.Tag == unknownTag }

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || n.Kind == 0 || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what a node is, for "expected X, got Y".
func describe(n *yaml.Node) string {
	n = resolve(n)
	switch {
	case n == nil || isNull(n):
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "mapping"
	case n.Kind == yaml.SequenceNode:
		return "list"
	case n.Kind == yaml.ScalarNode:
		return strconv.Quote(n.Value)
	}
	return "alias"
}

type pair struct{ key, val *yaml.Node }

// pairs lists a mapping's entries, expanding YAML merge keys (<<: *anchor).
// Keys written in the mapping itself win over merged ones, as YAML says.
func (d *decoder) pairs(n *yaml.Node, depth int) []pair {
	var own, merged []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge" {
			merged = append(merged, d.merge(k, v, depth)...)
			continue
		}
		if k.Kind == yaml.ScalarNode {
			if first, dup := seen[k.Value]; dup {
				d.p.at(k, "duplicate key %q; it is already set at line %d", k.Value, first.Line)
				continue
			}
			seen[k.Value] = k
		}
		own = append(own, pair{k, v})
	}
	for _, m := range merged {
		if _, dup := seen[m.key.Value]; !dup {
			seen[m.key.Value] = m.key
			own = append(own, m)
		}
	}
	return own
}

func (d *decoder) merge(k, v *yaml.Node, depth int) []pair {
	d.budget--
	if depth > 4 || d.budget < 0 {
		d.p.at(k, "merge keys nested too deeply; flatten the anchors")
		return nil
	}
	v = resolve(v)
	switch v.Kind {
	case yaml.MappingNode:
		return d.pairs(v, depth+1)
	case yaml.SequenceNode:
		var out []pair
		for _, item := range v.Content {
			out = append(out, d.merge(k, item, depth+1)...)
		}
		return out
	}
	d.p.at(k, "<<: expected an alias of a mapping such as *defaults, got %s", describe(v))
	return nil
}

// mappingOptions adjusts how a section treats keys it does not describe.
type mappingOptions struct {
	// where ends "unknown key" messages: "in storage", "for http monitors".
	where string
	// name starts messages about the section as a whole; default its Path.
	name string
	// unknown, when set, gets the first say on a key the section does not
	// describe; it returns true when it dealt with it.
	unknown func(key *yaml.Node) bool
}

// mapping decodes n as the section sec: every key known, every value of its
// field's kind and within bounds, required keys present, defaults applied.
func (d *decoder) mapping(n *yaml.Node, sec *section, opts mappingOptions) *values {
	n = resolve(n)
	// Sized for every field at once: defaults fill most of them, and a
	// growing map would be copied several times per monitor.
	v := &values{node: n, m: make(map[string]entry, len(sec.Fields))}
	if n != nil && !isNull(n) && n.Kind != yaml.MappingNode {
		d.p.at(n, "%s: expected a mapping, got %s", cmp.Or(opts.name, sec.Path), describe(n))
		n = nil
	}
	failed := map[string]bool{}
	if n != nil && n.Kind == yaml.MappingNode {
		for _, kv := range d.pairs(n, 0) {
			k := kv.key
			if k.Kind != yaml.ScalarNode {
				d.p.at(k, "keys must be plain words, got %s", describe(k))
				continue
			}
			f, ok := sec.field(k.Value)
			if !ok {
				switch {
				case sec.AllowExtensions && strings.HasPrefix(k.Value, "x-"):
				case opts.unknown != nil && opts.unknown(k):
				default:
					d.p.at(k, "unknown key %q %s; %s", k.Value, opts.where, suggestion(k.Value, sec.keys()))
				}
				continue
			}
			if isNull(kv.val) {
				continue // "key:" with nothing after it means the default
			}
			val, ok := d.value(f, kv.val)
			if !ok {
				failed[f.Key] = true
				continue
			}
			v.m[f.Key] = entry{key: k, node: resolve(kv.val), val: val}
		}
	}
	for _, f := range sec.Fields {
		if _, ok := v.m[f.Key]; ok {
			continue
		}
		if f.Required {
			// A wrongly written value was reported already.
			if n != nil && !failed[f.Key] {
				d.p.at(v.node, "missing required key %s %s, e.g. %s: %s", f.Key, opts.where, f.Key, f.Example)
			}
			continue
		}
		switch {
		case f.Kind == kindSection:
			v.m[f.Key] = entry{val: d.mapping(nil, f.Section, mappingOptions{where: "in " + f.Key, name: f.Key})}
		case f.Default != "":
			v.m[f.Key] = entry{val: d.defaultOf(f)}
		}
	}
	return v
}

// defaultOf returns f's default, decoded once per parse: a file of many
// monitors applies the same defaults many times.
func (d *decoder) defaultOf(f field) any {
	key := defaultKey{f.Kind, f.Key, f.Default}
	if v, ok := d.defaultCache[key]; ok {
		return v
	}
	if d.defaultCache == nil {
		d.defaultCache = map[defaultKey]any{}
	}
	v := mustDefault(f)
	d.defaultCache[key] = v
	return v
}

type defaultKey struct {
	kind       kind
	key, deflt string
}

// mustDefault reads a field's documented default. Tests decode every
// default in the tables, so a failure here is a programming error.
func mustDefault(f field) any {
	p := &problems{file: "default"}
	d := &decoder{p: p}
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f.Default}
	if f.Kind == kindDurations {
		// A list default is written as YAML, e.g. "[24h, 1h]".
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(f.Default), &doc); err != nil || len(doc.Content) == 0 {
			panic(fmt.Sprintf("config: default of %s is not YAML: %v", f.Key, err))
		}
		n = doc.Content[0]
	}
	v, ok := d.value(f, n)
	if !ok {
		panic(fmt.Sprintf("config: default of %s does not decode: %v", f.Key, p.err()))
	}
	return v
}

// value decodes one field's value, reporting a problem and returning false
// when it is not of the field's kind or out of bounds.
func (d *decoder) value(f field, n *yaml.Node) (any, bool) {
	n = resolve(n)
	if unknown(n) {
		return nil, false
	}
	switch f.Kind {
	case kindSection:
		return d.mapping(n, f.Section, mappingOptions{where: "in " + f.Key, name: f.Key}), true
	case kindMonitorList:
		return n, true
	case kindList:
		return d.list(f, n)
	case kindDurations:
		return d.durations(f, n)
	case kindStrings:
		return d.strings(f, n)
	case kindStringMap:
		return d.stringMap(f, n)
	case kindStatusList:
		return d.statusList(f, n)
	case kindJSONConds:
		return d.jsonConds(f, n)
	}
	if n.Kind != yaml.ScalarNode {
		d.p.at(n, "%s: expected %s, got %s", f.Key, expectation(f), describe(n))
		return nil, false
	}
	val, problem := scalarValue(f, n.Value)
	if problem != "" {
		d.p.at(n, "%s: %s", f.Key, problem)
		return nil, false
	}
	if problem := bounds(f, val); problem != "" {
		d.p.at(n, "%s: %s", f.Key, problem)
		return nil, false
	}
	return val, true
}

// expectation says what a field wants, for "expected X, got Y".
func expectation(f field) string {
	switch f.Kind {
	case kindString:
		return "a string"
	case kindInt:
		return "a whole number"
	case kindBool:
		return "true or false"
	case kindDuration:
		return "a duration like 30s or 2m"
	case kindSize:
		return "a size like 500MB or 1GiB"
	case kindRatio:
		return "a fraction between 0 and 1 like 0.5 or 50%"
	case kindEnum:
		return "one of " + strings.Join(f.Enum, ", ")
	case kindStrings:
		return "a list of strings"
	case kindStringMap:
		return "a mapping of names to strings"
	case kindStatusList:
		return "a list of statuses like 200, 2xx or 200-299"
	case kindJSONConds:
		return "a mapping of JSON paths to conditions"
	case kindDurationOff:
		return "a duration like 5m, or off"
	case kindDurations:
		return "a list of durations like [24h, 1h]"
	case kindList:
		return "a list of mappings"
	}
	return "a " + f.Kind.typeName()
}

// scalarValue reads the text of a scalar as a value of f's kind. It returns
// a problem description instead when the text is not one.
func scalarValue(f field, s string) (any, string) {
	got := func() string { return fmt.Sprintf("expected %s, got %q", expectation(f), s) }
	switch f.Kind {
	case kindString:
		return s, ""
	case kindInt:
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
		if err != nil {
			return nil, got()
		}
		return int(i), ""
	case kindBool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			return true, ""
		case "false":
			return false, ""
		}
		return nil, got()
	case kindDuration:
		dur, err := parseDuration(s)
		if err != nil {
			if err.Error() == "missing unit" {
				return nil, fmt.Sprintf("%q has no unit; write e.g. %ss or %sm", s, strings.TrimSpace(s), strings.TrimSpace(s))
			}
			return nil, got()
		}
		return dur, ""
	case kindDurationOff:
		t := strings.TrimSpace(s)
		if strings.EqualFold(t, "off") {
			return time.Duration(0), ""
		}
		dur, problem := scalarValue(field{Kind: kindDuration}, s)
		if problem != "" {
			return nil, strings.Replace(problem, expectation(field{Kind: kindDuration}), expectation(f), 1)
		}
		if dur == time.Duration(0) {
			// Zero reads as "at once" to some and "never" to others.
			return nil, fmt.Sprintf("%q is ambiguous; write off to switch this off, or a duration like 5m", s)
		}
		return dur, ""
	case kindSize:
		size, err := parseSize(s)
		if err != nil {
			return nil, got()
		}
		return size, ""
	case kindRatio:
		t := strings.TrimSpace(s)
		scale := 1.0
		if strings.HasSuffix(t, "%") {
			t, scale = strings.TrimSpace(strings.TrimSuffix(t, "%")), 100
		}
		r, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsNaN(r) {
			return nil, got()
		}
		r /= scale
		if r <= 0 || r >= 1 {
			return nil, fmt.Sprintf("%q is not between 0 and 1 (exclusive); write e.g. 0.5 or 50%%", s)
		}
		return r, ""
	case kindEnum:
		for _, e := range f.Enum {
			if strings.EqualFold(strings.TrimSpace(s), e) {
				return e, ""
			}
		}
		if f.ShowValid {
			hint := ""
			if m := didYouMean(s, f.Enum); m != "" {
				hint = "did you mean " + m + "? "
			}
			return nil, fmt.Sprintf("unknown value %q; %svalid: %s", s, hint, strings.Join(f.Enum, ", "))
		}
		return nil, fmt.Sprintf("unknown value %q; %s", s, suggestion(s, f.Enum))
	}
	return nil, got()
}

// bounds checks a decoded value against the field's Min and Max.
func bounds(f field, val any) string {
	if f.Kind == kindDurationOff && val == time.Duration(0) {
		return "" // off
	}
	check := func(limit string, tooFar func(limit any) bool, word string) string {
		if limit == "" {
			return ""
		}
		l, problem := scalarValue(f, limit)
		if problem != "" || !tooFar(l) {
			return ""
		}
		return fmt.Sprintf("must be at %s %s, got %s", word, limit, show(val))
	}
	less := func(a, b any) bool {
		switch a := a.(type) {
		case int:
			return a < b.(int)
		case time.Duration:
			return a < b.(time.Duration)
		case int64:
			return a < b.(int64)
		}
		return false
	}
	if p := check(f.Min, func(l any) bool { return less(val, l) }, "least"); p != "" {
		return p
	}
	return check(f.Max, func(l any) bool { return less(l, val) }, "most")
}

// show writes a decoded value back in the file's syntax.
func show(val any) string {
	switch v := val.(type) {
	case time.Duration:
		return formatDuration(v)
	case int64:
		return formatSize(v)
	}
	return fmt.Sprint(val)
}

func (d *decoder) strings(f field, n *yaml.Node) (any, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}, true
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		ok := true
		for _, item := range n.Content {
			item = resolve(item)
			if unknown(item) {
				ok = false
				continue
			}
			if item.Kind != yaml.ScalarNode || isNull(item) {
				d.p.at(item, "%s: each entry must be a string, got %s", f.Key, describe(item))
				ok = false
				continue
			}
			out = append(out, item.Value)
		}
		return out, ok
	}
	d.p.at(n, "%s: expected %s, got %s", f.Key, expectation(f), describe(n))
	return nil, false
}

func (d *decoder) stringMap(f field, n *yaml.Node) (any, bool) {
	if n.Kind != yaml.MappingNode {
		d.p.at(n, "%s: expected %s, got %s", f.Key, expectation(f), describe(n))
		return nil, false
	}
	out := map[string]string{}
	ok := true
	for _, kv := range d.pairs(n, 0) {
		k, v := kv.key, resolve(kv.val)
		switch {
		case k.Kind != yaml.ScalarNode || k.Value == "":
			d.p.at(k, "%s: names must be non-empty strings, got %s", f.Key, describe(k))
			ok = false
		case unknown(v):
			ok = false
		case isNull(v):
			out[k.Value] = ""
		case v.Kind != yaml.ScalarNode:
			d.p.at(v, "%s: the value of %q must be a string, got %s", f.Key, k.Value, describe(v))
			ok = false
		default:
			out[k.Value] = v.Value
		}
	}
	return out, ok
}

const statusHelp = "write e.g. 200, 2xx or 200-299"

func (d *decoder) statusList(f field, n *yaml.Node) (any, bool) {
	var items []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		items = []*yaml.Node{n}
	case yaml.SequenceNode:
		items = n.Content
	default:
		d.p.at(n, "%s: expected %s, got %s", f.Key, expectation(f), describe(n))
		return nil, false
	}
	out := make([]sitrep.StatusRange, 0, len(items))
	ok := true
	for _, item := range items {
		item = resolve(item)
		if unknown(item) {
			ok = false
			continue
		}
		if item.Kind != yaml.ScalarNode {
			d.p.at(item, "%s: each entry must be a status, class or range, got %s; %s", f.Key, describe(item), statusHelp)
			ok = false
			continue
		}
		r, problem := parseStatus(item.Value)
		if problem != "" {
			d.p.at(item, "%s: %s", f.Key, problem)
			ok = false
			continue
		}
		out = append(out, r)
	}
	if ok && len(out) == 0 {
		d.p.at(n, "%s: the list is empty, so no response could be good; %s", f.Key, statusHelp)
		ok = false
	}
	return out, ok
}

// parseStatus reads 200, "2xx" or "200-299".
func parseStatus(s string) (sitrep.StatusRange, string) {
	t := strings.TrimSpace(s)
	bad := fmt.Sprintf("%q is not a status code, class or range; %s", s, statusHelp)
	if len(t) == 3 && strings.EqualFold(t[1:], "xx") && t[0] >= '1' && t[0] <= '5' {
		c := int(t[0]-'0') * 100
		return sitrep.StatusRange{Min: c, Max: c + 99}, ""
	}
	lo, hi, isRange := strings.Cut(t, "-")
	a, err := strconv.Atoi(strings.TrimSpace(lo))
	if err != nil {
		return sitrep.StatusRange{}, bad
	}
	b := a
	if isRange {
		if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil {
			return sitrep.StatusRange{}, bad
		}
	}
	switch {
	case a < 100 || a > 599 || b < 100 || b > 599:
		return sitrep.StatusRange{}, fmt.Sprintf("%q is outside 100-599, the range of HTTP statuses", s)
	case a > b:
		return sitrep.StatusRange{}, fmt.Sprintf("%q is an empty range; write the lower status first, e.g. %d-%d", s, b, a)
	}
	return sitrep.StatusRange{Min: a, Max: b}, ""
}

func (d *decoder) jsonConds(f field, n *yaml.Node) (any, bool) {
	if n.Kind != yaml.MappingNode {
		d.p.at(n, "%s: expected %s such as {\"$.status\": \"ok\"}, got %s", f.Key, expectation(f), describe(n))
		return nil, false
	}
	var out []sitrep.JSONCondition
	ok := true
	for _, kv := range d.pairs(n, 0) {
		k, v := kv.key, resolve(kv.val)
		if k.Kind != yaml.ScalarNode {
			d.p.at(k, "%s: keys must be JSON paths like $.status, got %s", f.Key, describe(k))
			ok = false
			continue
		}
		if _, err := sitrep.ParseJSONPath(k.Value); err != nil {
			d.p.at(k, "%s: %s", f.Key, sitrep.ErrorMessage(err))
			ok = false
			continue
		}
		if unknown(v) {
			ok = false
			continue
		}
		c, err := sitrep.ParseJSONCondition(k.Value, yamlScalar(v))
		if err != nil {
			d.p.at(v, "%s: %s", f.Key, sitrep.ErrorMessage(err))
			ok = false
			continue
		}
		out = append(out, c)
	}
	return out, ok
}

// yamlScalar converts a condition's YAML value into what ParseJSONCondition
// takes: the typed scalar YAML reads (42, true, null, "text"), or a stand-in
// for a mapping or list so that its message names the mistake.
func yamlScalar(n *yaml.Node) any {
	switch {
	case isNull(n):
		return nil
	case n.Kind == yaml.MappingNode:
		return map[string]any{}
	case n.Kind == yaml.SequenceNode:
		return []any{}
	}
	switch n.ShortTag() {
	case "!!bool":
		if b, err := strconv.ParseBool(strings.ToLower(n.Value)); err == nil {
			return b
		}
	case "!!int":
		if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			return i
		}
		fallthrough
	case "!!float":
		if f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil {
			return f
		}
	}
	return n.Value
}
