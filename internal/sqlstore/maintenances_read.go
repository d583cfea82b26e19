package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"sitrep"
)

const (
	maintenanceCols = `id, title, description, status, planned_start_ms, planned_end_ms, actual_start_ms, actual_end_ms,
		overrun, overrun_ms, reminders_sent, recurrence, rec_weekdays, rec_start_ms, rec_end_ms, rec_zone, rec_until_ms,
		series_id, created_ms, updated_ms, author`
	maintenanceColCount = 21
)

func maintenanceArgs(m *sitrep.Maintenance) ([]any, error) {
	reminders, err := encodeDurations(m.RemindersSent)
	if err != nil {
		return nil, err
	}
	// The store cannot import internal/incident's parser, so the rule is
	// kept field by field; the text is for people reading the database.
	var text, days, zone string
	var start, end, until int64
	if r := m.Recurrence; r != nil {
		zone = r.TimeZone
		if zone == "" && r.Location != nil {
			zone = r.Location.String()
		}
		if zone == "" {
			zone = "UTC"
		}
		rc := *r
		rc.TimeZone = zone
		text, days = rc.String(), encodeWeekdays(r.Weekdays)
		start, end, until = r.Start.Milliseconds(), r.End.Milliseconds(), toMS(r.Until)
	}
	return []any{m.ID, m.Title, m.Description, string(m.Status), toMS(m.PlannedStart), toMS(m.PlannedEnd),
		toMS(m.ActualStart), toMS(m.ActualEnd), m.Overrun, toMS(m.OverrunAt), reminders, text, days, start, end, zone,
		until, m.SeriesID, toMS(m.CreatedAt), toMS(m.UpdatedAt), m.Author}, nil
}

