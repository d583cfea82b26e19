package subscribe

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"sitrep"
)

//go:embed templates
var templateFS embed.FS

// Both templates are parsed once here; a broken template fails the build's
// tests and the start, never a delivery.
var (
	textTmpl = texttemplate.Must(texttemplate.New("message.txt").ParseFS(templateFS, "templates/message.txt"))
	htmlTmpl = htmltemplate.Must(htmltemplate.New("message.html").ParseFS(templateFS, "templates/message.html"))
)

// view is what both templates render; every per-kind decision is made in
// Go so that the templates stay one layout.
type view struct {
	Brand      brandView
	Label      string // what happened: "New incident", "Maintenance started"…
	Title      string // the incident or maintenance title
	Body       string
	Facts      []sitrep.MessageField
	Items      []string // postmortem action items
	Link       string
	LinkText   string
	ManageURL  string
	StopURL    string
	Confirming bool
}

type brandView struct {
	Name, LogoURL, Accent, PageURL string
	Links                          []sitrep.Link
}

// Compose renders one delivery for its subscriber: plain text and HTML with
// the page's branding and time zone, a manage link, and a one-click
// unsubscribe link (RFC 8058 headers) in every message but the
// confirmation request. A subscriber who left since the expansion gets a
// PermanentError, which ends the delivery.
func (s *Service) Compose(ctx context.Context, ev sitrep.Event, d sitrep.Delivery) (sitrep.Message, error) {
	sub, err := s.store.Subscriber(ctx, d.SubscriberID)
	if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
		return sitrep.Message{}, &sitrep.PermanentError{Err: fmt.Errorf("subscriber %s has unsubscribed", d.SubscriberID)}
	}
	if err != nil {
		return sitrep.Message{}, fmt.Errorf("compose %s: %w", ev.Kind, err)
	}
	cat := s.cat.Load()
	p, err := cat.page(sub.Page)
	if err != nil {
		return sitrep.Message{}, &sitrep.PermanentError{Err: fmt.Errorf("compose %s: %w", ev.Kind, err)}
	}
	v := view{Brand: brandView{
		Name: p.Branding.Name, LogoURL: p.Branding.LogoURL, Accent: p.Branding.AccentColor,
		PageURL: p.url, Links: p.Branding.Links,
	}}
	if v.Brand.Name == "" {
		v.Brand.Name = p.Title
	}
	if v.Brand.Accent == "" {
		v.Brand.Accent = "#0b5fff"
	}
	m := sitrep.Message{Kind: ev.Kind, At: ev.At, IdempotencyKey: d.IdempotencyKey, Severity: "info"}
	if sub.Kind == sitrep.SubscriberWebhook {
		// Each subscriber verifies our signature with its own secret.
		m.Secret = sub.Secret
	}
	r := renderer{cat: cat, page: p, loc: p.Loc(), sub: sub, v: &v, m: &m}
	switch {
	case ev.Kind == sitrep.EventSubscriberConfirm:
		if sub.Confirmed {
			return sitrep.Message{}, &sitrep.PermanentError{Err: fmt.Errorf("subscriber %s is confirmed already", sub.ID)}
		}
		r.confirm(p.root + "/confirm/" + s.confirmToken(sub.ID, sub.ConfirmRequestedAt))
	case ev.IncidentID != "":
		inc, err := s.records.Incident(ctx, ev.IncidentID)
		if err != nil {
			return sitrep.Message{}, fmt.Errorf("compose %s: read incident %s: %w", ev.Kind, ev.IncidentID, err)
		}
		r.incident(ev, inc)
	case ev.MaintenanceID != "":
		mt, err := s.records.Maintenance(ctx, ev.MaintenanceID)
		if err != nil {
			return sitrep.Message{}, fmt.Errorf("compose %s: read maintenance %s: %w", ev.Kind, ev.MaintenanceID, err)
		}
		r.maintenance(ev, mt)
	default:
		return sitrep.Message{}, &sitrep.PermanentError{Err: fmt.Errorf("compose: subscribers are not told about %s events", ev.Kind)}
	}
	if !v.Confirming {
		token := s.manageToken(sub.ID)
		v.ManageURL = p.root + "/manage/" + token
		v.StopURL = p.root + "/unsubscribe/" + token
		unsub := "<" + v.StopURL + ">"
		if s.mailto != "" {
			unsub += ", <mailto:" + s.mailto + "?subject=unsubscribe%20" + sub.ID + ">"
		}
		m.Headers = map[string]string{
			"List-Unsubscribe":      unsub,
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		}
	}
	v.Title = oneLine(v.Title)
	m.Title = oneLine("[" + v.Brand.Name + "] " + v.Label)
	if v.Title != "" {
		m.Title += ": " + v.Title
	}
	m.URL = v.Link
	m.Fields = v.Facts
	var buf bytes.Buffer
	if err := textTmpl.Execute(&buf, &v); err != nil {
		return sitrep.Message{}, fmt.Errorf("compose %s: text: %w", ev.Kind, err)
	}
	m.Text = buf.String()
	buf.Reset()
	if err := htmlTmpl.Execute(&buf, &v); err != nil {
		return sitrep.Message{}, fmt.Errorf("compose %s: html: %w", ev.Kind, err)
	}
	m.HTML = buf.String()
	return m, nil
}

