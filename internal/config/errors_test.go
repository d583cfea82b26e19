package config

import (
	"errors"
	"strings"
	"testing"
)

// TestParseErrors checks the exact message of every kind of rejection.
// Each case lists all the lines of the error, in order.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		env  map[string]string
		want []string
	}{
		{
			name: "malformed yaml",
			src:  "monitors:\n  - id: a\n   type: http\n",
			want: []string{"sitrep.yaml:3:1: invalid YAML: did not find expected '-' indicator; check the indentation of this line and the lines above"},
		},
		{
			name: "tab indentation",
			src:  "monitors:\n\t- id: a\n",
			want: []string{"sitrep.yaml:2:1: invalid YAML: found character that cannot start any token; indent with spaces, not tabs, and quote values starting with @ or `"},
		},
		{
			name: "second document",
			src:  "location: a\n---\nlocation: b\n",
			want: []string{"sitrep.yaml:2:1: a second YAML document (after ---) is not supported; keep everything in one document"},
		},
		{
			name: "top level not a mapping",
			src:  "- id: a\n",
			want: []string{"sitrep.yaml:1:1: top level: expected a mapping, got list"},
		},
		{
			name: "unknown top-level key",
			src:  "monitor:\n  - id: a\n",
			want: []string{`sitrep.yaml:1:1: unknown key "monitor" at the top level; did you mean monitors?`},
		},
		{
			name: "unknown key without a close match",
			src:  "storage:\n  zzz: 1\n",
			want: []string{`sitrep.yaml:2:3: unknown key "zzz" in storage; valid: driver, path, url, budget, min_free_disk, flush_interval`},
		},
		{
			name: "duplicate key",
			src:  "location: a\nlocation: b\n",
			want: []string{"sitrep.yaml:2:1: duplicate key \"location\"; it is already set at line 1"},
		},
		{
			name: "wrong type: mapping for duration",
			src:  "defaults:\n  interval: {a: 1}\n",
			want: []string{"sitrep.yaml:2:13: interval: expected a duration like 30s or 2m, got mapping"},
		},
		{
			name: "wrong type: text for duration",
			src:  "defaults:\n  interval: soon\n",
			want: []string{`sitrep.yaml:2:13: interval: expected a duration like 30s or 2m, got "soon"`},
		},
		{
			name: "duration without unit",
			src:  "defaults:\n  interval: 30\n",
			want: []string{`sitrep.yaml:2:13: interval: "30" has no unit; write e.g. 30s or 30m`},
		},
		{
			name: "zero and negative intervals",
			src:  "defaults:\n  interval: 0s\nmonitors:\n  - {id: a, type: tcp, address: 'h:1', interval: -5s}\n",
			want: []string{
				"sitrep.yaml:2:13: interval: must be at least 1s, got 0s",
				"sitrep.yaml:4:50: interval: must be at least 1s, got -5s",
			},
		},
		{
			name: "wrong types: int, bool, size, list, map, section",
			src: `storage: [sqlite]
defaults:
  failures_to_down: two
monitors:
  - id: a
    type: http
    url: https://x/
    follow_redirects: yes
    max_body: huge
    locations: {a: b}
    labels: [a]
    expect: ok
`,
			want: []string{
				"sitrep.yaml:1:10: storage: expected a mapping, got list",
				`sitrep.yaml:3:21: failures_to_down: expected a whole number, got "two"`,
				`sitrep.yaml:8:23: follow_redirects: expected true or false, got "yes"`,
				`sitrep.yaml:9:15: max_body: expected a size like 500MB or 1GiB, got "huge"`,
				"sitrep.yaml:10:16: locations: expected a list of strings, got mapping",
				"sitrep.yaml:11:13: labels: expected a mapping of names to strings, got list",
				`sitrep.yaml:12:13: expect: expected a mapping, got "ok"`,
			},
		},
		{
			name: "bounds",
			src:  "storage: {flush_interval: 2m, budget: 10KB}\ndefaults: {failures_to_down: 0}\n",
			want: []string{
				"sitrep.yaml:1:27: flush_interval: must be at most 1m, got 2m",
				"sitrep.yaml:1:39: budget: must be at least 1MiB, got 10000B",
				"sitrep.yaml:2:30: failures_to_down: must be at least 1, got 0",
			},
		},
		{
			name: "timeout longer than interval",
			src:  "monitors:\n  - id: a\n    type: tcp\n    address: h:1\n    interval: 5s\n    timeout: 10s\n",
			want: []string{"sitrep.yaml:6:14: timeout: 10s is longer than the interval 5s; a check must end before the next one starts"},
		},
		{
			name: "default timeout longer than default interval",
			src:  "defaults: {interval: 5s, timeout: 6s}\n",
			want: []string{"sitrep.yaml:1:35: timeout: 6s is longer than the interval 5s; a check must end before the next one starts"},
		},
		{
			name: "unknown type",
			src:  "monitors:\n  - id: a\n    type: htp\n    url: https://x/\n",
			want: []string{`sitrep.yaml:3:11: type: unknown value "htp"; did you mean http?`},
		},
		{
			name: "unknown type far from any",
			src:  "monitors:\n  - id: a\n    type: smtp\n",
			want: []string{`sitrep.yaml:3:11: type: unknown value "smtp"; valid: http, tcp, dns, tls, icmp, heartbeat`},
		},
		{
			name: "unknown monitor key",
			src:  "monitors:\n  - id: a\n    type: http\n    url: https://x/\n    intervall: 30s\n",
			want: []string{`sitrep.yaml:5:5: unknown key "intervall" for http monitors; did you mean interval?`},
		},
		{
			name: "unknown expect key",
			src:  "monitors:\n  - id: a\n    type: http\n    url: https://x/\n    expect: {stauts: 200}\n",
			want: []string{`sitrep.yaml:5:14: unknown key "stauts" in expect; did you mean status?`},
		},
		{
			name: "key of another type",
			src:  "monitors:\n  - id: a\n    type: tcp\n    address: h:1\n    url: https://x/\n    server_name: x\n",
			want: []string{
				`sitrep.yaml:5:5: key "url" applies to http monitors, not tcp monitors`,
				`sitrep.yaml:6:5: key "server_name" applies to http and tls monitors, not tcp monitors`,
			},
		},
		{
			name: "duplicate ids",
			src:  "monitors:\n  - id: api\n    type: tcp\n    address: h:1\n  - id: api\n    type: tcp\n    address: h:2\n",
			want: []string{`sitrep.yaml:5:9: id: "api" is already the id of the monitor at sitrep.yaml:2:9; ids must be unique`},
		},
		{
			name: "bad ids",
			src:  "monitors:\n  - {id: API, type: tcp, address: 'h:1'}\n  - {id: a.b, type: tcp, address: 'h:1'}\n  - {id: '', type: tcp, address: 'h:1'}\n",
			want: []string{
				`sitrep.yaml:2:10: id: "API" must start with a lower-case letter or digit`,
				`sitrep.yaml:3:10: id: "a.b" contains '.'; use lower-case letters, digits, - and _`,
				`sitrep.yaml:4:10: id: "" must not be empty; use lower-case letters, digits, - and _`,
			},
		},
		{
			name: "missing required keys",
			src:  "monitors:\n  - name: x\n  - id: b\n    type: http\n  - id: c\n    type: heartbeat\n    url:\n",
			want: []string{
				"sitrep.yaml:2:5: missing required key id in monitors, e.g. id: api",
				"sitrep.yaml:2:5: missing required key type in monitors, e.g. type: http",
				"sitrep.yaml:3:5: missing required key url for http monitors, e.g. url: https://example.com/healthz",
				"sitrep.yaml:5:5: missing required key every for heartbeat monitors, e.g. every: 1d",
				`sitrep.yaml:7:5: key "url" applies to http monitors, not heartbeat monitors`,
			},
		},
		{
			name: "monitors not a list",
			src:  "monitors:\n  api: {type: http}\n",
			want: []string{`sitrep.yaml:2:3: monitors: expected a list of monitors, each starting with "- id: ...", got mapping`},
		},
		{
			name: "monitor entry not a mapping",
			src:  "monitors:\n  - api\n",
			want: []string{`sitrep.yaml:2:5: monitors: each entry must be a mapping with at least id and type, got "api"`},
		},
		{
			name: "bad urls",
			src: `monitors:
  - {id: a, type: http, url: ftp://x/}
  - {id: b, type: http, url: "https:///path"}
  - {id: c, type: http, url: "example.com/health"}
  - {id: d, type: http, url: "http://x/", tls_skip_verify: true}
`,
			want: []string{
				`sitrep.yaml:2:30: url: "ftp://x/" is not an http or https URL; write e.g. https://example.com/healthz`,
				`sitrep.yaml:3:30: url: "https:///path" has no host; write e.g. https://example.com/healthz`,
				`sitrep.yaml:4:30: url: "example.com/health" is not an http or https URL; write e.g. https://example.com/healthz`,
				`sitrep.yaml:5:43: tls_skip_verify: only for https URLs, and the url is http`,
			},
		},
		{
			name: "bad status entries",
			src:  "monitors:\n  - id: a\n    type: http\n    url: https://x/\n    expect:\n      status: [200, 6xx, 299-200, 42, {a: 1}, ok]\n",
			want: []string{
				`sitrep.yaml:6:21: status: "6xx" is not a status code, class or range; write e.g. 200, 2xx or 200-299`,
				`sitrep.yaml:6:26: status: "299-200" is an empty range; write the lower status first, e.g. 200-299`,
				`sitrep.yaml:6:35: status: "42" is outside 100-599, the range of HTTP statuses`,
				`sitrep.yaml:6:39: status: each entry must be a status, class or range, got mapping; write e.g. 200, 2xx or 200-299`,
				`sitrep.yaml:6:47: status: "ok" is not a status code, class or range; write e.g. 200, 2xx or 200-299`,
			},
		},
		{
			name: "empty status list",
			src:  "monitors:\n  - {id: a, type: http, url: 'https://x/', expect: {status: []}}\n",
			want: []string{`sitrep.yaml:2:61: status: the list is empty, so no response could be good; write e.g. 200, 2xx or 200-299`},
		},
		{
			name: "bad regexp",
			src:  "monitors:\n  - id: a\n    type: http\n    url: https://x/\n    expect:\n      body_regex: 'ok(('\n",
			want: []string{"sitrep.yaml:6:19: body_regex: bad regular expression: missing closing ): `ok((`"},
		},
		{
			name: "bad json conditions",
			src: `monitors:
  - id: a
    type: http
    url: https://x/
    expect:
      json:
        $.a..b: up
        $.n: "< many"
        $.s: "~ ("
        $.m: {a: 1}
      degraded_above: 30s
`,
			want: []string{
				`sitrep.yaml:7:9: json: json path "$.a..b": column 5: expected a key, got '.'; quote unusual keys like ['odd key']`,
				`sitrep.yaml:8:14: json: json condition on $.n: "< many" compares with "many", which is not a number; < needs a number, e.g. "< 100" (for the text itself write "== < many")`,
				"sitrep.yaml:9:14: json: json condition on $.s: \"~ (\": bad regular expression: missing closing ): `(`",
				`sitrep.yaml:10:14: json: json condition on $.m: expected a string, number, true, false or null, got a mapping; write a value for equality ("up", 42, true, null) or a string with an operator: "== x", "!= x", "< 5", "<= 5", "> 5", ">= 5", "~ regexp" or "exists"`,
				"sitrep.yaml:11:23: degraded_above: 30s is not below the timeout 10s, so it could never apply",
			},
		},
		{
			name: "bad addresses",
			src: `monitors:
  - {id: a, type: tcp, address: db}
  - {id: b, type: tcp, address: "db:http"}
  - {id: c, type: tls, address: "example.com:0"}
  - {id: d, type: dns, query: example.com, resolver: "1.1.1.1:x"}
  - {id: e, type: icmp, host: "h:22"}
`,
			want: []string{
				`sitrep.yaml:2:33: address: "db" is not host:port; write e.g. db.internal:5432`,
				`sitrep.yaml:3:33: address: "db:http": port "http" is not a number from 1 to 65535; write e.g. db.internal:5432`,
				`sitrep.yaml:4:33: address: "example.com:0": port "0" is not a number from 1 to 65535; write e.g. example.com:443`,
				`sitrep.yaml:5:54: resolver: "1.1.1.1:x": port "x" is not a number from 1 to 65535; write e.g. 1.1.1.1:53`,
				`sitrep.yaml:6:31: host: "h:22" is not a host name or address (ping has no ports); write e.g. 192.0.2.10 or example.com`,
			},
		},
		{
			name: "tls thresholds",
			src:  "monitors:\n  - {id: a, type: tls, address: x, warn_before: 2d}\n  - {id: b, type: tls, address: x, down_before: 30d}\n",
			want: []string{
				"sitrep.yaml:2:49: down_before: 3d is not shorter than warn_before 2d; the monitor should warn before it goes down",
				"sitrep.yaml:3:49: down_before: 4w2d is not shorter than warn_before 3w; the monitor should warn before it goes down",
			},
		},
		{
			name: "heartbeat problems",
			src: `monitors:
  - id: a
    type: heartbeat
    every: 1h
    interval: 1m
    token: short
    max_shrink: 150%
  - {id: b, type: heartbeat, every: 1h, token: "has spaces in it, too many"}
`,
			want: []string{
				"sitrep.yaml:5:5: interval: not for heartbeat monitors, which wait for pings; set every and grace instead",
				"sitrep.yaml:6:12: token: is 5 characters long; use at least 16 so that it cannot be guessed",
				`sitrep.yaml:7:17: max_shrink: "150%" is not between 0 and 1 (exclusive); write e.g. 0.5 or 50%`,
				"sitrep.yaml:8:48: token: may contain only A-Z a-z 0-9 - and _, as it goes in a URL",
			},
		},
		{
			name: "duplicate heartbeat tokens",
			src:  "monitors:\n  - {id: a, type: heartbeat, every: 1h, token: abcdefghijklmnop}\n  - {id: b, type: heartbeat, every: 1h, token: abcdefghijklmnop}\n",
			want: []string{"sitrep.yaml:3:48: token: the same token is already used at sitrep.yaml:2:48; each heartbeat needs its own"},
		},
		{
			name: "locations and quorum",
			src:  "location: Oslo\nmonitors:\n  - {id: a, type: tcp, address: 'h:1', locations: [oslo, oslo], quorum: 3}\n",
			want: []string{
				`sitrep.yaml:1:11: location: must start with a lower-case letter or digit`,
				`sitrep.yaml:3:51: locations: "oslo" is listed twice`,
				"sitrep.yaml:3:73: quorum: 3 is more than the 2 locations listed; use at most 2, or 0 for a majority",
			},
		},
		{
			name: "storage drivers",
			src:  "storage:\n  driver: postgres\n  path: x.db\n",
			want: []string{
				"sitrep.yaml:2:11: storage: driver postgres needs url, e.g. url: ${DATABASE_URL}",
				"sitrep.yaml:3:3: path: only for driver sqlite; postgres is reached through url",
			},
		},
		{
			name: "storage url for sqlite",
			src:  "storage: {url: 'postgres://x'}\n---\n# an empty document after --- is fine\n",
			want: []string{"sitrep.yaml:1:11: url: only for driver postgres; for sqlite set path, or set driver: postgres"},
		},
		{
			name: "not a postgres url",
			src:  "storage: {driver: postgres, url: 'mysql://u:secret@h/db'}\n",
			want: []string{"sitrep.yaml:1:34: url: not a PostgreSQL URL; write postgres://user@host:5432/dbname"},
		},
		{
			name: "unset variable",
			src:  "monitors:\n  - id: a\n    type: http\n    url: https://${HOST}/x\n    headers: {A: \"${TOKEN:-}\", B: \"${1X}\", C: \"${OPEN\"}\n",
			want: []string{
				"sitrep.yaml:4:18: environment variable HOST is not set; set it or write ${HOST:-default}",
				`sitrep.yaml:5:35: ${1X}: "1X" is not a variable name; use letters, digits and _, or write $${ for a literal ${`,
				"sitrep.yaml:5:47: unclosed ${; write ${VAR} or ${VAR:-default}, or $${ for a literal ${",
			},
		},
		{
			name: "a mistake in a merged anchor is reported once",
			src:  "x-a: &a {type: tcp, adress: 'h:1'}\nmonitors:\n  - {<<: *a, id: a}\n  - {<<: *a, id: b}\n",
			want: []string{
				`sitrep.yaml:1:21: unknown key "adress" for tcp monitors; did you mean address?`,
				"sitrep.yaml:3:5: missing required key address for tcp monitors, e.g. address: db.internal:5432",
				"sitrep.yaml:4:5: missing required key address for tcp monitors, e.g. address: db.internal:5432",
			},
		},
		{
			name: "null monitor entry",
			src:  "monitors:\n  -\n",
			want: []string{"sitrep.yaml:2:4: monitors: each entry must be a mapping with at least id and type, got nothing"},
		},
		{
			name: "merge of a scalar",
			src:  "x-a: &a 1\nmonitors:\n  - {<<: *a, id: a, type: tcp, address: 'h:1'}\n",
			want: []string{"sitrep.yaml:3:6: <<: expected an alias of a mapping such as *defaults, got \"1\""},
		},
		{
			name: "unknown anchor",
			src:  "x-a: 1\nmonitors:\n  - <<: *nope\n",
			want: []string{"sitrep.yaml:3:9: invalid YAML: unknown anchor 'nope' referenced"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseEnv(tt.src, tt.env)
			if err == nil {
				t.Fatalf("parse succeeded (%+v), want errors:\n%s", cfg, strings.Join(tt.want, "\n"))
			}
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error is %T, want *Errors: %v", err, err)
			}
			if got, want := err.Error(), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("errors\n got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
