package sitrep

import (
	"reflect"
	"testing"
)

func TestParseJSONPath(t *testing.T) {
	key := func(k string) PathStep { return PathStep{Key: k, Index: -1} }
	idx := func(i int) PathStep { return PathStep{Index: i} }
	all := PathStep{Index: -1, Wildcard: true}
	tests := []struct {
		in   string
		want JSONPath
		str  string
	}{
		{"$", JSONPath{}, "$"},
		{"$.db", JSONPath{key("db")}, "$.db"},
		{"db", JSONPath{key("db")}, "$.db"},
		{"a.b", JSONPath{key("a"), key("b")}, "$.a.b"},
		{"$.a.b[0]['odd key'][*]", JSONPath{key("a"), key("b"), idx(0), key("odd key"), all}, "$.a.b[0]['odd key'][*]"},
		{`$["x.y"]`, JSONPath{key("x.y")}, "$['x.y']"},
		{`$['it\'s']`, JSONPath{key("it's")}, `$['it\'s']`},
		{"$[3]", JSONPath{idx(3)}, "$[3]"},
		{"[3].a", JSONPath{idx(3), key("a")}, "$[3].a"},
		{"$.items.*.ok", JSONPath{key("items"), all, key("ok")}, "$.items[*].ok"},
		{"$['']", JSONPath{key("")}, "$['']"},
		{"$.a-b_c", JSONPath{key("a-b_c")}, "$.a-b_c"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseJSONPath(tt.in)
			if err != nil {
				t.Fatalf("ParseJSONPath(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseJSONPath(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
			if s := got.String(); s != tt.str {
				t.Errorf("String() = %q, want %q", s, tt.str)
			}
		})
	}
}

func TestParseJSONPathErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `json path is empty; write $ for the whole document or e.g. $.status`},
		{"$.a..b", `json path "$.a..b": column 5: expected a key, got '.'; quote unusual keys like ['odd key']`},
		{"$.", `json path "$.": column 3: missing key at end of path; write e.g. $.status`},
		{"$.a[", `json path "$.a[": column 4: unclosed [; write [0], ['key'] or [*]`},
		{"$.a[0", `json path "$.a[0": column 6: expected ] to close the [ at column 4`},
		{"$.a['x", `json path "$.a['x": column 5: unterminated quoted key; close it with ']`},
		{"$.a[-1]", `json path "$.a[-1]": column 5: negative indexes are not supported; use [0], [1], … or [*]`},
		{"$.a[x]", `json path "$.a[x]": column 5: expected an index, a quoted key or *, got 'x'; write [0], ['key'] or [*]`},
		{"$x", `json path "$x": column 2: unexpected 'x'; steps are .key, ['key'], [0] or [*]`},
		{"$.a b", `json path "$.a b": column 4: unexpected ' '; steps are .key, ['key'], [0] or [*]`},
		{"$[99999999999]", `json path "$[99999999999]": column 3: index 99999999999 is too large`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseJSONPath(tt.in)
			if err == nil {
				t.Fatalf("ParseJSONPath(%q) succeeded, want error %q", tt.in, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("ParseJSONPath(%q) error\n got: %s\nwant: %s", tt.in, err, tt.want)
			}
			if ErrorCode(err) != EINVALID {
				t.Errorf("error code = %q, want %q", ErrorCode(err), EINVALID)
			}
		})
	}
}

func FuzzParseJSONPath(f *testing.F) {
	for _, s := range []string{"$", "$.a.b[0]['odd key'][*]", "a.b", `$["x\"y"]`, "$[", "$.a..b", "[1][2]", "$.*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseJSONPath(s)
		if err != nil {
			return
		}
		// What String writes, ParseJSONPath must read back as the same path.
		again, err := ParseJSONPath(p.String())
		if err != nil {
			t.Fatalf("ParseJSONPath(%q) = %q, which does not parse: %v", s, p.String(), err)
		}
		if !reflect.DeepEqual(p, again) {
			t.Fatalf("round trip of %q: %#v != %#v", s, p, again)
		}
	})
}
