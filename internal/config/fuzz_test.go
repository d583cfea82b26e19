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
