package sitrep

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseJSONPath parses a path such as "$.a.b[0]['odd key'][*]". The leading
// "$" is optional ("a.b" means "$.a.b") because people write both. Errors
// name the 1-based column of the problem so a long path can be fixed at once.
func ParseJSONPath(s string) (JSONPath, error) {
	p := jsonPathParser{src: s}
	return p.parse()
}

type jsonPathParser struct {
	src string
	pos int
}

func (p *jsonPathParser) errorf(col int, format string, args ...any) error {
	return Errorf(EINVALID, "json path %q: column %d: %s", p.src, col+1, fmt.Sprintf(format, args...))
}

func (p *jsonPathParser) parse() (JSONPath, error) {
	if strings.TrimSpace(p.src) == "" {
		return nil, Errorf(EINVALID, "json path is empty; write $ for the whole document or e.g. $.status")
	}
	path := JSONPath{}
	switch {
	case strings.HasPrefix(p.src, "$"):
		p.pos = 1
	case p.src[0] == '[' || p.src[0] == '.':
		// "[0].a" and ".a" are read as if "$" preceded them.
	default:
		step, err := p.bareKey()
		if err != nil {
			return nil, err
		}
		path = append(path, step)
	}
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case '.':
			p.pos++
			if p.pos < len(p.src) && p.src[p.pos] == '*' {
				p.pos++
				path = append(path, PathStep{Index: -1, Wildcard: true})
				continue
			}
			step, err := p.bareKey()
			if err != nil {
				return nil, err
			}
			path = append(path, step)
		case '[':
			step, err := p.bracket()
			if err != nil {
				return nil, err
			}
			path = append(path, step)
		default:
			return nil, p.errorf(p.pos, "unexpected %q; steps are .key, ['key'], [0] or [*]", p.src[p.pos])
		}
	}
	return path, nil
}

// bareKey reads a key written after a dot. Anything that could be confused
// with path syntax must go in brackets instead.
func (p *jsonPathParser) bareKey() (PathStep, error) {
	start := p.pos
	for p.pos < len(p.src) && !strings.ContainsRune(".[]'\" \t*$", rune(p.src[p.pos])) {
		p.pos++
	}
	if p.pos == start {
		if p.pos >= len(p.src) {
			return PathStep{}, p.errorf(p.pos, "missing key at end of path; write e.g. $.status")
		}
		return PathStep{}, p.errorf(p.pos, "expected a key, got %q; quote unusual keys like ['odd key']", p.src[p.pos])
	}
	return PathStep{Key: p.src[start:p.pos], Index: -1}, nil
}

func (p *jsonPathParser) bracket() (PathStep, error) {
	open := p.pos
	p.pos++ // '['
	if p.pos >= len(p.src) {
		return PathStep{}, p.errorf(open, "unclosed [; write [0], ['key'] or [*]")
	}
	var step PathStep
	switch c := p.src[p.pos]; {
	case c == '*':
		p.pos++
		step = PathStep{Index: -1, Wildcard: true}
	case c == '\'' || c == '"':
		key, err := p.quoted(c)
		if err != nil {
			return PathStep{}, err
		}
		step = PathStep{Key: key, Index: -1}
	case c >= '0' && c <= '9':
		start := p.pos
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
		}
		n, err := strconv.Atoi(p.src[start:p.pos])
		if err != nil || n > 1<<30 {
			return PathStep{}, p.errorf(start, "index %s is too large", p.src[start:p.pos])
		}
		step = PathStep{Index: n}
	case c == '-':
		return PathStep{}, p.errorf(p.pos, "negative indexes are not supported; use [0], [1], … or [*]")
	default:
		return PathStep{}, p.errorf(p.pos, "expected an index, a quoted key or *, got %q; write [0], ['key'] or [*]", c)
	}
	if p.pos >= len(p.src) || p.src[p.pos] != ']' {
		return PathStep{}, p.errorf(p.pos, "expected ] to close the [ at column %d", open+1)
	}
	p.pos++
	return step, nil
}

// quoted reads a 'single' or "double" quoted key with \\ and \<quote> escapes.
func (p *jsonPathParser) quoted(q byte) (string, error) {
	open := p.pos
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == q:
			p.pos++
			return b.String(), nil
		case c == '\\' && p.pos+1 < len(p.src) && (p.src[p.pos+1] == q || p.src[p.pos+1] == '\\'):
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return "", p.errorf(open, "unterminated quoted key; close it with %c]", q)
}

// String formats the path so that ParseJSONPath reads it back unchanged:
// plain keys after a dot, anything else quoted in brackets.
func (p JSONPath) String() string {
	var b strings.Builder
	b.WriteByte('$')
	for _, s := range p {
		s.format(&b)
	}
	return b.String()
}

func (s PathStep) format(b *strings.Builder) {
	switch {
	case s.Wildcard:
		b.WriteString("[*]")
	case s.Index >= 0 && s.Key == "":
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(s.Index))
		b.WriteByte(']')
	case jsonPlainKey(s.Key):
		b.WriteByte('.')
		b.WriteString(s.Key)
	default:
		b.WriteString("['")
		b.WriteString(strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s.Key))
		b.WriteString("']")
	}
}

func jsonPlainKey(k string) bool {
	if k == "" {
		return false
	}
	for _, c := range k {
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
