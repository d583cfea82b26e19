package config

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"sitrep"
)

func (d *decoder) monitors(s *spec, n *yaml.Node, defs MonitorDefaults) []sitrep.Monitor {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		d.p.at(n, "monitors: expected a list of monitors, each starting with \"- id: ...\", got %s", describe(n))
		return nil
	}
	set := newMonitorSet(len(n.Content))
	for _, item := range n.Content {
		d.addMonitor(s, set, item, defs)
	}
	return set.out
}

// streamMonitors decodes the monitors of a split file one entry at a time,
// so that only one entry's nodes are alive at once. ok is false when an
// entry is not exactly one list entry on its own.
func (d *decoder) streamMonitors(s *spec, st *monitorStream, defs MonitorDefaults, lookup func(string) (string, bool)) ([]sitrep.Monitor, bool) {
	set := newMonitorSet(len(st.chunks))
	ok := st.batches(func(item *yaml.Node) {
		interpolate(d.p, item, lookup)
		d.addMonitor(s, set, item, defs)
	})
	return set.out, ok
}

// monitorSet collects decoded monitors and what must be unique among them.
type monitorSet struct {
	// ids and tokens are where each was first written: a position, not the
	// node, which would keep its whole entry's nodes alive.
	ids, tokens map[string]nodePos
	out         []sitrep.Monitor
}

type nodePos struct{ line, col int }

func posOf(n *yaml.Node) nodePos { return nodePos{n.Line, n.Column} }

func (p nodePos) node() *yaml.Node { return &yaml.Node{Line: p.line, Column: p.col} }

func newMonitorSet(n int) *monitorSet {
	set := &monitorSet{ids: make(map[string]nodePos, n), tokens: map[string]nodePos{}}
	if n > 0 {
		set.out = make([]sitrep.Monitor, 0, n)
	}
	return set
}

func (d *decoder) addMonitor(s *spec, set *monitorSet, item *yaml.Node, defs MonitorDefaults) {
	before := len(d.p.list)
	m, v := d.monitor(s, item, defs)
	if v == nil {
		return
	}
	if v.has("id") {
		if first, dup := set.ids[m.ID]; dup {
			d.p.at(v.at("id"), "id: %q is already the id of the monitor at %s; ids must be unique", m.ID, d.p.pos(first.node()))
		} else {
			set.ids[m.ID] = posOf(v.at("id"))
			d.monitorIDs = append(d.monitorIDs, m.ID)
		}
	}
	if m.Heartbeat != nil && m.Heartbeat.Token != "" {
		// The token is a secret: point at the other one, do not repeat it.
		if first, dup := set.tokens[m.Heartbeat.Token]; dup {
			d.p.at(v.at("token"), "token: the same token is already used at %s; each heartbeat needs its own", d.p.pos(first.node()))
		} else {
			set.tokens[m.Heartbeat.Token] = posOf(v.at("token"))
		}
	}
	if len(d.p.list) == before {
		set.out = append(set.out, m)
	}
}

// monitor decodes one entry of monitors. The type is read first because it
// decides which keys the entry may have.
func (d *decoder) monitor(s *spec, item *yaml.Node, defs MonitorDefaults) (sitrep.Monitor, *values) {
	item = resolve(item)
	if item == nil || item.Kind != yaml.MappingNode {
		d.p.at(item, "monitors: each entry must be a mapping with at least id and type, got %s", describe(item))
		return sitrep.Monitor{}, nil
	}
	typ := d.peekType(item)
	ms := d.monitorSections[typ]
	if ms == nil {
		ms = d.monitorSection(s, typ)
		if d.monitorSections == nil {
			d.monitorSections = map[sitrep.MonitorType]*monitorSection{}
		}
		d.monitorSections[typ] = ms
	}
	v := d.mapping(item, ms.sec, ms.opts)

	m := sitrep.Monitor{
		ID:          v.str("id"),
		Name:        v.str("name"),
		Type:        sitrep.MonitorType(v.str("type")),
		Description: v.str("description"),
		Labels:      v.strMap("labels"),
		Interval:    defs.Interval,
		Timeout:     min(defs.Timeout, defs.Interval),

		FailuresToDown: defs.FailuresToDown,
		SuccessesToUp:  defs.SuccessesToUp,
		Locations:      v.strs("locations"),
		Quorum:         v.integer("quorum"),
	}
	if v.has("id") {
		if msg := checkID(m.ID); msg != "" {
			d.p.at(v.at("id"), "id: %s", msg)
		}
	}
	if m.Name == "" {
		m.Name = m.ID
	}
	if v.has("interval") {
		m.Interval = v.dur("interval")
		m.Timeout = min(defs.Timeout, m.Interval)
	}
	if v.has("timeout") {
		m.Timeout = v.dur("timeout")
		if m.Timeout > m.Interval {
			d.p.at(v.at("timeout"), "timeout: %s is longer than the interval %s; a check must end before the next one starts",
				formatDuration(m.Timeout), formatDuration(m.Interval))
		}
	}
	if typ == sitrep.MonitorHeartbeat {
		// A heartbeat's failure is a verdict, not a blip: the job said
		// /fail, or stayed silent past every + grace, which already is the
		// tolerance. One is enough unless the file says otherwise.
		m.FailuresToDown = 1
	}
	if v.has("failures_to_down") {
		m.FailuresToDown = v.integer("failures_to_down")
	}
	if v.has("successes_to_up") {
		m.SuccessesToUp = v.integer("successes_to_up")
	}
	d.locations(v, &m)

	switch typ {
	case sitrep.MonitorHTTP:
		m.HTTP = d.httpCheck(v, m.Timeout)
	case sitrep.MonitorTCP:
		m.TCP = d.tcpCheck(v, m.Timeout)
	case sitrep.MonitorDNS:
		m.DNS = d.dnsCheck(v, m.Timeout)
	case sitrep.MonitorTLS:
		m.TLS = d.tlsCheck(v)
	case sitrep.MonitorICMP:
		m.ICMP = d.icmpCheck(v, m.Timeout)
	case sitrep.MonitorHeartbeat:
		m.Heartbeat = d.heartbeatCheck(v, &m)
	}
	return m, v
}

