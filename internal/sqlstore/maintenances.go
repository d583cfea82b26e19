package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"

	"sitrep"
)

var _ sitrep.MaintenanceStore = (*Store)(nil)

// CreateMaintenance stores a new window with its updates, setting the IDs
// of the window and its updates. A window that already carries an ID keeps
// it (ECONFLICT if taken).
func (s *Store) CreateMaintenance(ctx context.Context, m *sitrep.Maintenance) error {
	if m == nil {
		return sitrep.Errorf(sitrep.EINVALID, "no maintenance window to create")
	}
	if err := checkMaintenance(m); err != nil {
		return err
	}
	given := m.ID != ""
	if !given {
		m.ID = newID()
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		if given {
			var n int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM maintenances WHERE id = ?`), m.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return sitrep.Errorf(sitrep.ECONFLICT, "a maintenance window with id %q exists already", m.ID)
			}
		}
		args, err := maintenanceArgs(m)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO maintenances (`+maintenanceCols+`)
			VALUES (`+placeholders(maintenanceColCount)+`)`), args...); err != nil {
			return err
		}
		if err := s.writeMaintenanceParts(ctx, tx, m, nil); err != nil {
			return err
		}
		// The change announces itself in its own transaction (outbox).
		return s.writeEvents(ctx, tx, append(m.Events, sitrep.MaintenanceEvents(nil, m)...))
	})
	if err != nil {
		return fmt.Errorf("create maintenance window %q: %w", m.Title, err)
	}
	m.Events = nil
	return nil
}

// UpdateMaintenance is UpdateIncident for maintenance windows: read, fn,
// write the difference, in one write transaction. fn must not call the
// store.
func (s *Store) UpdateMaintenance(ctx context.Context, id string, fn func(*sitrep.Maintenance) error) (*sitrep.Maintenance, error) {
	return updateRecord(ctx, s, id, recordKind[*sitrep.Maintenance]{
		table: "maintenances", what: "maintenance window", notFound: maintenanceNotFound,
		read: s.maintenanceByID, clone: cloneMaintenance, write: s.writeMaintenanceUpdate,
	}, fn)
}

// writeMaintenanceUpdate stores m over old, and the events the change
// announces, inside tx.
func (s *Store) writeMaintenanceUpdate(ctx context.Context, tx *sql.Tx, id string, m, old *sitrep.Maintenance) error {
	m.ID = id
	if err := checkMaintenance(m); err != nil {
		return err
	}
	args, err := maintenanceArgs(m)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE maintenances SET title = ?, description = ?, status = ?,
		planned_start_ms = ?, planned_end_ms = ?, actual_start_ms = ?, actual_end_ms = ?, overrun = ?, overrun_ms = ?,
		reminders_sent = ?, recurrence = ?, rec_weekdays = ?, rec_start_ms = ?, rec_end_ms = ?, rec_zone = ?,
		rec_until_ms = ?, series_id = ?, created_ms = ?, updated_ms = ?, author = ? WHERE id = ?`),
		append(args[1:], id)...); err != nil {
		return err
	}
	if err := s.writeMaintenanceParts(ctx, tx, m, old); err != nil {
		return err
	}
	return s.writeEvents(ctx, tx, append(m.Events, sitrep.MaintenanceEvents(old, m)...))
}

// Maintenance returns one window with its updates.
func (s *Store) Maintenance(ctx context.Context, id string) (*sitrep.Maintenance, error) {
	var m *sitrep.Maintenance
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = s.maintenanceByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read maintenance window %s: %w", id, err)
	}
	return m, nil
}

func (s *Store) maintenanceByID(ctx context.Context, q querier, id string) (*sitrep.Maintenance, error) {
	ms, err := s.readMaintenances(ctx, q, `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, maintenanceNotFound(id)
	}
	return ms[0], nil
}

func maintenanceNotFound(id string) error {
	return sitrep.Errorf(sitrep.ENOTFOUND, "no maintenance window with id %q", id)
}

func checkMaintenance(m *sitrep.Maintenance) error {
	seen := make(map[string]bool, len(m.Components))
	for _, c := range m.Components {
		if seen[c] {
			return sitrep.FieldErrorf(sitrep.EINVALID, "components", "component %q is listed twice", c)
		}
		seen[c] = true
	}
	return nil
}

// writeMaintenanceParts writes components and updates; with old only what
// changed.
func (s *Store) writeMaintenanceParts(ctx context.Context, tx *sql.Tx, m, old *sitrep.Maintenance) error {
	if old == nil || !reflect.DeepEqual(old.Components, m.Components) {
		if old != nil {
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM maintenance_components WHERE maintenance_id = ?`), m.ID); err != nil {
				return fmt.Errorf("replace components: %w", err)
			}
		}
		for i, c := range m.Components {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO maintenance_components (maintenance_id, component_id, pos)
				VALUES (?, ?, ?)`), m.ID, c, i); err != nil {
				return fmt.Errorf("store component %s: %w", c, err)
			}
		}
	}
	before := map[string]sitrep.MaintenanceUpdate{}
	if old != nil {
		for _, u := range old.Updates {
			before[u.ID] = u
		}
	}
	for i := range m.Updates {
		u := &m.Updates[i]
		u.MaintenanceID = m.ID
		if u.ID == "" {
			u.ID = newID()
		}
		prev, existed := before[u.ID]
		delete(before, u.ID)
		if existed && prev == *u {
			continue
		}
		args := []any{string(u.Status), u.Message, u.Public, toMS(u.At), toMS(u.CreatedAt), u.Author, u.ID, m.ID}
		query := `INSERT INTO maintenance_updates (status, message, public, at_ms, created_ms, author, id, maintenance_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
		if existed {
			query = `UPDATE maintenance_updates SET status = ?, message = ?, public = ?, at_ms = ?, created_ms = ?,
				author = ? WHERE id = ? AND maintenance_id = ?`
		}
		if _, err := tx.ExecContext(ctx, s.q(query), args...); err != nil {
			return fmt.Errorf("store update %s: %w", u.ID, err)
		}
	}
	for id := range before {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM maintenance_updates WHERE id = ? AND maintenance_id = ?`), id, m.ID); err != nil {
			return fmt.Errorf("delete update %s: %w", id, err)
		}
	}
	return nil
}

func cloneMaintenance(m *sitrep.Maintenance) *sitrep.Maintenance {
	c := *m
	c.Components = append([]string(nil), m.Components...)
	c.Updates = append([]sitrep.MaintenanceUpdate(nil), m.Updates...)
	return &c
}
