package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sitrep"
)

var update = flag.Bool("update", false, "rewrite docs/configuration.md from the field tables")

const docsPath = "../../docs/configuration.md"

// TestDocs keeps docs/configuration.md generated from the field tables.
func TestDocs(t *testing.T) {
	got := reference()
	if *update {
		if err := os.MkdirAll(filepath.Dir(docsPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(docsPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatalf("%v; run go test ./internal/config -run TestDocs -update", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale; run go test ./internal/config -run TestDocs -update", docsPath)
	}
}

// TestDocsExample checks that the example at the end of the reference parses.
func TestDocsExample(t *testing.T) {
	m := regexp.MustCompile("(?s)## Example\n\n```yaml\n(.*?)```").FindSubmatch(reference())
	if m == nil {
		t.Fatal("no example in the reference")
	}
	env := map[string]string{"API_TOKEN": "t", "BACKUP_TOKEN": "abcdefghijklmnopqrstuvwxyz", "OPS_PASSWORD": "p"}
	if _, err := parseEnv(string(m[1]), env); err != nil {
		t.Errorf("example does not parse:\n%v", err)
	}
}

// TestTableDefaults decodes every documented default and bound, so that a
// typo in the tables fails here rather than in mustDefault at run time.
func TestTableDefaults(t *testing.T) {
	for _, sec := range newSpec().sections() {
		for _, f := range sec.Fields {
			t.Run(sec.Path+"/"+f.Key, func(t *testing.T) {
				texts := []string{f.Default, f.Min, f.Max}
				if f.Kind == kindDurations {
					texts[0] = "" // YAML list text, decoded by mustDefault below
				}
				for _, text := range texts {
					if text == "" {
						continue
					}
					if _, problem := scalarValue(itemField(f), text); problem != "" && f.Kind != kindStatusList {
						t.Errorf("%q: %s", text, problem)
					}
				}
				if f.Default != "" {
					_ = mustDefault(f)
				}
				if f.Required && f.Example == "" {
					t.Errorf("required field has no Example for its message")
				}
				if f.Doc == "" {
					t.Errorf("field has no Doc")
				}
			})
		}
	}
}

func TestSchema(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(Schema(), &schema); err != nil {
		t.Fatalf("Schema() is not valid JSON: %v", err)
	}
	if schema["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v", schema["$schema"])
	}
	// Every key of every section appears as a property somewhere.
	props := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if p, ok := x["properties"].(map[string]any); ok {
				for k := range p {
					props[k] = true
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(schema)
	for _, sec := range newSpec().sections() {
		for _, f := range sec.Fields {
			if !props[f.Key] {
				t.Errorf("schema lacks %s of %s", f.Key, sec.Path)
			}
		}
	}
	// The monitor definition switches on type for each of them.
	defs := schema["$defs"].(map[string]any)["monitor"].(map[string]any)
	if n := len(defs["allOf"].([]any)); n != len(newSpec().types) {
		t.Errorf("monitor schema has %d type cases, want %d", n, len(newSpec().types))
	}
}

func TestStarter(t *testing.T) {
	tests := []struct{ listen, url string }{
		{":8080", "http://localhost:8080/healthz"},
		{"127.0.0.1:9000", "http://127.0.0.1:9000/healthz"},
		{"[::1]:9000", "http://[::1]:9000/healthz"},
		{"0.0.0.0:80", "http://localhost:80/healthz"},
	}
	for _, tt := range tests {
		t.Run(tt.listen, func(t *testing.T) {
			cfg, err := parseEnv(string(Starter(tt.listen)), nil)
			if err != nil {
				t.Fatalf("starter does not parse:\n%v", err)
			}
			if len(cfg.Monitors) != 1 || cfg.Monitors[0].HTTP == nil || cfg.Monitors[0].HTTP.URL != tt.url {
				t.Fatalf("starter monitors = %+v, want one http monitor of %s", cfg.Monitors, tt.url)
			}
			// The starter says its incident settings are the defaults.
			if cfg.Incidents != sitrep.DefaultIncidentAutomation() || !slices.Equal(cfg.MaintenanceReminders, []time.Duration{24 * time.Hour, time.Hour}) {
				t.Errorf("starter incidents %+v, reminders %v; want the defaults", cfg.Incidents, cfg.MaintenanceReminders)
			}
		})
	}
	t.Run("examples", func(t *testing.T) {
		// With every example uncommented the file still parses, and has a
		// monitor of every type.
		src := strings.ReplaceAll(string(Starter(":8080")), "\n#-", "\n")
		env := map[string]string{"API_TOKEN": "t", "BACKUP_TOKEN": "abcdefghijklmnopqrstuvwxyz"}
		cfg, err := parseEnv(src, env)
		if err != nil {
			t.Fatalf("starter with examples does not parse:\n%v", err)
		}
		seen := map[string]bool{}
		for _, m := range cfg.Monitors {
			seen[string(m.Type)] = true
		}
		for _, typ := range monitorTypeNames() {
			if !seen[typ] {
				t.Errorf("starter has no %s example", typ)
			}
		}
		if len(cfg.Components) == 0 || len(cfg.Pages) == 0 {
			t.Errorf("starter has %d components and %d pages, want examples of both", len(cfg.Components), len(cfg.Pages))
		}
	})
}
