package admin

import (
	"context"
	"sort"
	"strings"
	"time"

	"sitrep"
)

// pagedScan caps the deliveries read per state to say who was paged. The
// outbox lists newest first, so recent alerts are covered; an alert older
// than the scan shows no one rather than costing a slow page.
const pagedScan = 500

// pagedChannel is a channel an alert paged and how that went.
type pagedChannel struct {
	Channel string
	State   sitrep.DeliveryState
	at      time.Time
}

// pagingKinds are the alert events that page someone; a resolution tells
// the same people it is over, which is not a page.
var pagingKinds = map[sitrep.EventKind]bool{
	sitrep.EventAlertTriggered: true,
	sitrep.EventAlertEscalated: true,
	sitrep.EventAlertReminder:  true,
}

// deliveryRank prefers the outcome that says most: a channel that got the
// page once was reached, whatever its retries did later.
var deliveryRank = map[sitrep.DeliveryState]int{sitrep.DeliveryDelivered: 0, sitrep.DeliveryPending: 1, sitrep.DeliveryFailed: 2}

// pagedChannels says which channels each of alerts paged, from the
// outbox: every alert event carries the order key "alert:ID", and so do
// its deliveries, whose Channel is the declared channel (for a schedule
// target, the channel of whoever was on call).
func (u *UI) pagedChannels(ctx context.Context, alerts []sitrep.Alert) (map[string][]pagedChannel, error) {
	want := make(map[string]bool, len(alerts))
	for _, a := range alerts {
		want[a.ID] = true
	}
	found := map[string]map[string]pagedChannel{}
	for _, st := range []sitrep.DeliveryState{sitrep.DeliveryDelivered, sitrep.DeliveryPending, sitrep.DeliveryFailed} {
		ds, err := u.outbox.Deliveries(ctx, st, pagedScan)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			id, ok := strings.CutPrefix(d.OrderKey, "alert:")
			if !ok || !want[id] || !pagingKinds[d.Kind] {
				continue
			}
			if found[id] == nil {
				found[id] = map[string]pagedChannel{}
			}
			cur, seen := found[id][d.Channel]
			at := d.CreatedAt
			if seen && cur.at.Before(at) {
				at = cur.at
			}
			state := d.State
			if seen && deliveryRank[cur.State] < deliveryRank[state] {
				state = cur.State
			}
			found[id][d.Channel] = pagedChannel{Channel: d.Channel, State: state, at: at}
		}
	}
	out := make(map[string][]pagedChannel, len(found))
	for id, chans := range found {
		list := make([]pagedChannel, 0, len(chans))
		for _, c := range chans {
			list = append(list, c)
		}
		// In the order they were first paged: the escalation reads in order.
		sort.Slice(list, func(i, j int) bool {
			if !list[i].at.Equal(list[j].at) {
				return list[i].at.Before(list[j].at)
			}
			return list[i].Channel < list[j].Channel
		})
		out[id] = list
	}
	return out, nil
}
