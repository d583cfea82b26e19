package config

import (
	"errors"
	"strings"
	"testing"
)

// TestStatusErrors checks the messages about components, pages and the
// incident and maintenance settings.
func TestStatusErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		env  map[string]string
		want []string
	}{
		{
			name: "component ids",
			src: `components:
  - {id: Courses, group: G}
  - {id: a, group: G}
  - {id: a, group: G}
  - {name: x, group: G}
`,
			want: []string{
				`sitrep.yaml:2:10: id: "Courses" must start with a lower-case letter or digit`,
				`sitrep.yaml:4:10: id: "a" is already the id of the component at sitrep.yaml:3:10; ids must be unique`,
				"sitrep.yaml:5:5: missing required key id in components, e.g. id: courses-oslo",
			},
		},
		{
			name: "undeclared monitors",
			src: statusMonitors + `components:
  - {id: courses-oslo, group: G, monitors: [courses-web-oslo, db-osl, zzz, courses-web-oslo]}
  - {id: b, group: G, monitors: nope}
`,
			want: []string{
				`sitrep.yaml:7:63: component courses-oslo: monitor "db-osl" is not declared; did you mean db-oslo?`,
				`sitrep.yaml:7:71: component courses-oslo: monitor "zzz" is not declared; add it under monitors or fix the id`,
				`sitrep.yaml:7:76: monitors: "courses-web-oslo" is listed twice`,
				`sitrep.yaml:8:33: component b: monitor "nope" is not declared; add it under monitors or fix the id`,
			},
		},
		{
			name: "a monitor with problems is still declared",
			src:  "monitors:\n  - {id: web, type: http, url: ftp://x}\ncomponents:\n  - {id: a, group: G, monitors: [web]}\n",
			want: []string{`sitrep.yaml:2:32: url: "ftp://x" is not an http or https URL; write e.g. https://example.com/healthz`},
		},
		{
			name: "component keys",
			src: `components:
  - id: a
    group: " "
    monitor: [x]
    rule: {any_degraded: degraded, some_down: down, all_down: under_maintenance}
    incidents: {auto_open_after: 0s, nudge_afer: 1m}
`,
			want: []string{
				"sitrep.yaml:3:12: group: must not be empty; name the region or portal, e.g. group: Oslo data centre",
				`sitrep.yaml:4:5: unknown key "monitor" in components; did you mean monitors?`,
				`sitrep.yaml:5:26: any_degraded: unknown value "degraded"; valid: operational, degraded_performance, partial_outage, major_outage`,
				`sitrep.yaml:5:47: some_down: unknown value "down"; valid: operational, degraded_performance, partial_outage, major_outage`,
				`sitrep.yaml:5:63: all_down: unknown value "under_maintenance"; valid: operational, degraded_performance, partial_outage, major_outage`,
				`sitrep.yaml:6:34: auto_open_after: "0s" is ambiguous; write off to switch this off, or a duration like 5m`,
				`sitrep.yaml:6:38: unknown key "nudge_afer" in incidents; did you mean nudge_after?`,
			},
		},
		{
			name: "rule status typo",
			src:  "components:\n  - {id: a, group: G, rule: {some_down: major-outage}}\n",
			want: []string{`sitrep.yaml:2:41: some_down: unknown value "major-outage"; did you mean major_outage? valid: operational, degraded_performance, partial_outage, major_outage`},
		},
		{
			name: "rule milder when all are down",
			src:  "components:\n  - {id: a, group: G, rule: {all_down: degraded_performance}}\n  - {id: b, group: G, rule: {some_down: major_outage, all_down: partial_outage}}\n",
			want: []string{
				"sitrep.yaml:2:40: all_down: all_down degraded_performance is milder than some_down partial_outage; every monitor down must be at least as bad as some down",
				"sitrep.yaml:3:65: all_down: all_down partial_outage is milder than some_down major_outage; every monitor down must be at least as bad as some down",
			},
		},
		{
			name: "components not a list",
			src:  "components:\n  courses: {group: G}\n---\n",
			want: []string{`sitrep.yaml:2:3: components: expected a list, each entry starting with "- ", got mapping`},
		},
		{
			name: "component entry not a mapping",
			src:  "components:\n  - courses\n  -\n",
			want: []string{
				`sitrep.yaml:2:5: components: each entry must be a mapping, got "courses"`,
				"sitrep.yaml:3:4: components: each entry must be a mapping, got nothing",
			},
		},
		{
			name: "page slugs",
			src: `components: [{id: a, group: G}]
pages:
  - {slug: Main}
  - {slug: api}
  - {slug: main}
  - {slug: main}
  - {slug: -x}
  - {slug: history.atom}
  - {title: No slug}
`,
			want: []string{
				`sitrep.yaml:3:12: slug: "Main" is not a slug; use lower-case letters, digits and -, starting with a letter or digit, e.g. main`,
				`sitrep.yaml:4:12: slug: "api" is taken by sitrep's own /api route; choose another, e.g. api-status`,
				`sitrep.yaml:6:12: slug: "main" is already the slug of the page at sitrep.yaml:5:12; slugs must be unique`,
				`sitrep.yaml:7:12: slug: "-x" is not a slug; use lower-case letters, digits and -, starting with a letter or digit, e.g. main`,
				`sitrep.yaml:8:12: slug: "history.atom" is taken by sitrep's own /history.atom route; choose another, e.g. history-atom-status`,
				"sitrep.yaml:9:5: missing required key slug in pages, e.g. slug: main",
			},
		},
		{
			name: "page groups",
			src: `components:
  - {id: a, group: Oslo data centre}
  - {id: b, group: US data centre}
pages:
  - {slug: main, groups: [Oslo datacentre, Asia, US data centre, US data centre]}
`,
			want: []string{
				`sitrep.yaml:5:27: groups: no component declares group "Oslo datacentre"; did you mean Oslo data centre?`,
				`sitrep.yaml:5:44: groups: no component declares group "Asia"; declared: Oslo data centre, US data centre`,
				`sitrep.yaml:5:66: groups: "US data centre" is listed twice`,
			},
		},
		{
			name: "page groups without components",
			src:  "pages:\n  - {slug: main, groups: Oslo}\n",
			want: []string{`sitrep.yaml:2:26: groups: no component declares group "Oslo", nor any other; declare components with group: Oslo`},
		},
		{
			name: "time zones",
			src:  "pages:\n  - {slug: a, time_zone: Europe/Olso}\n  - {slug: b, time_zone: Local}\n  - {slug: c, time_zone: ''}\n",
			want: []string{
				`sitrep.yaml:2:26: time_zone: unknown time zone "Europe/Olso"; use an IANA name like Europe/Oslo`,
				`sitrep.yaml:3:26: time_zone: "Local" depends on the machine sitrep runs on; use an IANA name like Europe/Oslo`,
				`sitrep.yaml:4:26: time_zone: unknown time zone ""; use an IANA name like Europe/Oslo`,
			},
		},
		{
			name: "branding",
			src: `pages:
  - slug: main
    title: ""
    branding:
      logo: /logo.svg
      accent: "#05a"
      links:
        - {title: Help, url: "mailto:help@example.com"}
        - {url: "https://x/"}
        - {title: " ", url: "https://"}
  - slug: b
    branding:
      accent: #0055aa
`,
			want: []string{
				"sitrep.yaml:3:12: title: must not be empty, e.g. title: Example status",
				`sitrep.yaml:5:13: logo: "/logo.svg" is not an http or https URL; write e.g. https://example.com/logo.svg`,
				`sitrep.yaml:6:15: accent: "#05a" is not a colour written #rrggbb; write e.g. accent: "#0055aa"`,
				`sitrep.yaml:8:30: url: "mailto:help@example.com" is not an http or https URL; write e.g. https://help.example.com/`,
				"sitrep.yaml:9:11: missing required key title in links, e.g. title: Help",
				"sitrep.yaml:10:19: title: must not be empty, e.g. title: Help",
				`sitrep.yaml:10:29: url: "https://" has no host; write e.g. https://help.example.com/`,
				`sitrep.yaml:13:7: accent: the colour was read as a YAML comment; quote it: accent: "#0055aa"`,
			},
		},
		{
			name: "domains",
			src: `pages:
  - {slug: a, domain: status.example.com}
  - {slug: b, domain: STATUS.example.com}
  - {slug: c, domain: "https://status.example.com/"}
  - {slug: d, domain: "status.example.com:8443"}
  - {slug: e, domain: "-bad.example.com"}
  - {slug: f, domain: "under_score.example"}
`,
			want: []string{
				`sitrep.yaml:3:23: domain: "status.example.com" is already the domain of the page at sitrep.yaml:2:23; a Host can choose one page only`,
				`sitrep.yaml:4:23: domain: "https://status.example.com/" is not a host name; write the name only, without scheme or path, e.g. status.example.com`,
				`sitrep.yaml:5:23: domain: "status.example.com:8443" is not a host name; leave out the port, e.g. status.example.com`,
				`sitrep.yaml:6:23: domain: "-bad.example.com" is not a host name; use letters, digits, - and dots, e.g. status.example.com`,
				`sitrep.yaml:7:23: domain: "under_score.example" is not a host name; use letters, digits, - and dots, e.g. status.example.com`,
			},
		},
		{
			name: "password and export_dir",
			src:  "pages:\n  - {slug: a, password: \"${PW:-}\", export_dir: /srv/a}\n  - {slug: b, password: \"${NOPE}\", export_dir: /srv/a}\n",
			want: []string{
				"sitrep.yaml:2:25: password: is empty; set a password, or remove the key for a public page",
				"sitrep.yaml:3:25: environment variable NOPE is not set; set it or write ${NOPE:-default}",
				`sitrep.yaml:3:48: export_dir: "/srv/a" is already the export_dir of the page at sitrep.yaml:2:48; each page needs its own`,
			},
		},
		{
			name: "public url",
			src:  "public_url: status.example.com\n",
			want: []string{`sitrep.yaml:1:13: public_url: "status.example.com" is not an http or https URL; write e.g. https://status.example.com`},
		},
		{
			name: "public url with a query",
			src:  "public_url: https://status.example.com/?a=1\n",
			want: []string{`sitrep.yaml:1:13: public_url: "https://status.example.com/?a=1" has a query or fragment; links are made by appending paths, so write e.g. https://status.example.com`},
		},
		{
			name: "incident settings",
			src:  "incidents: {auto_open_after: 0, auto_resolve_after: never, nudge_after: -5m}\n",
			want: []string{
				`sitrep.yaml:1:30: auto_open_after: "0" is ambiguous; write off to switch this off, or a duration like 5m`,
				`sitrep.yaml:1:53: auto_resolve_after: expected a duration like 5m, or off, got "never"`,
				"sitrep.yaml:1:73: nudge_after: must be at least 1s, got -5m",
			},
		},
		{
			name: "reminders",
			src:  "maintenance:\n  reminders: [1h, 0s, 24h, soon, 1h, {a: 1}]\n",
			want: []string{
				"sitrep.yaml:2:19: reminders: must be at least 1s, got 0s",
				`sitrep.yaml:2:28: reminders: expected a duration like 30s or 2m, got "soon"`,
				"sitrep.yaml:2:38: reminders: each entry must be a duration like 1h, got mapping",
			},
		},
		{
			name: "repeated reminder",
			src:  "maintenance:\n  reminders: [1h, 24h, 1h]\n",
			want: []string{"sitrep.yaml:2:24: reminders: 1h is already listed at sitrep.yaml:2:15; each reminder is sent once"},
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
