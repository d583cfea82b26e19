package config

import (
	"bytes"
	"fmt"
	"strings"
)

// reference renders docs/configuration.md from the field tables. A golden
// test keeps the committed file in step: `go test ./internal/config -run
// TestDocs -update` rewrites it.
func reference() []byte {
	var b bytes.Buffer
	b.WriteString(docsIntro)
	for _, sec := range newSpec().sections() {
		fmt.Fprintf(&b, "\n## `%s`\n\n%s\n\n", sec.Path, sec.Doc)
		b.WriteString("| Key | Type | Default | Description |\n|---|---|---|---|\n")
		for _, f := range sec.Fields {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Key, docType(f), docDefault(f), cell(docDescription(f)))
		}
	}
	b.WriteString(docsExample)
	return b.Bytes()
}

func docType(f field) string {
	if f.Kind == kindEnum {
		vals := make([]string, len(f.Enum))
		for i, e := range f.Enum {
			vals[i] = "`" + e + "`"
		}
		return strings.Join(vals, " \\| ")
	}
	return f.Kind.typeName()
}

func docDefault(f field) string {
	switch {
	case f.Required:
		return "**required**"
	case f.Default != "":
		return "`" + f.Default + "`"
	case f.DefaultDoc != "":
		return cell(f.DefaultDoc)
	}
	return "—"
}

func docDescription(f field) string {
	d := f.Doc
	switch {
	case f.Min != "" && f.Max != "":
		d += fmt.Sprintf(" From %s to %s.", f.Min, f.Max)
	case f.Min != "":
		d += fmt.Sprintf(" At least %s.", f.Min)
	case f.Max != "":
		d += fmt.Sprintf(" At most %s.", f.Max)
	}
	return d
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", "\\|"), "\n", " ")
}

const docsIntro = `# Configuration reference

<!-- Generated from internal/config/sections.go by
     go test ./internal/config -run TestDocs -update
     Edit the field tables there, not this file. -->

sitrep reads one YAML file (` + "`sitrep.yaml`" + `, or ` + "`--config`" + ` / ` + "`SITREP_CONFIG`" + `) that declares what to
watch and how. It can be reloaded without a restart. Started without ` + "`--config`" + ` and without a
` + "`sitrep.yaml`" + `, sitrep writes a commented starter file that watches sitrep itself. ` + "`sitrep check`" + `
validates a file, and ` + "`sitrep config schema`" + ` prints a JSON Schema of it for editor completion.

Every problem in the file is reported at once, each as ` + "`FILE:LINE:COL: what is wrong; what would be valid`" + `:

` + "```" + `
sitrep.yaml:14:5: unknown key "intervall" for tcp monitors; did you mean interval?
sitrep.yaml:21:15: interval: must be at least 1s, got 0s
` + "```" + `

## Values

- **Durations** are Go durations plus days and weeks: ` + "`500ms`, `30s`, `2m`, `1h30m`, `21d`, `1w2d`" + `.
  A number without a unit is an error, so ` + "`30`" + ` never silently means nanoseconds.
- **Sizes** are bytes (` + "`1048576`" + `) or a number with a unit, case-insensitive: ` + "`KB`, `MB`, `GB`, `TB`" + ` and the
  bare ` + "`K`, `M`, `G`, `T`" + ` count in thousands (as disks are sold); ` + "`KiB`, `MiB`, `GiB`, `TiB`" + ` in 1024s.
- **Fractions** are written ` + "`0.5`" + ` or ` + "`\"50%\"`" + `.
- **Environment variables**: ` + "`${VAR}`" + ` anywhere in a value is replaced by the variable, and
  ` + "`${VAR:-default}`" + ` falls back to ` + "`default`" + ` when it is unset. An unset variable without a default is an
  error at its position. ` + "`$${`" + ` writes a literal ` + "`${`" + `. An unquoted reference such as ` + "`count: ${N}`" + ` is
  read as YAML would read the text put there (a number here); quote it to keep a string.
- **Relative paths** (` + "`storage.path`, `ca_file`" + `) are relative to the directory of the configuration file,
  not to the directory sitrep was started in.
- **Anchors and merge keys** work as in YAML; define shared parts under a top-level key starting with ` + "`x-`" + `,
  which sitrep ignores, and merge them with ` + "`<<: *name`" + `.
- ` + "`key:`" + ` with no value means the key's default.
`

const docsExample = `
## Example

` + "```yaml" + `
location: oslo
public_url: https://status.example.com
storage:
  budget: 2GiB
defaults:
  interval: 30s
monitors:
  - id: web
    name: Website
    type: http
    url: https://example.com/
    expect:
      status: 2xx
      body_contains: Welcome
  - id: api-health
    type: http
    url: https://api.example.com/healthz
    headers: {Authorization: "Bearer ${API_TOKEN}"}
    expect:
      json:
        $.db: up
        $.queue.depth: "< 100"
        $.services[*].status: "!= down"
      degraded_above: 2s
  - id: backup
    type: heartbeat
    every: 1d
    grace: 2h
    token: ${BACKUP_TOKEN}
    max_shrink: 50%
components:
  - {id: website, name: Website, group: Oslo data centre, monitors: [web]}
  - id: api
    name: API
    group: Oslo data centre
    monitors: [api-health]
    rule: {some_down: major_outage}
    incidents: {auto_open_after: 5m}
  - {id: backups, name: Nightly backups, group: Operations, monitors: [backup], hidden_until_degraded: true}
pages:
  - slug: main
    title: Example status
    groups: [Oslo data centre]
    time_zone: Europe/Oslo
    branding: {name: Example, accent: "#0055aa", links: [{title: Help, url: "https://help.example.com/"}]}
    domain: status.example.com
  - {slug: ops, title: Operations, groups: [Operations, Oslo data centre], password: "${OPS_PASSWORD}"}
incidents: {auto_open_after: 2m, auto_resolve_after: off, nudge_after: 30m}
maintenance: {reminders: [24h, 1h]}
` + "```" + `
`
