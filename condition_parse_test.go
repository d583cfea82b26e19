package sitrep

import (
	"encoding/json"
	"regexp"
	"testing"
)

func TestParseJSONCondition(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		value  any
		op     CondOp
		want   any
		source string
	}{
		{"plain string", "$.db", "up", OpEq, "up", `$.db == "up"`},
		{"int", "$.count", 42, OpEq, 42.0, `$.count == 42`},
		{"int64", "$.count", int64(7), OpEq, 7.0, `$.count == 7`},
		{"uint64", "$.count", uint64(7), OpEq, 7.0, `$.count == 7`},
		{"float", "$.ratio", 0.5, OpEq, 0.5, `$.ratio == 0.5`},
		{"bool", "$.ok", true, OpEq, true, `$.ok == true`},
		{"null", "$.error", nil, OpEq, nil, `$.error == null`},
		{"eq bare", "$.db", "== up", OpEq, "up", `$.db == "up"`},
		{"eq number", "$.n", "== 42", OpEq, 42.0, `$.n == 42`},
		{"eq quoted number", "$.n", `== "42"`, OpEq, "42", `$.n == "42"`},
		{"eq operator text", "$.html", "== <html>", OpEq, "<html>", `$.html == "<html>"`},
		{"ne", "$.db", "!= down", OpNe, "down", `$.db != "down"`},
		{"ne null", "$.error", "!= null", OpNe, nil, `$.error != null`},
		{"lt", "$.queue.depth", "< 100", OpLt, 100.0, `$.queue.depth < 100`},
		{"le", "$.x", "<=5", OpLe, 5.0, `$.x <= 5`},
		{"gt", "$.x", "> -1.5", OpGt, -1.5, `$.x > -1.5`},
		{"ge", "$.x", " >= 5 ", OpGe, 5.0, `$.x >= 5`},
		{"exists", "$.x", "exists", OpExists, nil, `$.x exists`},
		{"exists spaced", "$.x", " exists ", OpExists, nil, `$.x exists`},
		{"no dollar", "a.b", "up", OpEq, "up", `$.a.b == "up"`},
		{"json number", "$.n", json.Number("3"), OpEq, 3.0, `$.n == 3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseJSONCondition(tt.path, tt.value)
			if err != nil {
				t.Fatalf("ParseJSONCondition(%q, %#v): %v", tt.path, tt.value, err)
			}
			if c.Op != tt.op || c.Value != tt.want {
				t.Errorf("got op %q value %#v, want op %q value %#v", c.Op, c.Value, tt.op, tt.want)
			}
			if c.Source != tt.source {
				t.Errorf("Source = %q, want %q", c.Source, tt.source)
			}
		})
	}
	t.Run("match", func(t *testing.T) {
		c, err := ParseJSONCondition("$.status", "~ ^ok")
		if err != nil {
			t.Fatal(err)
		}
		re, ok := c.Value.(*regexp.Regexp)
		if c.Op != OpMatch || !ok || re.String() != "^ok" {
			t.Errorf("got op %q value %#v, want ~ ^ok", c.Op, c.Value)
		}
		if c.Source != "$.status ~ ^ok" {
			t.Errorf("Source = %q", c.Source)
		}
	})
}

func TestParseJSONConditionErrors(t *testing.T) {
	tests := []struct {
		name  string
		path  string
		value any
		want  string
	}{
		{"bad path", "$.a..b", "up", `json path "$.a..b": column 5: expected a key, got '.'; quote unusual keys like ['odd key']`},
		{"lt text", "$.n", "< lots", `json condition on $.n: "< lots" compares with "lots", which is not a number; < needs a number, e.g. "< 100" (for the text itself write "== < lots")`},
		{"lt empty", "$.n", ">=", `json condition on $.n: ">=" has no number after >=; write e.g. ">= 100"`},
		{"bad regexp", "$.s", "~ (", `json condition on $.s: "~ (": bad regular expression: missing closing ): ` + "`(`"},
		{"empty regexp", "$.s", "~", `json condition on $.s: "~" has no regular expression after ~; write e.g. "~ ^ok"`},
		{"mapping", "$.s", map[string]any{"a": 1}, `json condition on $.s: expected a string, number, true, false or null, got a mapping; write a value for equality ("up", 42, true, null) or a string with an operator: "== x", "!= x", "< 5", "<= 5", "> 5", ">= 5", "~ regexp" or "exists"`},
		{"list", "$.s", []any{1}, `json condition on $.s: expected a string, number, true, false or null, got a list; write a value for equality ("up", 42, true, null) or a string with an operator: "== x", "!= x", "< 5", "<= 5", "> 5", ">= 5", "~ regexp" or "exists"`},
		{"nan", "$.s", "< NaN", `json condition on $.s: "< NaN" compares with "NaN", which is not a number; < needs a number, e.g. "< 100" (for the text itself write "== < NaN")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseJSONCondition(tt.path, tt.value)
			if err == nil {
				t.Fatalf("ParseJSONCondition succeeded, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
			if ErrorCode(err) != EINVALID {
				t.Errorf("code = %q, want %q", ErrorCode(err), EINVALID)
			}
		})
	}
}

func FuzzParseJSONCondition(f *testing.F) {
	f.Add("$.db", "up")
	f.Add("$.a[*].b", "< 100")
	f.Add("x", "~ ^ok$")
	f.Add("$['k']", "exists")
	f.Add("$", "== null")
	f.Add("$.x", "!= \"y\"")
	f.Fuzz(func(t *testing.T, path, value string) {
		c, err := ParseJSONCondition(path, value)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error %v has code %q, want %q", err, ErrorCode(err), EINVALID)
			}
			return
		}
		// The canonical path parses back to the same path.
		p, err := ParseJSONPath(c.Path.String())
		if err != nil || len(p) != len(c.Path) {
			t.Fatalf("path %q does not round-trip: %v", c.Path, err)
		}
		// Evaluating against any document must not panic.
		for _, doc := range []any{nil, "s", 1.0, true, map[string]any{}, []any{}, map[string]any{"db": []any{map[string]any{"b": 1.0}}}} {
			_ = c.Eval(doc)
		}
	})
}
