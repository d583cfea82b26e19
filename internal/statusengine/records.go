package statusengine

import (
	"context"
	"fmt"
	"sort"
	"time"

	"sitrep"
)

// historyYears is how far back pages show incidents and maintenance.
const historyYears = 2

// pageSize is how many records one store query returns while loading.
const pageSize = 500

// records is the engine's copy of the incidents and maintenance windows
// pages show: every open record and the history of the last two years.
// Entries are replaced with what the store returns after each write and
// never changed in place, so a value handed to a builder stays as it was.
type records struct {
	incs map[string]*sitrep.Incident
	mnts map[string]*sitrep.Maintenance
}

func newRecords() *records {
	return &records{incs: map[string]*sitrep.Incident{}, mnts: map[string]*sitrep.Maintenance{}}
}

// load reads what pages need. Maintenance windows are read whole: they
// are few, and a recurring series may be older than the history shown yet
// still produce windows.
func (r *records) load(ctx context.Context, is sitrep.IncidentStore, ms sitrep.MaintenanceStore, now time.Time) error {
	open := true
	for _, f := range []sitrep.IncidentFilter{{Open: &open}, {From: now.AddDate(-historyYears, 0, 0)}} {
		incs, err := findIncidents(ctx, is, f)
		if err != nil {
			return err
		}
		for _, inc := range incs {
			r.incs[inc.ID] = inc
		}
	}
	mnts, err := findMaintenances(ctx, ms, sitrep.MaintenanceFilter{})
	if err != nil {
		return err
	}
	for _, m := range mnts {
		r.mnts[m.ID] = m
	}
	return nil
}

// refreshOpen re-reads the open records, so that a change made by another
// sitrep node (or straight in the database) reaches the pages. A record
// that was open here and is no longer open there is read by id.
func (r *records) refreshOpen(ctx context.Context, is sitrep.IncidentStore, ms sitrep.MaintenanceStore) error {
	open := true
	incs, err := findIncidents(ctx, is, sitrep.IncidentFilter{Open: &open})
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, inc := range incs {
		r.incs[inc.ID] = inc
		seen[inc.ID] = true
	}
	for id, inc := range r.incs {
		if inc.Open() && !seen[id] {
			fresh, err := is.Incident(ctx, id)
			if err != nil {
				return fmt.Errorf("re-read incident %s: %w", id, err)
			}
			r.incs[id] = fresh
		}
	}
	pending := []sitrep.MaintenanceStatus{sitrep.MaintenanceScheduled, sitrep.MaintenanceInProgress, sitrep.MaintenanceVerifying}
	mnts, err := findMaintenances(ctx, ms, sitrep.MaintenanceFilter{Statuses: pending})
	if err != nil {
		return err
	}
	seen = map[string]bool{}
	for _, m := range mnts {
		r.mnts[m.ID] = m
		seen[m.ID] = true
	}
	for id, m := range r.mnts {
		if m.Status != sitrep.MaintenanceCompleted && !seen[id] {
			fresh, err := ms.Maintenance(ctx, id)
			if err != nil {
				return fmt.Errorf("re-read maintenance %s: %w", id, err)
			}
			r.mnts[id] = fresh
		}
	}
	return nil
}

// prune forgets closed records that no page shows any more. Recurring
// series stay: they still make windows.
func (r *records) prune(from time.Time) {
	for id, inc := range r.incs {
		if !inc.Open() && startOf(inc).Before(from) {
			delete(r.incs, id)
		}
	}
	for id, m := range r.mnts {
		if m.Status == sitrep.MaintenanceCompleted && m.PlannedStart.Before(from) && !(m.Recurrence != nil && m.SeriesID == "") {
			delete(r.mnts, id)
		}
	}
}

func findIncidents(ctx context.Context, is sitrep.IncidentStore, f sitrep.IncidentFilter) ([]*sitrep.Incident, error) {
	var out []*sitrep.Incident
	f.Limit = pageSize
	for {
		incs, total, err := is.FindIncidents(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("load incidents: %w", err)
		}
		out = append(out, incs...)
		f.Offset += len(incs)
		if len(incs) < pageSize || f.Offset >= total {
			return out, nil
		}
	}
}

func findMaintenances(ctx context.Context, ms sitrep.MaintenanceStore, f sitrep.MaintenanceFilter) ([]*sitrep.Maintenance, error) {
	var out []*sitrep.Maintenance
	f.Limit = pageSize
	for {
		mnts, total, err := ms.FindMaintenances(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("load maintenance windows: %w", err)
		}
		out = append(out, mnts...)
		f.Offset += len(mnts)
		if len(mnts) < pageSize || f.Offset >= total {
			return out, nil
		}
	}
}

// incidents returns the incidents started since from, and every open one,
// oldest first.
func (r *records) incidents(from time.Time) []*sitrep.Incident {
	out := make([]*sitrep.Incident, 0, len(r.incs))
	for _, inc := range r.incs {
		if inc.Open() || !startOf(inc).Before(from) {
			out = append(out, inc)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func (r *records) openIncidents() []*sitrep.Incident {
	var out []*sitrep.Incident
	for _, inc := range r.incidents(time.Time{}) {
		if inc.Open() {
			out = append(out, inc)
		}
	}
	return out
}

// maintenances returns the windows planned since from and every window
// that is not completed, by planned start.
func (r *records) maintenances(from time.Time) []*sitrep.Maintenance {
	out := make([]*sitrep.Maintenance, 0, len(r.mnts))
	for _, m := range r.mnts {
		if m.Status != sitrep.MaintenanceCompleted || !m.PlannedStart.Before(from) {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].PlannedStart.Equal(out[j].PlannedStart) {
			return out[i].PlannedStart.Before(out[j].PlannedStart)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func (r *records) pendingMaintenances() []*sitrep.Maintenance {
	var out []*sitrep.Maintenance
	for _, m := range r.maintenances(time.Time{}) {
		if m.Status != sitrep.MaintenanceCompleted {
			out = append(out, m)
		}
	}
	return out
}

func (r *records) activeMaintenances() []*sitrep.Maintenance {
	var out []*sitrep.Maintenance
	for _, m := range r.pendingMaintenances() {
		if m.Status.Active() {
			out = append(out, m)
		}
	}
	return out
}

// series returns the recurring series: windows with a rule that are not
// themselves occurrences of another window.
func (r *records) series() []*sitrep.Maintenance {
	var out []*sitrep.Maintenance
	for _, m := range r.maintenances(time.Time{}) {
		if m.Recurrence != nil && m.SeriesID == "" {
			out = append(out, m)
		}
	}
	return out
}

// occurrenceStarts returns the planned starts of a series: its own and
// those of the windows made from it.
func (r *records) occurrenceStarts(seriesID string) []time.Time {
	var out []time.Time
	for _, m := range r.mnts {
		if m.ID == seriesID || m.SeriesID == seriesID {
			out = append(out, m.PlannedStart)
		}
	}
	return out
}

func startOf(inc *sitrep.Incident) time.Time {
	if inc.StartedAt.IsZero() {
		return inc.CreatedAt
	}
	return inc.StartedAt
}
