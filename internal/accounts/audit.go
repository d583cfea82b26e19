package accounts

import (
	"context"
	"fmt"
	"time"

	"sitrep"
)

// Audit records an entry, stamping the time and the client address when
// the caller left them empty.
func (s *Service) Audit(ctx context.Context, e sitrep.AuditEntry) error {
	if e.At.IsZero() {
		e.At = s.clock.Now()
	}
	if e.IP == "" {
		e.IP = sitrep.ClientIP(ctx)
	}
	if e.Action == "" {
		return sitrep.FieldErrorf(sitrep.EINVALID, "action", "an audit entry needs an action")
	}
	if err := s.store.AppendAudit(ctx, &e); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditLog lists entries newest first.
func (s *Service) AuditLog(ctx context.Context, before time.Time, limit int) ([]sitrep.AuditEntry, error) {
	return s.store.AuditLog(ctx, before, limit)
}

// audit records what this service changed. The change has happened by
// now, so a failure to record it is logged loudly rather than reported as
// a failure of the change.
func (s *Service) audit(ctx context.Context, actor, action, target, detail string) {
	err := s.Audit(ctx, sitrep.AuditEntry{Actor: actor, Action: action, Target: target, Detail: detail})
	if err != nil {
		s.log.Error("audit entry lost", "action", action, "target", target, "err", err)
	}
}