// oneLine keeps titles to one line: they become mail subjects, and a line
// break there would start a header of the sender's choosing.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}

// renderer fills a view and message for one kind of event.
type renderer struct {
	cat  *catalog
	page *pageInfo
	loc  *time.Location
	sub  *sitrep.Subscriber
	v    *view
	m    *sitrep.Message
}

func (r *renderer) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(r.loc).Format("Mon 2 Jan 2006 15:04 MST")
}

func (r *renderer) fact(name, value string) {
	if value != "" {
		r.v.Facts = append(r.v.Facts, sitrep.MessageField{Name: name, Value: value})
	}
}

func (r *renderer) confirm(link string) {
	r.v.Confirming = true
	r.v.Label = "Confirm your subscription"
	what := "all of " + r.page.Title
	if len(r.sub.Components) > 0 {
		names := make([]string, len(r.sub.Components))
		for i, c := range r.sub.Components {
			names[i] = r.cat.componentName(c)
		}
		what = strings.Join(names, ", ")
	}
	r.v.Body = "Someone, hopefully you, asked to receive status updates about " + what + " at " + r.sub.Address +
		".\n\nPlease confirm within 48 hours. If it was not you, ignore this message: nothing will be sent unless the link is opened."
	r.v.Link, r.v.LinkText = link, "Confirm subscription"
}

// names lists the affected components this page shows, with status.
func (r *renderer) names(comps []sitrep.AffectedComponent) string {
	var out []string
	for _, c := range comps {
		if !r.page.shows(c.ComponentID) {
			continue
		}
		n := r.cat.componentName(c.ComponentID)
		if c.Status != "" {
			n += " (" + label(string(c.Status)) + ")"
		}
		out = append(out, n)
	}
	return strings.Join(out, ", ")
}

func (r *renderer) incident(ev sitrep.Event, inc *sitrep.Incident) {
	v, m := r.v, r.m
	v.Title = inc.Title
	v.Link, v.LinkText = r.page.url+"/incidents/"+inc.ID, "View the incident"
	m.DedupKey = "incident:" + inc.ID
	m.Severity = severity(inc.Impact)
	u := inc.LastPublicUpdate()
	if ev.UpdateID != "" {
		if eu := findUpdate(inc, ev.UpdateID); eu != nil {
			u = eu
		}
	}
	if u != nil {
		v.Body = u.Message
	}
	started := inc.StartedAt
	if started.IsZero() {
		started = inc.CreatedAt
	}
	switch ev.Kind {
	case sitrep.EventIncidentOpened:
		v.Label = "New incident"
	case sitrep.EventIncidentResolved:
		v.Label = "Resolved"
		m.Severity, m.Resolve = "resolved", true
	case sitrep.EventPostmortemPublished:
		v.Label = "Postmortem"
		v.LinkText = "Read the postmortem"
		m.Severity = "info"
		if pm := inc.Postmortem; pm != nil {
			v.Body = pm.Summary
			r.fact("Root cause", pm.RootCause)
			r.fact("Impact", pm.Impact)
			for _, a := range pm.ActionItems {
				item := a.Title
				if !a.Due.IsZero() {
					item += " (due " + a.Due.In(r.loc).Format("2 Jan 2006") + ")"
				}
				if a.Done {
					item += " — done"
				}
				v.Items = append(v.Items, item)
			}
		}
	default:
		v.Label = "Update"
	}
	// The status as of the update the event is about, not as of now: a
	// delayed delivery still tells the story in order.
	status := inc.Status
	if u != nil && ev.Kind != sitrep.EventPostmortemPublished {
		status = u.Status
	}
	r.fact("Status", label(string(status)))
	if ev.Kind != sitrep.EventPostmortemPublished {
		r.fact("Impact", label(string(inc.Impact)))
	}
	r.fact("Affected", r.names(inc.Components))
	r.fact("Started", r.when(started))
	if !inc.ResolvedAt.IsZero() && (ev.Kind == sitrep.EventIncidentResolved || ev.Kind == sitrep.EventPostmortemPublished) {
		r.fact("Resolved", r.when(inc.ResolvedAt))
		r.fact("Duration", duration(inc.ResolvedAt.Sub(started)))
	}
	if u != nil && ev.Kind != sitrep.EventPostmortemPublished {
		r.fact("Posted", r.when(u.At))
	}
}

