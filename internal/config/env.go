package config

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// unknownTag marks a scalar whose ${VAR} could not be interpolated.
const unknownTag = "!sitrep-unknown"

// interpolate replaces ${VAR} and ${VAR:-default} in every scalar value of
// the tree, after parsing, so that positions stay those of the file and a
// value cannot inject YAML structure. $${ writes a literal ${.
func interpolate(p *problems, n *yaml.Node, lookup func(string) (string, bool)) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			interpolate(p, c, lookup)
		}
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			interpolate(p, n.Content[i], lookup)
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "${") {
			return
		}
		out, bad, msg := expand(n.Value, lookup)
		if msg != "" {
			line, col := n.Line, n.Column
			// The offset is exact only where the text is the source.
			if n.Style == 0 && !strings.Contains(n.Value, "\n") {
				col += bad
			}
			p.atPos(line, col, "%s", msg)
			// The value is unknown: checking it further would only add
			// confusing errors about a "${...}" nobody meant literally.
			n.Tag = unknownTag
			return
		}
		n.Value = out
		if n.Style == 0 {
			// An unquoted ${PORT} becomes what YAML would have read had the
			// value been written there: 8080 is a number, not a string.
			n.Tag = ""
		}
	}
}

// expand interpolates s. On a problem it returns the byte offset where it
// starts and a message.
func expand(s string, lookup func(string) (string, bool)) (string, int, string) {
	var b strings.Builder
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "$${"):
			b.WriteString("${")
			i += 3
		case strings.HasPrefix(s[i:], "${"):
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return "", i, "unclosed ${; write ${VAR} or ${VAR:-default}, or $${ for a literal ${"
			}
			ref := s[i+2 : i+end]
			name, def, hasDef := strings.Cut(ref, ":-")
			if !validVarName(name) {
				return "", i, "${" + ref + "}: \"" + name + "\" is not a variable name; use letters, digits and _, or write $${ for a literal ${"
			}
			val, ok := lookup(name)
			switch {
			case ok:
				b.WriteString(val)
			case hasDef:
				b.WriteString(def)
			default:
				return "", i, "environment variable " + name + " is not set; set it or write ${" + name + ":-default}"
			}
			i += end + 1
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String(), 0, ""
}

func validVarName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
