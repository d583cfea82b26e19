package sitrep

import (
	"encoding/json"
	"strings"
	"testing"
)

const evalDoc = `{
	"db": "up",
	"cache": "down",
	"version": 2,
	"ok": true,
	"error": null,
	"queue": {"depth": 250, "name": "jobs"},
	"services": [
		{"name": "api", "status": "up", "latency": 12},
		{"name": "worker", "status": "down", "latency": 80}
	],
	"regions": {"eu": {"ok": true}, "us": {"ok": true}},
	"empty": [],
	"odd key": {"x": "y"},
	"long": "` + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" + `"
}`

func TestJSONConditionEval(t *testing.T) {
	tests := []struct {
		path  string
		value any
		want  string // "" means the condition holds
	}{
		{"$.db", "up", ""},
		{"$.cache", "up", `$.cache is "down", expected "up"`},
		{"$.version", 2, ""},
		{"$.version", "2", `$.version is 2, expected "2"`},
		{"$.version", "== 2", ""},
		{"$.ok", true, ""},
		{"$.ok", false, `$.ok is true, expected false`},
		{"$.error", nil, ""},
		{"$.db", nil, `$.db is "up", expected null`},
		{"$.cache", "!= up", ""},
		{"$.cache", "!= down", `$.cache is "down", expected anything but "down"`},
		{"$.queue.depth", "< 100", `$.queue.depth is 250, expected < 100`},
		{"$.queue.depth", "<= 250", ""},
		{"$.queue.depth", "> 250", `$.queue.depth is 250, expected > 250`},
		{"$.queue.depth", ">= 250", ""},
		{"$.queue.name", "< 3", `$.queue.name is "jobs", expected a number < 3`},
		{"$.queue.name", "~ ^jo", ""},
		{"$.queue.name", "~ ^x", `$.queue.name is "jobs", expected it to match ^x`},
		{"$.version", "~ ^2$", ""},
		{"$.queue", "~ x", `$.queue is an object, expected a string matching x`},
		{"$.db", "exists", ""},
		{"$.error", "exists", ""},
		{"$.nope", "exists", `$.nope: no such key`},
		{"$.nope", "up", `$.nope: no such key`},
		{"$.queue.nope.deeper", "up", `$.queue.nope: no such key`},
		{"$.db.x", "up", `$.db.x: $.db is "up", not an object`},
		{"$.db[0]", "up", `$.db[0]: $.db is "up", not an array`},
		{"$.services[0].status", "up", ""},
		{"$.services[1].status", "up", `$.services[1].status is "down", expected "up"`},
		{"$.services[2].status", "up", `$.services[2]: no such index, the array has 2 elements`},
		{"$.services[*].status", "up", `$.services[1].status is "down", expected "up"`},
		{"$.services[*].latency", "< 100", ""},
		{"$.services[*].name", "exists", ""},
		{"$.regions[*].ok", true, ""},
		{"$.regions.*.ok", false, `$.regions.eu.ok is true, expected false`},
		{"$.empty[*]", "exists", `$.empty[*]: empty array, expected elements to check`},
		{"$.db[*]", "up", `$.db[*]: $.db is "up", not an array or object`},
		{"$['odd key'].x", "y", ""},
		{"$['odd key'].x", "z", `$['odd key'].x is "y", expected "z"`},
		{"$.long", "short", `$.long is "` + strings.Repeat("a", 64) + `…", expected "short"`},
		{"$", "exists", ""},
		{"$.services", "up", `$.services is an array of 2, expected "up"`},
	}
	for _, useNumber := range []bool{false, true} {
		dec := json.NewDecoder(strings.NewReader(evalDoc))
		if useNumber {
			dec.UseNumber()
		}
		var doc any
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			name := tt.path + " " + strings.TrimSpace(jsonFormat(tt.value))
			if useNumber {
				name = "UseNumber/" + name
			}
			t.Run(name, func(t *testing.T) {
				c, err := ParseJSONCondition(tt.path, tt.value)
				if err != nil {
					t.Fatalf("ParseJSONCondition: %v", err)
				}
				err = c.Eval(doc)
				switch {
				case tt.want == "" && err != nil:
					t.Errorf("Eval: %v, want it to hold", err)
				case tt.want != "" && err == nil:
					t.Errorf("Eval held, want %q", tt.want)
				case tt.want != "" && err.Error() != tt.want:
					t.Errorf("Eval error\n got: %s\nwant: %s", err, tt.want)
				}
			})
		}
	}
}

func BenchmarkJSONConditionEval(b *testing.B) {
	var doc any
	if err := json.Unmarshal([]byte(evalDoc), &doc); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ path, value string }{
		{"$.db", "up"},
		{"$.queue.depth", "> 100"},
		{"$.services[*].latency", "< 100"},
	} {
		c, err := ParseJSONCondition(bc.path, bc.value)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.path, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Eval(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
