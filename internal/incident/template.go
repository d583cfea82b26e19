package incident

import (
	"fmt"
	"strings"
	"text/template"
	"time"

	"sitrep"
)

// Templates are the texts automation writes, as Go text/template sources.
// Empty fields take the defaults from DefaultTemplates. Public texts are
// plain text; pages escape them like any text a person typed.
type Templates struct {
	// ComponentPhrase names one component ({{.Name}}, {{.Group}}, {{.ID}}).
	ComponentPhrase string
	// The rest see TemplateData.
	OpenTitle  string
	Open       string
	Monitoring string
	Relapse    string
	Resolved   string
	Nudge      string
	Reminder   string
	Start      string
	Complete   string
	Overrun    string
}

// DefaultTemplates returns the built-in texts.
func DefaultTemplates() Templates {
	return Templates{
		ComponentPhrase: `{{.Name}}{{with .Group}} in the {{.}}{{end}}`,
		OpenTitle:       `Problems with {{.Components}}`,
		Open:            `We are investigating problems with {{.Components}}.`,
		Monitoring:      `{{.Components}} {{if .Plural}}are{{else}}is{{end}} working again. We are monitoring the results.`,
		Relapse:         `We are seeing problems with {{.Components}} again and are investigating.`,
		Resolved:        `This incident has been resolved.`,
		Nudge:           `Customers have heard nothing about "{{.Title}}" for {{.Since}}. Post a public update.`,
		Reminder:        `Reminder: "{{.Title}}" begins in {{.Before}}, at {{.Start}}.`,
		Start:           `Scheduled maintenance is now in progress.`,
		Complete:        `The scheduled maintenance has been completed.{{if .Overrun}} It took {{.Actual}} instead of the planned {{.Planned}}.{{end}}`,
		Overrun:         `This maintenance is taking longer than planned. It was planned to end at {{.End}} and is still in progress; we will post an update when it is complete.`,
	}
}

// TemplateData is what the templates can use.
type TemplateData struct {
	Title      string
	Components string // the phrases joined: "A, B and C"
	Plural     bool   // more than one component
	Since      string // how long since the last public update
	Before     string // how long before a window starts
	Start, End string // a window's planned times in the configured zone
	Planned    string // planned and actual length of a window
	Actual     string
	Overrun    bool
}

type compiled struct {
	phrase, openTitle, open, monitoring, relapse, resolved, nudge, reminder, start, complete, overrun *template.Template
}

func compileTemplates(t Templates) (*compiled, error) {
	d := DefaultTemplates()
	pick := func(s, def string) string {
		if strings.TrimSpace(s) == "" {
			return def
		}
		return s
	}
	var c compiled
	var err error
	for _, x := range []struct {
		dst       **template.Template
		name, src string
	}{
		{&c.phrase, "component_phrase", pick(t.ComponentPhrase, d.ComponentPhrase)},
		{&c.openTitle, "open_title", pick(t.OpenTitle, d.OpenTitle)},
		{&c.open, "open", pick(t.Open, d.Open)},
		{&c.monitoring, "monitoring", pick(t.Monitoring, d.Monitoring)},
		{&c.relapse, "relapse", pick(t.Relapse, d.Relapse)},
		{&c.resolved, "resolved", pick(t.Resolved, d.Resolved)},
		{&c.nudge, "nudge", pick(t.Nudge, d.Nudge)},
		{&c.reminder, "reminder", pick(t.Reminder, d.Reminder)},
		{&c.start, "start", pick(t.Start, d.Start)},
		{&c.complete, "complete", pick(t.Complete, d.Complete)},
		{&c.overrun, "overrun", pick(t.Overrun, d.Overrun)},
	} {
		*x.dst, err = template.New(x.name).Option("missingkey=error").Parse(x.src)
		if err != nil {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, "templates."+x.name, "%v", err)
		}
		// Execute once with sample data so that a reference to a field that
		// does not exist fails at load, not during an outage.
		var sb strings.Builder
		var sample any = TemplateData{}
		if x.name == "component_phrase" {
			sample = sitrep.Component{}
		}
		if err := (*x.dst).Execute(&sb, sample); err != nil {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, "templates."+x.name, "%v", err)
		}
	}
	return &c, nil
}

// render executes a template that was checked at compile time; should it
// still fail, the error text stands in, which is visible but harmless.
func render(t *template.Template, data any) string {
	var sb strings.Builder
	if err := t.Execute(&sb, data); err != nil {
		return fmt.Sprintf("(template %s: %v)", t.Name(), err)
	}
	return strings.TrimSpace(sb.String())
}

// joinPhrases joins "A", "A and B", "A, B and C".
func joinPhrases(ps []string) string {
	switch len(ps) {
	case 0:
		return ""
	case 1:
		return ps[0]
	}
	return strings.Join(ps[:len(ps)-1], ", ") + " and " + ps[len(ps)-1]
}

// humanDuration writes d for people: "24 hours", "1 hour", "45 minutes",
// "3 h 20 min".
func humanDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	plural := func(n int, unit string) string {
		if n == 1 {
			return fmt.Sprintf("1 %s", unit)
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case h == 0:
		return plural(m, "minute")
	case m == 0:
		return plural(h, "hour")
	}
	return fmt.Sprintf("%d h %d min", h, m)
}
