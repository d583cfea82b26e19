package config

import (
	"encoding/json"
	"strings"

	"gopkg.in/yaml.v3"

	"sitrep"
)

// Schema returns a JSON Schema (draft 2020-12) of the configuration file,
// for editor completion and checking as-you-type (`sitrep config schema`).
// It is derived from the same field tables as decoding, so it cannot
// describe keys the decoder would reject. Values may always be written as
// ${VAR} references, which the schema allows wherever a number or boolean is
// expected.
func Schema() []byte {
	s := newSpec()
	root := sectionSchema(s.top)
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["title"] = "sitrep configuration"
	root["$defs"] = map[string]any{"monitor": monitorSchema(s)}
	out, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		// Only maps, slices and plain values go in; this cannot fail.
		panic("config: marshal schema: " + err.Error())
	}
	return append(out, '\n')
}

func sectionSchema(sec *section) map[string]any {
	props := map[string]any{}
	var required []string
	for _, f := range sec.Fields {
		props[f.Key] = fieldSchema(f)
		if f.Required {
			required = append(required, f.Key)
		}
	}
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if sec.Doc != "" {
		out["description"] = sec.Doc
	}
	if len(required) > 0 {
		out["required"] = required
	}
	if sec.AllowExtensions {
		out["patternProperties"] = map[string]any{"^x-": map[string]any{}}
	}
	return out
}

// monitorSchema allows the common keys and, through if/then per type, the
// keys of the monitor's type; unevaluatedProperties rejects the rest.
func monitorSchema(s *spec) map[string]any {
	m := sectionSchema(s.common)
	delete(m, "additionalProperties")
	m["unevaluatedProperties"] = false
	var cases []any
	for _, t := range sitrep.MonitorTypes {
		then := sectionSchema(s.types[t])
		delete(then, "additionalProperties")
		cases = append(cases, map[string]any{
			"if": map[string]any{
				"properties": map[string]any{"type": map[string]any{"const": string(t)}},
				"required":   []string{"type"},
			},
			"then": then,
		})
	}
	m["allOf"] = cases
	return m
}

const durationPattern = `^[+-]?(0|([0-9]+(\.[0-9]*)?(ns|us|µs|ms|s|m|h|d|w))+)$|\$\{`

// envRef allows a ${VAR} reference where the value is not a string.
func envRef() map[string]any { return map[string]any{"type": "string", "pattern": `\$\{`} }

func fieldSchema(f field) map[string]any {
	var out map[string]any
	switch f.Kind {
	case kindString:
		out = map[string]any{"type": "string"}
	case kindInt:
		out = withEnv(map[string]any{"type": "integer"})
		if f.Min != "" {
			out["minimum"] = mustDefault(field{Kind: kindInt, Default: f.Min})
		}
		if f.Max != "" {
			out["maximum"] = mustDefault(field{Kind: kindInt, Default: f.Max})
		}
	case kindBool:
		out = withEnv(map[string]any{"type": "boolean"})
	case kindDuration:
		out = map[string]any{"type": "string", "pattern": durationPattern}
	case kindDurationOff:
		out = map[string]any{"type": "string", "pattern": `^[oO][fF][fF]$|` + durationPattern}
	case kindDurations:
		d := map[string]any{"type": "string", "pattern": durationPattern}
		out = map[string]any{"anyOf": []any{d, map[string]any{"type": "array", "items": d}}}
	case kindList:
		out = map[string]any{"type": "array", "items": sectionSchema(f.Section)}
	case kindSize:
		out = map[string]any{"type": []string{"integer", "string"}, "minimum": 0,
			"pattern": `^[0-9]+(\.[0-9]+)?\s*([kKmMgGtT]([iI]?[bB])?|[bB])?$|\$\{`}
	case kindRatio:
		out = map[string]any{"type": []string{"number", "string"}, "exclusiveMinimum": 0, "exclusiveMaximum": 1,
			"pattern": `^[0-9]+(\.[0-9]+)?\s*%$|\$\{`}
	case kindEnum:
		out = map[string]any{"anyOf": []any{map[string]any{"enum": f.Enum}, envRef()}}
	case kindStrings:
		out = map[string]any{"anyOf": []any{
			map[string]any{"type": "string"},
			map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		}}
	case kindStringMap:
		out = map[string]any{"type": "object", "additionalProperties": map[string]any{"type": []string{"string", "number", "boolean", "null"}}}
	case kindStatusList:
		status := map[string]any{"anyOf": []any{
			map[string]any{"type": "integer", "minimum": 100, "maximum": 599},
			map[string]any{"type": "string", "pattern": `^\s*([1-5][xX][xX]|[0-9]{3}(\s*-\s*[0-9]{3})?)\s*$|\$\{`},
		}}
		out = map[string]any{"anyOf": []any{status, map[string]any{"type": "array", "items": status, "minItems": 1}}}
	case kindJSONConds:
		out = map[string]any{"type": "object", "additionalProperties": map[string]any{"type": []string{"string", "number", "boolean", "null"}}}
	case kindSection:
		out = sectionSchema(f.Section)
	case kindMonitorList:
		out = map[string]any{"type": "array", "items": map[string]any{"$ref": "#/$defs/monitor"}}
	}
	if doc := fieldDoc(f); doc != "" {
		out["description"] = doc
	}
	if f.Default != "" && f.Kind != kindSection {
		var v any
		if yaml.Unmarshal([]byte(f.Default), &v) == nil {
			out["default"] = v
		}
	}
	return out
}

func withEnv(base map[string]any) map[string]any {
	return map[string]any{"anyOf": []any{base, envRef()}}
}

// fieldDoc is a field's documentation with its computed default, as one
// plain-text line.
func fieldDoc(f field) string {
	doc := strings.ReplaceAll(f.Doc, "`", "")
	if f.DefaultDoc != "" {
		doc += " Default: " + strings.ReplaceAll(f.DefaultDoc, "`", "") + "."
	}
	return strings.TrimSpace(doc)
}
