package admin

import (
	"context"
	"net/http"
	"time"

	"sitrep"
)

const (
	// failedShown caps the failed deliveries listed; older ones wait until
	// these are retried.
	failedShown = 200
	// backlogScan caps how many deliveries are read to count the backlog,
	// so a flood of them cannot make the dashboard slow. Counts at the cap
	// are shown as "at least".
	backlogScan = 1000
)

// backlog is what is waiting or was given up on in the outbox.
type backlog struct {
	Failed, Pending int
	// AtCap is true when a count reached backlogScan and may be higher.
	FailedAtCap, PendingAtCap bool
	// OldestPending is how long the oldest pending delivery has waited
	// (among those scanned); 0 when none is pending.
	OldestPending time.Duration
}

func (u *UI) backlog(ctx context.Context) (backlog, error) {
	var b backlog
	failed, err := u.outbox.Deliveries(ctx, sitrep.DeliveryFailed, backlogScan)
	if err != nil {
		return b, err
	}
	pending, err := u.outbox.Deliveries(ctx, sitrep.DeliveryPending, backlogScan)
	if err != nil {
		return b, err
	}
	b.Failed, b.FailedAtCap = len(failed), len(failed) >= backlogScan
	b.Pending, b.PendingAtCap = len(pending), len(pending) >= backlogScan
	now := u.now()
	for _, d := range pending {
		if age := now.Sub(d.CreatedAt); age > b.OldestPending {
			b.OldestPending = age
		}
	}
	return b, nil
}

type deliveriesData struct {
	Backlog backlog
	Failed  []sitrep.Delivery
}

func (u *UI) handleDeliveries(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	var d deliveriesData
	var err error
	if d.Backlog, err = u.backlog(r.Context()); err == nil {
		d.Failed, err = u.outbox.Deliveries(r.Context(), sitrep.DeliveryFailed, failedShown)
	}
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	v := u.newView(s, "Failed deliveries", "deliveries", d)
	if r.URL.Query().Get("done") == "retried" {
		v.Notice = "The delivery is queued again and will be sent shortly."
	}
	u.render(w, r, http.StatusOK, "deliveries", v)
}

func (u *UI) handleRetryDelivery(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	id := r.PathValue("id")
	if err := u.outbox.RetryDelivery(r.Context(), id, u.now()); err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.audit(r, s, "delivery.retry", "delivery/"+id, "")
	http.Redirect(w, r, "/admin/deliveries?done=retried", http.StatusSeeOther)
}
