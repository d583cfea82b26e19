package config

import (
	"bytes"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// streamMin is the file size from which monitors are parsed one at a time.
// A yaml.Node tree costs about 200 bytes per node, some 4 KB per monitor:
// 200 MB held at once for 50,000 monitors, and twice that in peak heap.
// Parsed one entry at a time, a monitor's nodes are garbage as soon as it is
// decoded. Small files keep the plain path.
const streamMin = 64 << 10

// monitorStream is a file split for parsing its monitors one at a time: rest
// is the file with the lines of the monitors list blanked (so that every
// other node keeps its line), and each chunk is one entry of the list.
type monitorStream struct {
	data []byte
	rest []byte
	// keyLine is the line of the top-level "monitors:" key.
	keyLine int
	chunks  []chunk
}

// chunk is the text of one monitors entry: data[start:end], from line line.
type chunk struct{ start, end, line int }

// splitMonitors finds the block list under a top-level "monitors:" key. It
// only accepts files whose lines it can split without understanding YAML:
// no anchors or aliases (an entry could refer to another one), no tabs, CRs,
// byte order marks, directives or document markers. Anything it cannot be
// sure of returns ok false, and the file is parsed whole. A wrong split
// inside a quoted or flow value leaves a chunk unterminated, which fails to
// parse and also sends the file down the whole path.
func splitMonitors(data []byte) (*monitorStream, bool) {
	if !utf8.Valid(data) || bytes.ContainsAny(data, "\t\r&*\x00\ufeff") {
		return nil, false
	}
	s := &monitorStream{data: data}
	itemIndent := -1
	inList := false
	regionStart, regionEnd := -1, len(data)
	lineNo := 0
	for off := 0; off < len(data); {
		lineNo++
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			end += off
			next = end + 1
		} else {
			end = len(data)
		}
		line := data[off:end]
		if bytes.HasPrefix(line, []byte("---")) || bytes.HasPrefix(line, []byte("...")) || bytes.HasPrefix(line, []byte("%")) {
			return nil, false
		}
		trimmed := bytes.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		blank := len(trimmed) == 0 || trimmed[0] == '#'
		switch {
		case !inList && regionEnd == len(data) && s.keyLine == 0 && isMonitorsKey(line):
			s.keyLine = lineNo
			inList = true
			regionStart = next
		case !inList || blank:
		case itemIndent < 0 && isItem(trimmed):
			itemIndent = indent
			s.chunks = append(s.chunks, chunk{start: off, line: lineNo})
		case itemIndent < 0:
			return nil, false // "monitors:" followed by something other than a list
		case indent == itemIndent && isItem(trimmed):
			s.chunks[len(s.chunks)-1].end = off
			s.chunks = append(s.chunks, chunk{start: off, line: lineNo})
		case indent > itemIndent:
		case indent == 0:
			inList = false
			regionEnd = off
		default:
			return nil, false
		}
		off = next
	}
	if s.keyLine == 0 || len(s.chunks) == 0 {
		return nil, false
	}
	s.chunks[len(s.chunks)-1].end = regionEnd
	// Blank the list, keeping its newlines so that lines after it keep
	// their numbers.
	rest := make([]byte, 0, len(data)-(regionEnd-regionStart)+bytes.Count(data[regionStart:regionEnd], []byte("\n")))
	rest = append(rest, data[:regionStart]...)
	for range bytes.Count(data[regionStart:regionEnd], []byte("\n")) {
		rest = append(rest, '\n')
	}
	s.rest = append(rest, data[regionEnd:]...)
	return s, true
}

// isMonitorsKey reports a line that is exactly "monitors:", perhaps with a
// comment.
func isMonitorsKey(line []byte) bool {
	after, ok := bytes.CutPrefix(line, []byte("monitors:"))
	if !ok {
		return false
	}
	t := bytes.TrimLeft(after, " ")
	return len(t) == 0 || t[0] == '#' && len(t) < len(after)
}

// isItem reports a line that starts a block list entry.
func isItem(trimmed []byte) bool {
	return len(trimmed) == 1 && trimmed[0] == '-' || len(trimmed) > 1 && trimmed[0] == '-' && trimmed[1] == ' '
}

// batchBytes is about how much text is parsed at once: big enough that
// the parser's own set-up is paid rarely, small enough that a batch's nodes
// are a few hundred KB.
const batchBytes = 32 << 10

// batches calls fn with the entries of the list, parsed a batch of chunks at
// a time, with the lines of the file. It stops and returns false when a
// batch does not parse to exactly its chunks' entries.
func (s *monitorStream) batches(fn func(item *yaml.Node)) bool {
	for i := 0; i < len(s.chunks); {
		j := i + 1
		for j < len(s.chunks) && s.chunks[j].end-s.chunks[i].start <= batchBytes {
			j++
		}
		first, last := s.chunks[i], s.chunks[j-1]
		var doc yaml.Node
		if err := yaml.Unmarshal(s.data[first.start:last.end], &doc); err != nil {
			return false
		}
		if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
			return false
		}
		seq := doc.Content[0]
		if seq.Kind != yaml.SequenceNode || len(seq.Content) != j-i || seq.Tag != "!!seq" {
			return false
		}
		// Entries start only at the lines chunks start at, so as many
		// entries as chunks means every chunk is one entry.
		for _, item := range seq.Content {
			shiftLines(item, first.line-1)
		}
		for k, item := range seq.Content {
			seq.Content[k] = nil // let the GC have each entry once decoded
			fn(item)
		}
		i = j
	}
	return true
}

func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// isKeyAt reports whether the top-level mapping has a plain key monitors at
// line, with no value: proof that the line split off really is the key, not
// text inside a quoted value.
func (s *monitorStream) isKeyAt(body *yaml.Node) bool {
	if body == nil || body.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(body.Content); i += 2 {
		k, v := body.Content[i], body.Content[i+1]
		if k.Value == "monitors" && k.Line == s.keyLine && k.Column == 1 && k.Style == 0 && k.Kind == yaml.ScalarNode {
			return v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == ""
		}
	}
	return false
}
