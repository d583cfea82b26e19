package admin

import (
	"net/http"

	"sitrep"
)

// readAs wraps a page that only some roles may see (the audit log, users,
// subscribers' addresses): sitrep.Allowed decides, as it does for the API.
func (u *UI) readAs(a sitrep.Action, h sessionHandler) http.HandlerFunc {
	return u.read(func(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
		if !sitrep.Allowed(s.Principal.Role, a) {
			u.fail(w, r, s, sitrep.Errorf(sitrep.EFORBIDDEN, "your role (%s) may not open this page", s.Principal.Role))
			return
		}
		h(w, r, s)
	})
}

// act wraps a state-changing request that needs action a. It makes every
// check write makes (cross-origin, session, CSRF token) before the role.
func (u *UI) act(a sitrep.Action, h sessionHandler) http.HandlerFunc {
	return u.write(func(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
		if !sitrep.Allowed(s.Principal.Role, a) {
			u.fail(w, r, s, sitrep.Errorf(sitrep.EFORBIDDEN, "your role (%s) may not do this", s.Principal.Role))
			return
		}
		h(w, r, s)
	}, false)
}

// sections says which optional pages the navigation links to for a role.
type sections struct {
	Subscribers, Deliveries, Audit, Users bool
}

func (u *UI) sectionsFor(role sitrep.Role) sections {
	return sections{
		Subscribers: u.subs != nil && sitrep.Allowed(role, sitrep.ActionSubscribers),
		Deliveries:  u.outbox != nil && sitrep.Allowed(role, sitrep.ActionSubscribers),
		Audit:       sitrep.Allowed(role, sitrep.ActionAudit),
		Users:       sitrep.Allowed(role, sitrep.ActionUsers),
	}
}

// audit records a change the UI made itself (the account service audits
// its own changes). A failure to record is logged, not shown: the change
// is done by then.
func (u *UI) audit(r *http.Request, s *sitrep.Session, action, target, detail string) {
	err := u.accounts.Audit(r.Context(), sitrep.AuditEntry{At: u.now(), Actor: s.Principal.Name, Action: action,
		Target: target, Detail: detail, IP: clientIP(r)})
	if err != nil {
		u.logger.ErrorContext(r.Context(), "write audit entry", "action", action, "target", target, "err", err)
	}
}
