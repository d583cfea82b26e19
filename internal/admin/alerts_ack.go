package admin

import (
	"net/http"
	"net/url"

	"sitrep"
)

// ackNotice is what the page says after an acknowledgement redirected to
// it; only these fixed texts can be asked for.
func ackNotice(done string) string {
	switch done {
	case "acked":
		return "Acknowledged: escalation and reminders for this alert have stopped. It resolves by itself when its monitors recover."
	case "already":
		return "That alert was already acknowledged, so nothing changed; the list says who is on it."
	}
	return ""
}

// ackReturn is where an acknowledgement goes back to: the dashboard or the
// list in the view it was sent from. Only known places are accepted, so
// the form cannot redirect anywhere else.
func ackReturn(back, done string) string {
	q := url.Values{}
	q.Set("done", done)
	if back == "dashboard" {
		return "/admin/?" + q.Encode()
	}
	switch back {
	case "resolved", "all":
		q.Set("state", back)
	default:
		q.Set("state", "open")
	}
	return "/admin/alerts?" + q.Encode()
}

// handleAckAlert acknowledges an alert as the signed-in person. The
// service passed in records it in the audit log (the app wraps it), so the
// UI does not audit it again. An alert someone acknowledged first is left
// alone — the service would make that a no-op anyway, and reading first
// keeps a second, empty entry out of the audit log.
func (u *UI) handleAckAlert(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	ctx := r.Context()
	id := r.PathValue("id")
	back := r.PostFormValue("back")
	before, err := u.alerts.Alert(ctx, id)
	if err != nil {
		if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
			err = sitrep.Errorf(sitrep.ENOTFOUND, "there is no alert %q", id)
		}
		u.fail(w, r, s, err)
		return
	}
	switch before.State {
	case sitrep.AlertAcknowledged:
		http.Redirect(w, r, ackReturn(back, "already"), http.StatusSeeOther)
		return
	case sitrep.AlertResolved:
		u.ackConflict(w, r, s, before)
		return
	}
	by := s.Principal.Name
	a, err := u.alerts.Ack(ctx, id, by)
	if sitrep.ErrorCode(err) == sitrep.ECONFLICT {
		// It resolved between the read and the acknowledgement.
		if now, rerr := u.alerts.Alert(ctx, id); rerr == nil {
			before = now
		}
		u.ackConflict(w, r, s, before)
		return
	}
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	done := "acked"
	if a.AckedBy != by {
		done = "already" // someone else was quicker
	}
	http.Redirect(w, r, ackReturn(back, done), http.StatusSeeOther)
}

// ackConflict answers an acknowledgement of a resolved alert: the list of
// every alert, where that one shows as resolved, with the reason on top.
func (u *UI) ackConflict(w http.ResponseWriter, r *http.Request, s *sitrep.Session, a sitrep.Alert) {
	d := u.newAlertsData(s, "all")
	if err := u.loadAlerts(r.Context(), &d, 0); err != nil {
		u.fail(w, r, s, err)
		return
	}
	v := u.newView(s, "Alerts", "alerts", d)
	v.Error = "This alert is resolved: its monitors recovered"
	if !a.ResolvedAt.IsZero() {
		v.Error += " at " + u.fmtTime(a.ResolvedAt)
	}
	v.Error += ", so there is nothing to acknowledge."
	u.render(w, r, http.StatusConflict, "alerts", v)
}
