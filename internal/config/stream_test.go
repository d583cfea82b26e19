package config

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestSplitMonitors(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		chunks []string // nil: the file is parsed whole
	}{
		{"indented", "location: x\nmonitors:\n  - id: a\n    type: tcp\n  # note\n  - id: b\n\n    type: tcp\npages: []\n",
			[]string{"  - id: a\n    type: tcp\n  # note\n", "  - id: b\n\n    type: tcp\n"}},
		{"compact", "monitors: # all\n- id: a\n  type: tcp\n-\n  id: b\n", []string{"- id: a\n  type: tcp\n", "-\n  id: b\n"}},
		{"last line without newline", "monitors:\n  - {id: a, type: tcp}", []string{"  - {id: a, type: tcp}"}},
		{"flow list", "monitors: [{id: a}]\n", nil},
		{"no list", "monitors:\n  id: a\n", nil},
		{"empty", "monitors:\n\nlocation: x\n", nil},
		{"anchor", "x: &a {type: tcp}\nmonitors:\n  - <<: *a\n    id: b\n", nil},
		{"tab", "monitors:\n  - id: a\n    type:\ttcp\n", nil},
		{"crlf", "monitors:\r\n  - id: a\r\n", nil},
		{"document marker", "---\nmonitors:\n  - id: a\n", nil},
		{"outdented", "monitors:\n    - id: a\n  x: 1\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := splitMonitors([]byte(tt.src))
			if !ok {
				if tt.chunks != nil {
					t.Fatalf("not split, want %q", tt.chunks)
				}
				return
			}
			var got []string
			for _, c := range s.chunks {
				got = append(got, tt.src[c.start:c.end])
			}
			if !reflect.DeepEqual(got, tt.chunks) {
				t.Fatalf("chunks %q, want %q", got, tt.chunks)
			}
			if len(s.rest) != len(tt.src)-len(strings.Join(got, ""))+strings.Count(strings.Join(got, ""), "\n") ||
				strings.Count(string(s.rest), "\n") != strings.Count(tt.src, "\n") {
				t.Errorf("rest %q does not keep the lines of the file", s.rest)
			}
		})
	}
}

// TestStreamMatchesWhole parses files both ways: the one-at-a-time path must
// be taken where it can be and give the same Config, and a file with a
// problem must get the whole path's messages.
func TestStreamMatchesWhole(t *testing.T) {
	var many strings.Builder
	many.WriteString("location: x\ndefaults: {interval: 30s}\nmonitors:\n")
	for i := range 300 {
		fmt.Fprintf(&many, "  - id: m%d\n    type: http\n    url: https://example.com/%d\n    expect:\n      status: 2xx\n      json: {$.db: up}\n", i, i)
		fmt.Fprintf(&many, "  - {id: t%d, type: tcp, address: '${HOST:-h}:%d'}\n  - id: hb%d\n    type: heartbeat\n    every: 1h\n", i, i+1, i)
	}
	many.WriteString("components:\n  - {id: c, group: G, monitors: [m1, t2]}\n")
	tests := []struct {
		name     string
		src      string
		streamed bool
		errs     int
	}{
		{"many", many.String(), true, 0},
		{"starter", string(Starter(":8080")), true, 0},
		{"duplicate id", "monitors:\n  - {id: a, type: tcp, address: 'h:1'}\n  - {id: a, type: tcp, address: 'h:2'}\n", true, 1},
		{"unset variable", "monitors:\n  - {id: a, type: tcp, address: '${NOPE}'}\n", true, 1},
		{"quote across entries", "monitors:\n  - id: \"a\n  - b\"\n    type: tcp\n", false, 2},
		{"key inside a quote", "x-note: \"a\nmonitors:\n  - id: a\"\n", false, 0},
		{"syntax", "monitors:\n  - id: a\n   type: tcp\n", true, 1},
	}
	lookup := func(string) (string, bool) { return "", false }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.src)
			if s, ok := splitMonitors(data); ok && tt.streamed && tt.errs == 0 {
				if _, err := decode("sitrep.yaml", data, lookup, s); err != nil {
					t.Fatalf("one at a time: %v", err)
				}
			} else if ok && !tt.streamed {
				if _, err := decode("sitrep.yaml", data, lookup, s); err == nil {
					t.Fatal("parsed one at a time, want the whole path")
				}
			}
			whole, wholeErr := parseFrom("sitrep.yaml", data, lookup, math.MaxInt)
			got, err := parseFrom("sitrep.yaml", data, lookup, 0)
			if !reflect.DeepEqual(got, whole) || fmt.Sprint(err) != fmt.Sprint(wholeErr) {
				t.Fatalf("got %+v, %v\nwant %+v, %v", got, err, whole, wholeErr)
			}
			n := 0
			if err != nil {
				n = strings.Count(err.Error(), "\n") + 1
			}
			if n != tt.errs {
				t.Errorf("%d errors, want %d: %v", n, tt.errs, err)
			}
		})
	}
}