// FindMaintenances returns matching windows by planned start, and how many
// match in all; count and page are one snapshot.
func (s *Store) FindMaintenances(ctx context.Context, f sitrep.MaintenanceFilter) ([]*sitrep.Maintenance, int, error) {
	var where []string
	var args []any
	if len(f.Statuses) > 0 {
		where = append(where, `status IN (`+placeholders(len(f.Statuses))+`)`)
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	if f.ComponentID != "" {
		where = append(where, `id IN (SELECT maintenance_id FROM maintenance_components WHERE component_id = ?)`)
		args = append(args, f.ComponentID)
	}
	if !f.From.IsZero() || !f.To.IsZero() {
		// The planned span [start, end) or the actual one, which is open
		// at its end while the window runs (it may overrun), overlaps
		// [From, To).
		planned := []string{`1 = 1`}
		actual := []string{`actual_start_ms <> 0`}
		var pArgs, aArgs []any
		if !f.To.IsZero() {
			planned = append(planned, `planned_start_ms < ?`)
			actual = append(actual, `actual_start_ms < ?`)
			pArgs, aArgs = append(pArgs, f.To.UnixMilli()), append(aArgs, f.To.UnixMilli())
		}
		if !f.From.IsZero() {
			planned = append(planned, `planned_end_ms > ?`)
			actual = append(actual, `(actual_end_ms = 0 OR actual_end_ms > ?)`)
			pArgs, aArgs = append(pArgs, f.From.UnixMilli()), append(aArgs, f.From.UnixMilli())
		}
		where = append(where, `((`+strings.Join(planned, ` AND `)+`) OR (`+strings.Join(actual, ` AND `)+`))`)
		args = append(append(args, pArgs...), aArgs...)
	}
	cond := ""
	if len(where) > 0 {
		cond = `WHERE ` + strings.Join(where, ` AND `)
	}
	limit, offset := pageOf(f.Limit, f.Offset)
	var total int
	var out []*sitrep.Maintenance
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM maintenances `+cond), args...).Scan(&total); err != nil {
			return err
		}
		if offset >= total {
			return nil
		}
		var err error
		out, err = s.readMaintenances(ctx, tx, cond+` ORDER BY planned_start_ms, seq LIMIT ? OFFSET ?`, append(args, limit, offset)...)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find maintenance windows: %w", err)
	}
	return out, total, nil
}

// readMaintenances reads the windows selected by tail with their
// components and updates, in tail's order.
func (s *Store) readMaintenances(ctx context.Context, q querier, tail string, args ...any) ([]*sitrep.Maintenance, error) {
	var out []*sitrep.Maintenance
	byID := map[string]*sitrep.Maintenance{}
	err := eachRow(ctx, q, s.q(`SELECT `+maintenanceCols+` FROM maintenances `+tail), args, func(rows *sql.Rows) error {
		m, err := s.scanMaintenance(rows)
		if err != nil {
			return err
		}
		out = append(out, m)
		byID[m.ID] = m
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read maintenance windows: %w", err)
	}
	ids := make([]string, len(out))
	for i, m := range out {
		ids[i] = m.ID
	}
	for _, chunk := range chunks(ids) {
		if err := s.readMaintenanceParts(ctx, q, chunk, byID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) scanMaintenance(rows *sql.Rows) (*sitrep.Maintenance, error) {
	m := &sitrep.Maintenance{}
	var status, reminders, text, days, zone string
	var plannedStart, plannedEnd, actualStart, actualEnd, overrunAt, recStart, recEnd, until, created, updated int64
	if err := rows.Scan(&m.ID, &m.Title, &m.Description, &status, &plannedStart, &plannedEnd, &actualStart, &actualEnd,
		&m.Overrun, &overrunAt, &reminders, &text, &days, &recStart, &recEnd, &zone, &until, &m.SeriesID, &created,
		&updated, &m.Author); err != nil {
		return nil, err
	}
	m.Status = sitrep.MaintenanceStatus(status)
	m.PlannedStart, m.PlannedEnd = fromMS(plannedStart), fromMS(plannedEnd)
	m.ActualStart, m.ActualEnd, m.OverrunAt = fromMS(actualStart), fromMS(actualEnd), fromMS(overrunAt)
	m.CreatedAt, m.UpdatedAt = fromMS(created), fromMS(updated)
	var err error
	if m.RemindersSent, err = decodeDurations(reminders); err != nil {
		return nil, fmt.Errorf("window %s: %w", m.ID, err)
	}
	if text == "" {
		return m, nil
	}
	r := &sitrep.Recurrence{Start: time.Duration(recStart) * time.Millisecond, End: time.Duration(recEnd) * time.Millisecond,
		TimeZone: zone, Until: fromMS(until)}
	if r.Weekdays, err = decodeWeekdays(days); err != nil {
		return nil, fmt.Errorf("window %s: %w", m.ID, err)
	}
	if r.Location, err = s.location(zone); err != nil {
		// The zone loaded when the rule was made; losing it now (missing
		// tzdata) must not hide the window. Occurrences then use UTC.
		s.log.Warn("cannot load the time zone of a recurring maintenance window", "maintenance", m.ID, "zone", zone, "err", err)
		r.Location = nil
	}
	m.Recurrence = r
	return m, nil
}

func (s *Store) readMaintenanceParts(ctx context.Context, q querier, ids []string, byID map[string]*sitrep.Maintenance) error {
	in := `(` + placeholders(len(ids)) + `)`
	err := eachRow(ctx, q, s.q(`SELECT maintenance_id, component_id FROM maintenance_components
		WHERE maintenance_id IN `+in+` ORDER BY maintenance_id, pos`), anys(ids), func(rows *sql.Rows) error {
		var id, comp string
		if err := rows.Scan(&id, &comp); err != nil {
			return err
		}
		byID[id].Components = append(byID[id].Components, comp)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read maintenance components: %w", err)
	}
	err = eachRow(ctx, q, s.q(`SELECT id, maintenance_id, status, message, public, at_ms, created_ms, author
		FROM maintenance_updates WHERE maintenance_id IN `+in+` ORDER BY at_ms, seq`), anys(ids), func(rows *sql.Rows) error {
		var u sitrep.MaintenanceUpdate
		var status string
		var at, created int64
		if err := rows.Scan(&u.ID, &u.MaintenanceID, &status, &u.Message, &u.Public, &at, &created, &u.Author); err != nil {
			return err
		}
		u.Status, u.At, u.CreatedAt = sitrep.MaintenanceStatus(status), fromMS(at), fromMS(created)
		byID[u.MaintenanceID].Updates = append(byID[u.MaintenanceID].Updates, u)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read maintenance updates: %w", err)
	}
	return nil
}

func (s *Store) location(name string) (*time.Location, error) {
	if l, ok := s.zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	s.zones.Store(name, l)
	return l, nil
}
