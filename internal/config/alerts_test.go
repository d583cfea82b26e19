package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"sitrep"
)

const alertMonitors = `monitors:
  - {id: api, type: tcp, address: "127.0.0.1:1"}
  - {id: db-main, type: tcp, address: "127.0.0.1:2"}
components:
  - {id: courses, group: G, monitors: [api]}
`

func TestParseAlerting(t *testing.T) {
	src := alertMonitors + `routes:
  - match: {monitors: ["*"]}
    channels: [oncall-email, ops-hook]
    escalation: default
    repeat_every: 30m
  - id: data
    match: {monitors: ["db-*"], components: [courses], labels: {team: data}, severity: [down, degraded]}
    channels: [data-chat]
    group_by: monitor
escalation_policies:
  - id: default
    levels:
      - targets: [{channel: pager}]
      - {after: 10m, targets: [{schedule: primary}, {channel: cto}]}
schedules:
  - id: primary
    time_zone: Europe/Oslo
    rotations:
      - name: weekly
        members: [{name: alice, channel: alice-sms}, {name: bob, channel: bob-sms}]
      - name: daily
        members: [{name: carol, channel: carol-sms}]
        length: 1d
        handoff: "08:30"
        start: 2025-03-01
    overrides:
      - {from: "2025-12-24 09:00", to: "2025-12-27 09:00", member: bob, rotation: weekly}
channels:
  - {id: oncall-email, type: webhook, url: "https://hooks.example.com/oncall-email"}
  - {id: ops-hook, type: webhook, url: "https://hooks.example.com/ops-hook"}
  - {id: data-chat, type: webhook, url: "https://hooks.example.com/data-chat"}
  - {id: pager, type: webhook, url: "https://hooks.example.com/pager"}
  - {id: cto, type: webhook, url: "https://hooks.example.com/cto"}
  - {id: alice-sms, type: webhook, url: "https://hooks.example.com/alice-sms"}
  - {id: bob-sms, type: webhook, url: "https://hooks.example.com/bob-sms"}
  - {id: carol-sms, type: webhook, url: "https://hooks.example.com/carol-sms"}
`
	cfg, err := parseEnv(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	oslo, _ := time.LoadLocation("Europe/Oslo")
	monday := time.Monday
	wantRoutes := []sitrep.AlertRoute{
		{ID: "route-1", Monitors: []string{"*"}, Severities: []sitrep.State{sitrep.StateDown},
			Channels: []string{"oncall-email", "ops-hook"}, Escalation: "default", RepeatEvery: 30 * time.Minute, GroupBy: sitrep.GroupByComponent},
		{ID: "data", Monitors: []string{"db-*"}, Components: []string{"courses"}, Labels: map[string]string{"team": "data"},
			Severities: []sitrep.State{sitrep.StateDown, sitrep.StateDegraded}, Channels: []string{"data-chat"}, GroupBy: sitrep.GroupByMonitor},
	}
	if !reflect.DeepEqual(cfg.Routes, wantRoutes) {
		t.Errorf("Routes =\n%+v\nwant\n%+v", cfg.Routes, wantRoutes)
	}
	wantPolicies := []sitrep.EscalationPolicy{{ID: "default", Levels: []sitrep.EscalationLevel{
		{Targets: []sitrep.EscalationTarget{{Channel: "pager"}}},
		{After: 10 * time.Minute, Targets: []sitrep.EscalationTarget{{Schedule: "primary"}, {Channel: "cto"}}},
	}}}
	if !reflect.DeepEqual(cfg.EscalationPolicies, wantPolicies) {
		t.Errorf("EscalationPolicies =\n%+v\nwant\n%+v", cfg.EscalationPolicies, wantPolicies)
	}
	wantSchedules := []sitrep.Schedule{{ID: "primary", TimeZone: oslo,
		Rotations: []sitrep.Rotation{
			{Name: "weekly", Members: []sitrep.OnCallMember{{Name: "alice", Channel: "alice-sms"}, {Name: "bob", Channel: "bob-sms"}},
				Length: 7 * 24 * time.Hour, Handoff: sitrep.Handoff{Weekday: &monday, Hour: 9}, Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
			{Name: "daily", Members: []sitrep.OnCallMember{{Name: "carol", Channel: "carol-sms"}},
				Length: 24 * time.Hour, Handoff: sitrep.Handoff{Hour: 8, Minute: 30}, Start: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)},
		},
		Overrides: []sitrep.Override{{From: time.Date(2025, 12, 24, 9, 0, 0, 0, oslo), To: time.Date(2025, 12, 27, 9, 0, 0, 0, oslo),
			Member: sitrep.OnCallMember{Name: "bob", Channel: "bob-sms"}, Rotation: "weekly"}},
	}}
	if !reflect.DeepEqual(cfg.Schedules, wantSchedules) {
		t.Errorf("Schedules =\n%+v\nwant\n%+v", cfg.Schedules, wantSchedules)
	}
}

func TestAlertingErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "routes",
			src: alertMonitors + `escalation_policies: [{id: default, levels: [{targets: [{channel: pager}]}]}]
routes:
  - match: {monitors: [apii, "db-[", "db-*"], components: [coruses], severity: [down, up]}
    escalation: defualt
  - {id: x, match: {labels: {a: b}}}
  - {id: x, channels: [c], group_by: region, repeat_every: 10s}
channels:
  - {id: c, type: webhook, url: "https://hooks.example.com/c"}
  - {id: pager, type: webhook, url: "https://hooks.example.com/pager"}
`,
			want: []string{
				`sitrep.yaml:8:24: monitors: "apii" is not declared; did you mean api?`,
				`sitrep.yaml:8:30: monitors: "db-[" is not a valid pattern; use * and ? as wildcards, e.g. "db-*"`,
				`sitrep.yaml:8:60: components: "coruses" is not declared; did you mean courses?`,
				`sitrep.yaml:8:87: severity: unknown state "up"; valid: down, degraded`,
				`sitrep.yaml:9:17: escalation: policy "defualt" is not declared; did you mean default?`,
				"sitrep.yaml:10:5: route x pages nobody; give it channels, an escalation policy, or both",
				`sitrep.yaml:11:10: id: "x" is already the id of the route at sitrep.yaml:10:10; it must be unique`,
				`sitrep.yaml:11:38: group_by: unknown value "region"; valid: component, monitor`,
				"sitrep.yaml:11:60: repeat_every: must be at least 1m, got 10s",
			},
		},
		{
			name: "undeclared channel",
			src: `channels: [{id: pager, type: webhook, url: "https://hooks.example.com/p"}]
routes: [{channels: [pagr]}]
`,
			want: []string{`sitrep.yaml:2:22: channel "pagr" is not declared; did you mean pager?`},
		},
		{
			name: "policies",
			src: `schedules: [{id: primary, rotations: [{name: r, members: [{name: a, channel: c}]}]}]
escalation_policies:
  - id: p
    levels:
      - {after: 5m, targets: [{channel: a, schedule: primary}]}
      - {after: 5m, targets: [{schedule: primray}]}
      - {after: 1m, targets: []}
  - {id: p, levels: []}
channels:
  - {id: a, type: webhook, url: "https://hooks.example.com/a"}
  - {id: c, type: webhook, url: "https://hooks.example.com/c"}
`,
			want: []string{
				"sitrep.yaml:5:17: after: the first level is paged when the alert triggers, so its after must be 0 (or left out)",
				"sitrep.yaml:5:31: targets: each target is exactly one of {channel: ID} or {schedule: ID}",
				"sitrep.yaml:6:17: after: 5m is not later than the level before (5m); levels escalate in order",
				`sitrep.yaml:6:42: schedule "primray" is not declared; did you mean primary?`,
				"sitrep.yaml:7:17: after: 1m is not later than the level before (5m); levels escalate in order",
				"sitrep.yaml:7:30: targets: must list at least one channel or schedule",
				`sitrep.yaml:8:10: id: "p" is already the id of the escalation policy at sitrep.yaml:3:9; it must be unique`,
				"sitrep.yaml:8:21: levels: must list at least one level, e.g. levels: [{targets: [{channel: pager}]}]",
			},
		},
		{
			name: "schedules",
			src: `schedules:
  - id: s
    time_zone: Mars/Olympus
    rotations:
      - {name: r, members: [{name: a, channel: c}, {name: a, channel: d}], length: 36h, handoff: "25:00"}
      - {name: r, members: [{name: b, channel: c}], length: 2d, handoff: "friday 09:00", start: soon}
      - {name: q, members: [{name: b, channel: c}], handoff: "fryday 09:00"}
    overrides:
      - {from: "2025-12-24 09:00", to: "2025-12-23", member: alcie}
      - {from: tomorrow, to: "2025-12-23T10:00:00Z", member: b, rotation: z}
channels:
  - {id: c, type: webhook, url: "https://hooks.example.com/c"}
  - {id: d, type: webhook, url: "https://hooks.example.com/d"}
`,
			want: []string{
				`sitrep.yaml:3:16: time_zone: unknown time zone "Mars/Olympus"; use an IANA name like Europe/Oslo`,
				`sitrep.yaml:5:59: name: "a" is listed twice in rotation r`,
				"sitrep.yaml:5:84: length: 1d12h is not a whole number of days; shifts hand over at the same wall-clock time",
				`sitrep.yaml:5:98: handoff: "25:00" is not a hand-off time; write HH:MM or a weekday and HH:MM, e.g. "monday 09:00"`,
				`sitrep.yaml:6:16: name: rotation "r" is declared twice in schedule s`,
				"sitrep.yaml:6:61: length: 2d is not a whole number of weeks, but handoff names a weekday; use 1w, 2w... or a handoff without weekday",
				`sitrep.yaml:6:97: start: "soon" is not a date like 2025-01-06`,
				`sitrep.yaml:7:62: handoff: "fryday" is not a weekday; use monday, tuesday, ... sunday`,
				"sitrep.yaml:9:40: to: 2025-12-23 is not after from (2025-12-24 09:00)",
				`sitrep.yaml:9:62: member: "alcie" is not a member of any rotation of schedule s; declared: a, b`,
				`sitrep.yaml:10:16: from: "tomorrow" is not a time; write "2025-12-24 09:00" (in the schedule's time zone) or RFC 3339`,
				`sitrep.yaml:10:75: rotation: "z" is not a rotation of schedule s; did you mean r?`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseEnv(tt.src, nil)
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

func TestAlertChannelRefs(t *testing.T) {
	src := `escalation_policies: [{id: p, levels: [{targets: [{channel: pagr}]}]}]
routes: [{channels: [oncall-email, nope], escalation: p}]
schedules: [{id: s, rotations: [{name: r, members: [{name: a, channel: a-sms}]}]}]
`
	p := &problems{file: "sitrep.yaml"}
	root := parseYAML(p, []byte(src))
	d := &decoder{p: p, budget: 100000}
	top := d.mapping(root.Content[0], newSpec().top, mappingOptions{where: "at the top level"})
	refs := d.alerting(top, &Config{})
	d.checkChannelRefs(refs, []string{"oncall-email", "pager", "a-sms"})
	var got []string
	for _, e := range p.list {
		got = append(got, e.Error())
	}
	want := []string{
		`sitrep.yaml:1:61: channel "pagr" is not declared; did you mean pager?`,
		`sitrep.yaml:2:36: channel "nope" is not declared; declared: oncall-email, pager, a-sms`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems\n got: %q\nwant: %q", got, want)
	}
}
