package alert

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

// Compose renders the staff message of an alert delivery. Every message
// about one alert carries the alert id as DedupKey, so PagerDuty and
// Opsgenie fold trigger, reminders and escalations into one incident and
// close it with the resolution.
func (m *Manager) Compose(ctx context.Context, ev sitrep.Event, d sitrep.Delivery) (sitrep.Message, error) {
	if ev.AlertID == "" {
		return sitrep.Message{}, &sitrep.PermanentError{Err: fmt.Errorf("compose event %s: %s is not an alert event; staff messages about it need their own composer", ev.ID, ev.Kind)}
	}
	a, err := m.store.Alert(ctx, ev.AlertID)
	if err != nil {
		return sitrep.Message{}, fmt.Errorf("compose event %s: read alert %s: %w", ev.ID, ev.AlertID, err)
	}
	cat := m.catalog()
	msg := sitrep.Message{
		Kind:           ev.Kind,
		DedupKey:       a.ID,
		IdempotencyKey: d.IdempotencyKey,
		At:             ev.At,
		URL:            m.opts.PublicURL + "/overview",
		Severity:       "critical",
	}
	if a.Severity == sitrep.StateDegraded {
		msg.Severity = "major"
	}
	prefix := map[sitrep.EventKind]string{
		sitrep.EventAlertTriggered: "ALERT",
		sitrep.EventAlertReminder:  "REMINDER",
		sitrep.EventAlertEscalated: "ESCALATED",
		sitrep.EventAlertResolved:  "RESOLVED",
	}[ev.Kind]
	msg.Title = fmt.Sprintf("[%s] %s", prefix, a.Summary)

	var text strings.Builder
	fmt.Fprintf(&text, "%s\n\n", a.Summary)
	names := make([]string, len(a.MonitorIDs))
	for i, id := range a.MonitorIDs {
		names[i] = cat.monitorName(id)
	}
	msg.Fields = append(msg.Fields, sitrep.MessageField{Name: "Monitors", Value: strings.Join(names, ", ")})
	if len(a.ComponentIDs) > 0 {
		msg.Fields = append(msg.Fields, sitrep.MessageField{Name: "Components", Value: strings.Join(a.ComponentIDs, ", ")})
	}
	msg.Fields = append(msg.Fields, sitrep.MessageField{Name: "Since", Value: a.TriggeredAt.UTC().Format(time.RFC3339)})
	switch ev.Kind {
	case sitrep.EventAlertResolved:
		msg.Severity, msg.Resolve = "resolved", true
		msg.Fields = append(msg.Fields, sitrep.MessageField{Name: "Resolved", Value: ev.At.UTC().Format(time.RFC3339)})
	case sitrep.EventAlertEscalated:
		msg.Fields = append(msg.Fields, sitrep.MessageField{Name: "Escalation level", Value: strconv.Itoa(ev.Level + 1)})
	}
	if a.State == sitrep.AlertAcknowledged {
		msg.Fields = append(msg.Fields, sitrep.MessageField{Name: "Acknowledged by", Value: a.AckedBy})
	}
	for _, f := range msg.Fields {
		fmt.Fprintf(&text, "%s: %s\n", f.Name, f.Value)
	}
	if ev.Kind != sitrep.EventAlertResolved && a.State == sitrep.AlertTriggered {
		msg.AckURL = m.AckURL(a.ID)
		fmt.Fprintf(&text, "\nAcknowledge: %s\n", msg.AckURL)
	}
	msg.Text = text.String()
	return msg, nil
}
