package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var errorLine = regexp.MustCompile(`^sitrep\.yaml:[1-9][0-9]*:[1-9][0-9]*: \S`)

func FuzzParse(f *testing.F) {
	f.Add(string(Starter(":8080")))
	f.Add(strings.ReplaceAll(string(Starter(":8080")), "\n#-", "\n"))
	f.Add("monitors:\n  - {id: a, type: http, url: 'https://x/', expect: {json: {$.a: '< 3'}}}\n")
	f.Add("x-a: &a {type: tcp}\nmonitors:\n  - <<: *a\n    id: b\n    address: ${ADDR:-h:1}\n")
	f.Add("storage: {driver: postgres, url: 'postgres://h/db', budget: 2G}\ndefaults: {interval: 1w2d}\n")
	f.Add("monitors:\n  - id: a\n   type: http\n")
	f.Add("a: &a [*a]\n")
	f.Add("monitors:\n  - id: a\n    type: tcp\n    address: 'h:1'\n  # b\n  -\n    id: b\n    type: http\n    url: \"https://x/\n  - y\"\npages: [{slug: p}]\n")
	f.Add("monitors: [{id: m, type: tcp, address: 'h:1'}]\ncomponents:\n  - {id: c, group: G, monitors: [m], rule: {some_down: major_outage}, incidents: {nudge_after: off}}\n" +
		"pages:\n  - {slug: main, groups: [G], time_zone: Europe/Oslo, domain: s.example, password: '${ADDR}', branding: {accent: '#0055aa', links: [{title: a, url: 'https://x/'}]}}\n")
	f.Add("incidents: {auto_open_after: 0}\nmaintenance: {reminders: [1h, 1h, 24h]}\npublic_url: https://x/\npages: [{slug: api}]\n")
	f.Fuzz(func(t *testing.T, src string) {
		cfg, err := parseEnv(src, map[string]string{"ADDR": "h:2"})
		if err == nil {
			if cfg == nil {
				t.Fatal("nil config without error")
			}
			return
		}
		var errs *Errors
		if !errors.As(err, &errs) || len(errs.List) == 0 {
			t.Fatalf("error %T %v is not a non-empty *Errors", err, err)
		}
		for _, e := range errs.List {
			if line := e.Error(); !errorLine.MatchString(line) || strings.Contains(e.Msg, "\n") {
				t.Fatalf("error %q is not FILE:LINE:COL: message on one line", line)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	var src strings.Builder
	src.WriteString("defaults: {interval: 30s}\nmonitors:\n")
	for i := range 1000 {
		fmt.Fprintf(&src, "  - id: m%d\n    type: http\n    url: https://example.com/%d\n    expect:\n      status: 2xx\n      json: {$.db: up, $.q: '< 100'}\n", i, i)
	}
	data := []byte(src.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse("sitrep.yaml", data, func(string) (string, bool) { return "", false }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseComponents parses the size the goals name: 200
// components over 1000 monitors in 10 groups, on 5 pages.
func BenchmarkParseComponents(b *testing.B) {
	var src strings.Builder
	src.WriteString("monitors:\n")
	for i := range 1000 {
		fmt.Fprintf(&src, "  - {id: m%d, type: tcp, address: 'h%d:1'}\n", i, i)
	}
	src.WriteString("components:\n")
	for i := range 200 {
		fmt.Fprintf(&src, "  - {id: c%d, name: Component %d, group: Group %d, monitors: [m%d, m%d, m%d], rule: {some_down: major_outage}}\n",
			i, i, i%10, i*5, i*5+1, i*5+2)
	}
	src.WriteString("pages:\n")
	for i := range 5 {
		fmt.Fprintf(&src, "  - {slug: p%d, groups: [Group %d, Group %d], time_zone: Europe/Oslo, domain: p%d.example.com}\n", i, i, i+5, i)
	}
	data := []byte(src.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse("sitrep.yaml", data, func(string) (string, bool) { return "", false }); err != nil {
			b.Fatal(err)
		}
	}
}