// monitorSection is how entries of one type are decoded: the common keys
// and the type's. It is built once per type and parse, not per entry.
type monitorSection struct {
	sec  *section
	opts mappingOptions
}

func (d *decoder) monitorSection(s *spec, typ sitrep.MonitorType) *monitorSection {
	sec := &section{Path: "monitors[]", Fields: slices.Clone(s.common.Fields)}
	opts := mappingOptions{where: "in monitors"}
	if ts, ok := s.types[typ]; ok {
		sec.Path = ts.Path
		sec.Fields = append(sec.Fields, ts.Fields...)
		opts.where = fmt.Sprintf("for %s monitors", typ)
	}
	opts.unknown = func(k *yaml.Node) bool {
		var owners []string
		for _, t := range sitrep.MonitorTypes {
			if _, ok := s.types[t].field(k.Value); ok {
				owners = append(owners, string(t))
			}
		}
		switch {
		case len(owners) == 0:
			return false
		case s.types[typ] == nil:
			// The type is missing or wrong, which is reported already; its
			// keys cannot be judged.
			return true
		}
		d.p.at(k, "key %q applies to %s monitors, not %s monitors", k.Value, strings.Join(owners, " and "), typ)
		return true
	}
	return &monitorSection{sec: sec, opts: opts}
}

// peekType reads the type of a monitor entry before the entry is decoded,
// quietly: problems with it are reported when the entry is.
func (d *decoder) peekType(item *yaml.Node) sitrep.MonitorType {
	quiet := &decoder{p: &problems{}, budget: d.budget}
	for _, kv := range quiet.pairs(item, 0) {
		if kv.key.Value != "type" {
			continue
		}
		if v := resolve(kv.val); v != nil && v.Kind == yaml.ScalarNode {
			for _, t := range sitrep.MonitorTypes {
				if strings.EqualFold(strings.TrimSpace(v.Value), string(t)) {
					return t
				}
			}
		}
	}
	return ""
}

func (d *decoder) locations(v *values, m *sitrep.Monitor) {
	seen := map[string]bool{}
	for _, l := range m.Locations {
		if msg := checkLabel(l); msg != "" {
			d.p.at(v.at("locations"), "locations: %q: %s", l, msg)
		}
		if seen[l] {
			d.p.at(v.at("locations"), "locations: %q is listed twice", l)
		}
		seen[l] = true
	}
	if len(m.Locations) > 0 && m.Quorum > len(m.Locations) {
		d.p.at(v.at("quorum"), "quorum: %d is more than the %d locations listed; use at most %d, or 0 for a majority",
			m.Quorum, len(m.Locations), len(m.Locations))
	}
}

// checkID returns what is wrong with a monitor id, or "".
func checkID(id string) string {
	if msg := checkLabel(id); msg != "" {
		return fmt.Sprintf("%q %s", id, msg)
	}
	return ""
}

// checkLabel checks the form shared by ids and location names, which appear
// in URLs, file names and metrics labels.
func checkLabel(s string) string {
	switch {
	case s == "":
		return "must not be empty; use lower-case letters, digits, - and _"
	case len(s) > 64:
		return fmt.Sprintf("is %d characters long; at most 64 are allowed", len(s))
	case !isLowerAlnum(s[0]):
		return "must start with a lower-case letter or digit"
	}
	for _, c := range s {
		if c > 0x7f || !isLowerAlnum(byte(c)) && c != '-' && c != '_' {
			return fmt.Sprintf("contains %q; use lower-case letters, digits, - and _", c)
		}
	}
	return ""
}

func isLowerAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
