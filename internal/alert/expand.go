package alert

import (
	"context"
	"fmt"
	"strings"

	"sitrep"
)

// Expand turns an alert event into deliveries, one per channel: a trigger
// pages the route's channels and the policy's first level, an escalation
// or reminder the level it names, and a resolution everyone paged so far.
// A schedule target resolves to whoever is on call at the event's time,
// through that member's channel. Events of other kinds expand to nothing.
func (m *Manager) Expand(ctx context.Context, ev sitrep.Event) ([]sitrep.Delivery, error) {
	if !strings.HasPrefix(string(ev.Kind), "alert.") {
		return nil, nil
	}
	a, err := m.store.Alert(ctx, ev.AlertID)
	if err != nil {
		return nil, fmt.Errorf("expand event %s: read alert %s: %w", ev.ID, ev.AlertID, err)
	}
	cat := m.catalog()
	var channels []string
	if r := cat.routeByID[a.Route]; r != nil && (ev.Level == 0 || ev.Kind == sitrep.EventAlertResolved) {
		channels = appendNew(channels, r.Channels...)
	}
	if p := cat.policies[a.Policy]; p != nil {
		from, to := ev.Level, ev.Level
		if ev.Kind == sitrep.EventAlertResolved {
			from = 0
		}
		for l := from; l <= to && l < len(p.Levels); l++ {
			for _, t := range p.Levels[l].Targets {
				channels = appendNew(channels, cat.targetChannels(t, ev)...)
			}
		}
	}
	out := make([]sitrep.Delivery, 0, len(channels))
	for _, ch := range channels {
		key := ev.ID + ":" + ch
		out = append(out, sitrep.Delivery{
			EventID: ev.ID,
			Kind:    ev.Kind,
			Channel: ch,
			// A declared channel sends to its configured destination;
			// Recipient is for per-recipient addresses (subscribers) and
			// would override it.
			Recipient:      "",
			IdempotencyKey: key,
			OrderKey:       ev.OrderKey,
			State:          sitrep.DeliveryPending,
			CreatedAt:      ev.At,
			NextAttemptAt:  ev.At,
		})
	}
	return out, nil
}

func (c *catalog) targetChannels(t sitrep.EscalationTarget, ev sitrep.Event) []string {
	if t.Channel != "" {
		return []string{t.Channel}
	}
	s := c.schedules[t.Schedule]
	if s == nil {
		return nil
	}
	var out []string
	for _, oc := range OnCall(*s, ev.At) {
		if oc.Member.Channel != "" {
			out = appendNew(out, oc.Member.Channel)
		}
	}
	return out
}