func (r *renderer) maintenance(ev sitrep.Event, mt *sitrep.Maintenance) {
	v, m := r.v, r.m
	v.Title = mt.Title
	v.Link, v.LinkText = r.page.url+"/maintenance/"+mt.ID, "View the maintenance"
	m.DedupKey = "maintenance:" + mt.ID
	v.Body = mt.Description
	if ev.UpdateID != "" {
		if u := findMaintenanceUpdate(mt, ev.UpdateID); u != nil && u.Message != "" {
			v.Body = u.Message
		}
	}
	switch ev.Kind {
	case sitrep.EventMaintenanceScheduled:
		v.Label = "Scheduled maintenance"
	case sitrep.EventMaintenanceReminder:
		v.Label = "Maintenance reminder"
		if in := mt.PlannedStart.Sub(ev.At); in > 0 {
			r.fact("Starts in", duration(in))
		}
	case sitrep.EventMaintenanceRescheduled:
		// The "Planned" fact below carries the new times.
		v.Label = "Maintenance rescheduled"
	case sitrep.EventMaintenanceStarted:
		v.Label = "Maintenance started"
	case sitrep.EventMaintenanceOverrun:
		v.Label = "Maintenance taking longer than planned"
		m.Severity = "minor"
	case sitrep.EventMaintenanceExtended:
		v.Label = "Maintenance extended"
	case sitrep.EventMaintenanceCompleted:
		v.Label = "Maintenance completed"
		m.Resolve = true
	}
	r.fact("Status", label(string(mt.Status)))
	var comps []sitrep.AffectedComponent
	for _, c := range mt.Components {
		comps = append(comps, sitrep.AffectedComponent{ComponentID: c})
	}
	r.fact("Affected", r.names(comps))
	r.fact("Planned", r.when(mt.PlannedStart)+" – "+r.when(mt.PlannedEnd))
	r.fact("Planned duration", duration(mt.PlannedDuration()))
	if !mt.ActualStart.IsZero() {
		r.fact("Started", r.when(mt.ActualStart))
	}
	if !mt.ActualEnd.IsZero() {
		r.fact("Ended", r.when(mt.ActualEnd))
		r.fact("Took", duration(mt.ActualDuration()))
	}
}

func severity(i sitrep.Impact) string {
	switch i {
	case sitrep.ImpactCritical, sitrep.ImpactMajor, sitrep.ImpactMinor:
		return string(i)
	}
	return "info"
}

// label turns a status word into text: "partial_outage" → "Partial outage".
func label(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// duration writes d for people: "3 h 20 min", "45 min", "2 days 1 h".
func duration(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	d = d.Round(time.Minute)
	days, h, m := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	switch {
	case days == 1:
		parts = append(parts, "1 day")
	case days > 1:
		parts = append(parts, fmt.Sprintf("%d days", days))
	}
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%d h", h))
	}
	if m > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d min", m))
	}
	return strings.Join(parts, " ")
}
