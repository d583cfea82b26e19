package app

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"

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
	// The window as it was, so that an edit's entry says what it changed
	// from; a failed read only makes the entry less detailed.
	var old *sitrep.Maintenance
	if in.Edits() {
		old, _ = a.Engine.Maintenance(ctx, id)
	}
	m, err := a.Engine.UpdateMaintenance(ctx, id, in)
	if err != nil {
		return m, err
	}
	if changes := maintenanceChanges(old, m); len(changes) > 0 && (in.Status == "" || in.Status == old.Status) {
		a.record(ctx, in.Author, "maintenance.edit", "maintenance/"+id, strings.Join(changes, "; "))
		return m, nil
	}
	a.record(ctx, in.Author, "maintenance.update", "maintenance/"+id, fmt.Sprintf("status %s, planned end %s", m.Status, m.PlannedEnd.UTC().Format("2006-01-02 15:04 UTC")))
	return m, nil
}

// maintenanceChanges describes what an edit changed, from old to m, one
// phrase per field; none when old is unknown.
func maintenanceChanges(old, m *sitrep.Maintenance) []string {
	if old == nil {
		return nil
	}
	const stamp = "2006-01-02 15:04 UTC"
	var out []string
	if old.Title != m.Title {
		out = append(out, fmt.Sprintf("title %q → %q", old.Title, m.Title))
	}
	if old.Description != m.Description {
		out = append(out, "description changed")
	}
	if !slices.Equal(old.Components, m.Components) {
		out = append(out, fmt.Sprintf("components %s → %s", strings.Join(old.Components, ","), strings.Join(m.Components, ",")))
	}
	if !old.PlannedStart.Equal(m.PlannedStart) {
		out = append(out, fmt.Sprintf("start %s → %s", old.PlannedStart.UTC().Format(stamp), m.PlannedStart.UTC().Format(stamp)))
	}
	if !old.PlannedEnd.Equal(m.PlannedEnd) {
		out = append(out, fmt.Sprintf("end %s → %s", old.PlannedEnd.UTC().Format(stamp), m.PlannedEnd.UTC().Format(stamp)))
	}
	return out
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
