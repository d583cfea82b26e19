package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Error is one problem in a configuration file, at the place to fix it.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

// Error returns "FILE:LINE:COL: what is wrong; what would be valid", the form
// editors and terminals turn into a link.
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Errors holds every problem found in a file, in file order, so that one run
// shows them all instead of one per edit.
type Errors struct{ List []*Error }

func (e *Errors) Error() string {
	lines := make([]string, len(e.List))
	for i, err := range e.List {
		lines[i] = err.Error()
	}
	return strings.Join(lines, "\n")
}

// problems collects errors while a file is decoded.
type problems struct {
	file string
	list []*Error
	// seen drops repeats: a mistake in an anchor merged into many monitors
	// is one mistake.
	seen map[Error]bool
}

// at records a problem at a node's position.
func (p *problems) at(n *yaml.Node, format string, args ...any) {
	line, col := 1, 1
	if n != nil && n.Line > 0 {
		line, col = n.Line, max(n.Column, 1)
	}
	p.atPos(line, col, format, args...)
}

func (p *problems) atPos(line, col int, format string, args ...any) {
	e := Error{File: p.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
	if p.seen[e] {
		return
	}
	if p.seen == nil {
		p.seen = map[Error]bool{}
	}
	p.seen[e] = true
	p.list = append(p.list, &e)
}

// err returns the collected problems as an *Errors, or nil when there are none.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &Errors{List: p.list}
}

// pos formats a node's position for messages that point at a second place.
func (p *problems) pos(n *yaml.Node) string {
	return fmt.Sprintf("%s:%d:%d", p.file, n.Line, n.Column)
}

var (
	yamlLine   = regexp.MustCompile(`line (\d+): `)
	yamlAnchor = regexp.MustCompile(`unknown anchor '([^']*)'`)
)

// syntax converts an error from the YAML parser into an *Error. The parser
// gives only a line, and for structure errors the line where the enclosing
// block starts rather than the offending one; so the line is found again as
// the first line at which the file, cut off there, fails the same way.
// Column 1 stands in for the column the parser does not give.
func (p *problems) syntax(data []byte, err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		if n, convErr := strconv.Atoi(msg[m[2]:m[3]]); convErr == nil && n > 0 {
			line = n
		}
		msg = msg[:m[0]] + msg[m[1]:]
	}
	lines := strings.SplitAfter(string(data), "\n")
	line = min(line, len(lines))
	budget := 8 << 20 // bytes re-parsed at most, for a huge file
	for l := line; l <= len(lines) && l < line+200; l++ {
		var n yaml.Node
		prefix := strings.Join(lines[:l], "")
		if budget -= len(prefix); budget < 0 {
			break
		}
		if e := yaml.Unmarshal([]byte(prefix), &n); e != nil && yamlLine.ReplaceAllString(strings.TrimPrefix(e.Error(), "yaml: "), "") == msg {
			line = l
			break
		}
	}
	col := 1
	if m := yamlAnchor.FindStringSubmatch(msg); m != nil && line <= len(lines) {
		if i := strings.Index(lines[line-1], "*"+m[1]); i >= 0 {
			col = i + 1
		}
	}
	for _, h := range yamlHints() {
		if strings.Contains(msg, h.problem) {
			msg += "; " + h.hint
			break
		}
	}
	p.atPos(max(line, 1), col, "invalid YAML: %s", msg)
}

// yamlHints add what usually fixes the parser's terser messages.
func yamlHints() []struct{ problem, hint string } {
	return []struct{ problem, hint string }{
		{"did not find expected", "check the indentation of this line and the lines above"},
		{"mapping values are not allowed", `check the indentation, and quote a value that contains ": "`},
		{"found character that cannot start any token", "indent with spaces, not tabs, and quote values starting with @ or `"},
		{"could not find expected ':'", "each key needs a colon and a value, e.g. key: value"},
	}
}
