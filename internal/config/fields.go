package config

// The configuration file is described once, by the sections below: each
// field's key, kind, default, bounds and documentation. Decoding, the JSON
// Schema and docs/configuration.md are all driven by these tables, so a new
// key or section is added in one place and the three cannot drift apart.

// kind is how a field's YAML value is read.
type kind int

const (
	kindString      kind = iota
	kindInt              // whole number
	kindBool             // true or false
	kindDuration         // "30s", "2m", "21d", "1w2d"
	kindSize             // "500MB", "1GiB", or plain bytes
	kindRatio            // 0 < x < 1, written 0.5 or "50%"
	kindEnum             // one of field.Enum
	kindStrings          // list of strings; a single string is a list of one
	kindStringMap        // mapping of string to string
	kindStatusList       // HTTP statuses: 200, "2xx", "200-299"
	kindJSONConds        // mapping of JSON path to condition
	kindSection          // nested mapping described by field.Section
	kindMonitorList      // list of monitors, each described by monitorSections
	kindDurationOff      // a duration, or "off" for 0 (the behaviour switched off)
	kindDurations        // list of durations; a single duration is a list of one
	kindList             // list of mappings, each described by field.Section
)

// field describes one key of a section.
type field struct {
	Key  string
	Kind kind
	Doc  string
	// Default is YAML text, read like a value of the field when the key is
	// absent, so the documented default is the applied one by construction.
	Default string
	// DefaultDoc documents a default that is computed from other fields.
	DefaultDoc string
	Required   bool
	// Min and Max are inclusive bounds in the field's own syntax ("1s", "1").
	Min, Max string
	Enum     []string
	// ShowValid makes an unknown enum value list every valid one even when
	// a close match is suggested: for short lists of words that are easy
	// to misremember (component statuses).
	ShowValid bool
	Section   *section
	// Example is a value shown in messages for a missing required field and
	// in the docs.
	Example string
}

// section describes one mapping of the file.
type section struct {
	// Path names the section in docs, e.g. "storage" or "monitors[] (http)".
	Path string
	Doc  string
	// Fields in the order the docs show them.
	Fields []field
	// AllowExtensions lets keys starting with "x-" through unchecked, as a
	// place for YAML anchors that other sections refer to.
	AllowExtensions bool
}

func (s *section) field(key string) (field, bool) {
	for _, f := range s.Fields {
		if f.Key == key {
			return f, true
		}
	}
	return field{}, false
}

func (s *section) keys() []string {
	keys := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		keys[i] = f.Key
	}
	return keys
}

// typeName is how the docs and messages name a kind.
func (k kind) typeName() string {
	switch k {
	case kindString:
		return "string"
	case kindInt:
		return "integer"
	case kindBool:
		return "boolean"
	case kindDuration:
		return "duration"
	case kindSize:
		return "size"
	case kindRatio:
		return "fraction"
	case kindEnum:
		return "one of"
	case kindStrings:
		return "list of strings"
	case kindStringMap:
		return "map of strings"
	case kindStatusList:
		return "list of statuses"
	case kindJSONConds:
		return "map of JSON path to condition"
	case kindSection:
		return "mapping"
	case kindMonitorList:
		return "list of monitors"
	case kindDurationOff:
		return "duration or `off`"
	case kindDurations:
		return "list of durations"
	case kindList:
		return "list of mappings"
	}
	return "value"
}
