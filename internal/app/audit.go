package app

import (
	"context"
	"fmt"
	"log/slog"

	"sitrep"
	"sitrep/internal/alert"
	"sitrep/internal/statusengine"
)

// auditedRecords is the status engine as people reach it — through the
// API, the CLI and the admin UI — with every change written to the audit
// log: who (the author the web layer took from the signed-in principal),
// what, which record, when and from where. Automation's own changes are
// not people's and stay out of it.
type auditedRecords struct {
	*statusengine.Engine
	audit func(context.Context, sitrep.AuditEntry) error
	log   *slog.Logger
}

func (a auditedRecords) record(ctx context.Context, actor, action, target, detail string) {
	err := a.audit(ctx, sitrep.AuditEntry{Actor: actor, Action: action, Target: target, Detail: detail, IP: sitrep.ClientIP(ctx)})
	if err != nil {
		// The change is made and stays made; a lost audit entry is
		// worth an error in the log, not a failed request.
		a.log.Error("write audit entry", "action", action, "target", target, "err", err)
	}
}

func (a auditedRecords) OpenIncident(ctx context.Context, in sitrep.IncidentInput) (*sitrep.Incident, error) {
	inc, err := a.Engine.OpenIncident(ctx, in)
	if err == nil {
		a.record(ctx, in.Author, "incident.open", "incident/"+inc.ID, fmt.Sprintf("%q, impact %s, status %s", inc.Title, inc.Impact, inc.Status))
	}
	return inc, err
}

func (a auditedRecords) UpdateIncident(ctx context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	inc, err := a.Engine.UpdateIncident(ctx, id, in)
	if err == nil {
		a.record(ctx, in.Author, "incident.update", "incident/"+id, fmt.Sprintf("status %s, internal %v", inc.Status, in.Internal))
	}
	return inc, err
}

func (a auditedRecords) ResolveIncident(ctx context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	inc, err := a.Engine.ResolveIncident(ctx, id, in)
	if err == nil {
		a.record(ctx, in.Author, "incident.resolve", "incident/"+id, "")
	}
	return inc, err
}

func (a auditedRecords) SetPostmortem(ctx context.Context, id string, pm sitrep.Postmortem) (*sitrep.Incident, error) {
	inc, err := a.Engine.SetPostmortem(ctx, id, pm)
	if err == nil {
		a.record(ctx, pm.Author, "postmortem.save", "incident/"+id, fmt.Sprintf("published %v", pm.Published))
	}
	return inc, err
}

func (a auditedRecords) ScheduleMaintenance(ctx context.Context, in sitrep.MaintenanceInput) (*sitrep.Maintenance, error) {
	m, err := a.Engine.ScheduleMaintenance(ctx, in)
	if err == nil {
		a.record(ctx, in.Author, "maintenance.schedule", "maintenance/"+m.ID,
			fmt.Sprintf("%q, %s to %s", m.Title, m.PlannedStart.UTC().Format("2006-01-02 15:04"), m.PlannedEnd.UTC().Format("2006-01-02 15:04 UTC")))
	}
	return m, err
}

func (a auditedRecords) UpdateMaintenance(ctx context.Context, id string, in sitrep.MaintenanceUpdateInput) (*sitrep.Maintenance, error) {
	m, err := a.Engine.UpdateMaintenance(ctx, id, in)
	if err == nil {
		a.record(ctx, in.Author, "maintenance.update", "maintenance/"+id, fmt.Sprintf("status %s, planned end %s", m.Status, m.PlannedEnd.UTC().Format("2006-01-02 15:04 UTC")))
	}
	return m, err
}

// auditedAlerts records acknowledgements, by API, CLI or signed link.
type auditedAlerts struct {
	*alert.Manager
	rec auditedRecords
}

func (a auditedAlerts) Ack(ctx context.Context, id, by string) (sitrep.Alert, error) {
	al, err := a.Manager.Ack(ctx, id, by)
	if err == nil {
		a.rec.record(ctx, by, "alert.ack", "alert/"+id, "")
	}
	return al, err
}

func (a auditedAlerts) AckToken(ctx context.Context, token, by string) (sitrep.Alert, error) {
	al, err := a.Manager.AckToken(ctx, token, by)
	if err == nil {
		a.rec.record(ctx, by, "alert.ack", "alert/"+al.ID, "by signed link")
	}
	return al, err
}
