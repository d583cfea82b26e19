package subscribe

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sitrep"
)

// ChannelPrefix starts the Channel of every subscriber delivery, followed by
// the subscriber's kind: "subscriber:email", "subscriber:webhook"…
const ChannelPrefix = "subscriber:"

// channels are the channel names, made once rather than per delivery.
var channels = func() map[sitrep.SubscriberKind]string {
	m := make(map[sitrep.SubscriberKind]string, len(sitrep.SubscriberKinds))
	for _, k := range sitrep.SubscriberKinds {
		m[k] = ChannelPrefix + string(k)
	}
	return m
}()

func channelOf(k sitrep.SubscriberKind) string {
	if c, ok := channels[k]; ok {
		return c
	}
	return ChannelPrefix + string(k)
}

// subscriberEvent reports whether customers hear about events of kind k.
func subscriberEvent(k sitrep.EventKind) bool {
	switch k {
	case sitrep.EventIncidentOpened, sitrep.EventIncidentUpdated, sitrep.EventIncidentResolved,
		sitrep.EventPostmortemPublished,
		sitrep.EventMaintenanceScheduled, sitrep.EventMaintenanceReminder, sitrep.EventMaintenanceStarted,
		sitrep.EventMaintenanceOverrun, sitrep.EventMaintenanceExtended, sitrep.EventMaintenanceCompleted,
		sitrep.EventMaintenanceRescheduled:
		return true
	}
	return false
}

// Expand turns an event into one delivery per confirmed subscriber of every
// page that shows an affected component, reading subscribers in batches so
// that a large audience is never loaded at once. Events customers do not
// hear about (alerts, internal updates) expand to nothing. The idempotency
// key is the event id and subscriber id, so expanding twice after a crash
// adds nothing.
func (s *Service) Expand(ctx context.Context, ev sitrep.Event) ([]sitrep.Delivery, error) {
	if ev.Kind == sitrep.EventSubscriberConfirm {
		return s.expandConfirm(ctx, ev)
	}
	if !subscriberEvent(ev.Kind) {
		return nil, nil
	}
	comps, public, err := s.affected(ctx, ev)
	if err != nil || !public {
		return nil, err
	}
	cat := s.cat.Load()
	now := s.now()
	var out []sitrep.Delivery
	for _, p := range cat.order {
		var onPage []string
		for _, c := range comps {
			if p.shows(c) {
				onPage = append(onPage, c)
			}
		}
		if len(onPage) == 0 && len(comps) > 0 {
			continue
		}
		q := sitrep.SubscriberQuery{Page: p.Slug, Components: onPage, Limit: s.batch}
		for {
			batch, err := s.store.SubscribersFor(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("expand %s %s: %w", ev.Kind, ev.ID, err)
			}
			for _, sub := range batch {
				out = append(out, s.delivery(ev, sub, now))
			}
			if len(batch) < q.Limit {
				break
			}
			q.After = batch[len(batch)-1].ID
		}
	}
	return out, nil
}

func (s *Service) delivery(ev sitrep.Event, sub *sitrep.Subscriber, now time.Time) sitrep.Delivery {
	return sitrep.Delivery{
		EventID: ev.ID, Kind: ev.Kind, Channel: channelOf(sub.Kind),
		SubscriberID: sub.ID, Recipient: sub.Address,
		IdempotencyKey: ev.ID + ":" + sub.ID, OrderKey: ev.OrderKey,
		State: sitrep.DeliveryPending, CreatedAt: now, NextAttemptAt: now,
	}
}

// affected returns the components an event is about and whether the
// public may hear of it at all. The event's own list wins; without one the
// record's is used. An event about no component goes to whole-page
// subscribers of every page.
func (s *Service) affected(ctx context.Context, ev sitrep.Event) ([]string, bool, error) {
	switch {
	case ev.IncidentID != "":
		inc, err := s.records.Incident(ctx, ev.IncidentID)
		if err != nil {
			return nil, false, fmt.Errorf("expand %s: read incident %s: %w", ev.Kind, ev.IncidentID, err)
		}
		if ev.UpdateID != "" {
			u := findUpdate(inc, ev.UpdateID)
			if u == nil || !u.Public {
				return nil, false, nil
			}
		}
		if ev.Kind == sitrep.EventPostmortemPublished && (inc.Postmortem == nil || !inc.Postmortem.Published) {
			return nil, false, nil
		}
		if len(ev.Components) > 0 {
			return ev.Components, true, nil
		}
		comps := make([]string, len(inc.Components))
		for i, c := range inc.Components {
			comps[i] = c.ComponentID
		}
		return comps, true, nil
	case ev.MaintenanceID != "":
		m, err := s.records.Maintenance(ctx, ev.MaintenanceID)
		if err != nil {
			return nil, false, fmt.Errorf("expand %s: read maintenance %s: %w", ev.Kind, ev.MaintenanceID, err)
		}
		if ev.UpdateID != "" {
			if u := findMaintenanceUpdate(m, ev.UpdateID); u != nil && !u.Public {
				return nil, false, nil
			}
		}
		if len(ev.Components) > 0 {
			return ev.Components, true, nil
		}
		return m.Components, true, nil
	}
	return nil, false, nil
}

func findUpdate(inc *sitrep.Incident, id string) *sitrep.IncidentUpdate {
	for i := range inc.Updates {
		if inc.Updates[i].ID == id {
			return &inc.Updates[i]
		}
	}
	return nil
}

func findMaintenanceUpdate(m *sitrep.Maintenance, id string) *sitrep.MaintenanceUpdate {
	for i := range m.Updates {
		if m.Updates[i].ID == id {
			return &m.Updates[i]
		}
	}
	return nil
}

// expandConfirm addresses the confirmation email to a still-pending
// subscriber; one who confirmed or left meanwhile gets nothing.
func (s *Service) expandConfirm(ctx context.Context, ev sitrep.Event) ([]sitrep.Delivery, error) {
	id := sitrep.SubscriberFromOrderKey(ev.OrderKey)
	if id == "" {
		return nil, nil
	}
	sub, err := s.store.Subscriber(ctx, id)
	if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("expand confirmation for %s: %w", id, err)
	}
	if sub.Confirmed || sub.Kind != sitrep.SubscriberEmail {
		return nil, nil
	}
	return []sitrep.Delivery{s.delivery(ev, sub, s.now())}, nil
}

// IsSubscriberChannel reports whether a delivery's channel is a
// subscriber's own (as opposed to a declared staff channel).
func IsSubscriberChannel(channel string) bool { return strings.HasPrefix(channel, ChannelPrefix) }
