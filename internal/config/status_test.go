package config

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"sitrep"
)

const statusMonitors = `monitors:
  - {id: courses-web-oslo, type: tcp, address: 'h:1'}
  - {id: db-oslo, type: tcp, address: 'h:2'}
  - {id: ws-oslo, type: tcp, address: 'h:3'}
  - {id: courses-web-us, type: tcp, address: 'h:4'}
`

func TestParseComponentsAndPages(t *testing.T) {
	src := `public_url: https://status.example.com/
incidents: {auto_open_after: 5m, auto_resolve_after: 1h, nudge_after: "off"}
maintenance: {reminders: [1h, 3d, 24h]}
` + statusMonitors + `components:
  - id: courses-oslo
    name: Courses
    group: Oslo data centre
    monitors: [courses-web-oslo, db-oslo]
    description: Lessons and assignments
    rule: {some_down: major_outage}
    incidents: {auto_open_after: 5m, auto_resolve_after: off}
  - {id: messaging-oslo, name: Real-time messaging, group: Oslo data centre, monitors: ws-oslo, hidden_until_degraded: true}
  - {id: courses-us, group: US data centre, monitors: [courses-web-us]}
pages:
  - slug: main
    title: Example Learning status
    groups: [US data centre, Oslo data centre]
    time_zone: Europe/Oslo
    branding:
      name: Example Learning
      logo: https://example.com/logo.svg
      accent: "#0055aa"
      links: [{title: Help, url: "https://help.example.com/"}]
    domain: Status.Example.com
    password: "${PAGE_PASSWORD}"
    export_dir: export/main
  - slug: us
    groups: US data centre
`
	cfg, err := parseEnv(src, map[string]string{"PAGE_PASSWORD": "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	five, off := 5*time.Minute, time.Duration(0)
	dir, _ := filepath.Abs(".")
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"public url without trailing slash", cfg.PublicURL, "https://status.example.com"},
		{"incidents", cfg.Incidents, sitrep.IncidentAutomation{AutoOpenAfter: 5 * time.Minute, AutoResolveAfter: time.Hour}},
		{"reminders longest first", cfg.MaintenanceReminders, []time.Duration{3 * day, day, time.Hour}},
		{"component", cfg.Components[0], sitrep.Component{
			ID: "courses-oslo", Name: "Courses", Group: "Oslo data centre", Description: "Lessons and assignments",
			Monitors:   []string{"courses-web-oslo", "db-oslo"},
			Rule:       sitrep.ComponentRule{SomeDown: sitrep.StatusMajorOutage},
			Automation: &sitrep.AutomationOverride{AutoOpenAfter: &five, AutoResolveAfter: &off},
		}},
		{"single monitor, hidden", cfg.Components[1], sitrep.Component{
			ID: "messaging-oslo", Name: "Real-time messaging", Group: "Oslo data centre",
			Monitors: []string{"ws-oslo"}, HiddenUntilDegraded: true,
		}},
		{"name defaults to id", cfg.Components[2].Name, "courses-us"},
		{"per-component automation", cfg.Incidents.With(cfg.Components[0].Automation),
			sitrep.IncidentAutomation{AutoOpenAfter: 5 * time.Minute}},
		{"page", cfg.Pages[0], PageConfig{
			Page: sitrep.Page{
				Slug: "main", Title: "Example Learning status", Groups: []string{"US data centre", "Oslo data centre"},
				Branding: sitrep.Branding{Name: "Example Learning", LogoURL: "https://example.com/logo.svg", AccentColor: "#0055aa",
					Links: []sitrep.Link{{Title: "Help", URL: "https://help.example.com/"}}},
				TimeZone: "Europe/Oslo", Location: oslo, CustomDomain: "status.example.com", PasswordProtected: true,
			},
			Password: "s3cret", ExportDir: filepath.Join(dir, "export/main"),
		}},
		{"page defaults", cfg.Pages[1], PageConfig{Page: sitrep.Page{
			Slug: "us", Title: "Status", Groups: []string{"US data centre"}, Branding: sitrep.Branding{Name: "Status"},
			TimeZone: "UTC", Location: time.UTC,
		}}},
		{"declared pages are effective", cfg.EffectivePages(), cfg.Pages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got\n%+v\nwant\n%+v", tt.got, tt.want)
			}
		})
	}
}

func TestPageGroupsDefault(t *testing.T) {
	src := statusMonitors + `components:
  - {id: a, group: B, monitors: [db-oslo]}
  - {id: b, group: A}
  - {id: c, group: B}
pages:
  - {slug: all}
`
	cfg, err := parseEnv(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Pages[0].Groups, []string{"B", "A"}; !reflect.DeepEqual(got, want) {
		t.Errorf("groups = %q, want every group in first-seen order %q", got, want)
	}
	if cfg.Components[1].Monitors != nil || cfg.Components[1].Automation != nil || cfg.Components[1].Rule != (sitrep.ComponentRule{}) {
		t.Errorf("bare component = %+v, want no monitors, no override, the default rule", cfg.Components[1])
	}
}

func TestEffectivePages(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []PageConfig
	}{
		{"no components", "", nil},
		{"groups in first-seen order", "components:\n  - {id: a, group: Oslo}\n  - {id: b, group: US}\n  - {id: c, group: Oslo}\n",
			[]PageConfig{{Page: sitrep.Page{Slug: "main", Title: "Status", Groups: []string{"Oslo", "US"},
				Branding: sitrep.Branding{Name: "Status"}, TimeZone: "UTC", Location: time.UTC}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseEnv(tt.src, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.EffectivePages(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("EffectivePages() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct{ public, listen, want string }{
		{"https://status.example.com", ":8080", "https://status.example.com"},
		{"", ":8080", "http://localhost:8080"},
		{"", "0.0.0.0:80", "http://localhost:80"},
		{"", "127.0.0.1:9000", "http://127.0.0.1:9000"},
		{"", "[::1]:9000", "http://[::1]:9000"},
	}
	for _, tt := range tests {
		t.Run(tt.public+tt.listen, func(t *testing.T) {
			c := &Config{PublicURL: tt.public}
			if got := c.BaseURL(tt.listen); got != tt.want {
				t.Errorf("BaseURL(%q) = %q, want %q", tt.listen, got, tt.want)
			}
		})
	}
}

func TestAutomationOff(t *testing.T) {
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"off", 0},
		{"OFF", 0},
		{"90s", 90 * time.Second},
		{"1w", week},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			cfg, err := parseEnv("incidents: {nudge_after: "+tt.value+"}\n", nil)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Incidents.NudgeAfter != tt.want {
				t.Errorf("nudge_after = %v, want %v", cfg.Incidents.NudgeAfter, tt.want)
			}
		})
	}
}

func TestRemindersNone(t *testing.T) {
	cfg, err := parseEnv("maintenance: {reminders: []}\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.MaintenanceReminders) != 0 {
		t.Errorf("reminders = %v, want none", cfg.MaintenanceReminders)
	}
}
