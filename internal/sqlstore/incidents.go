package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"

	"sitrep"
)

var _ sitrep.IncidentStore = (*Store)(nil)

// CreateIncident stores a new incident with its updates and postmortem,
// setting the IDs of the incident and its updates. An incident that
// already carries an ID keeps it (ECONFLICT if taken).
func (s *Store) CreateIncident(ctx context.Context, inc *sitrep.Incident) error {
	if inc == nil {
		return sitrep.Errorf(sitrep.EINVALID, "no incident to create")
	}
	if err := checkIncident(inc); err != nil {
		return err
	}
	given := inc.ID != ""
	if !given {
		inc.ID = newID()
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		if given {
			var n int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM incidents WHERE id = ?`), inc.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return sitrep.Errorf(sitrep.ECONFLICT, "an incident with id %q exists already", inc.ID)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO incidents (`+incidentCols+`)
			VALUES (`+placeholders(incidentColCount)+`)`), incidentArgs(inc)...); err != nil {
			return err
		}
		if err := s.writeIncidentParts(ctx, tx, inc, nil); err != nil {
			return err
		}
		// The change announces itself in its own transaction (outbox).
		return s.writeEvents(ctx, tx, append(inc.Events, sitrep.IncidentEvents(nil, inc)...))
	})
	if err != nil {
		return fmt.Errorf("create incident %q: %w", inc.Title, err)
	}
	inc.Events = nil
	return nil
}

// UpdateIncident reads the incident, lets fn change it and writes the
// difference back in one write transaction (see updateRecord).
func (s *Store) UpdateIncident(ctx context.Context, id string, fn func(*sitrep.Incident) error) (*sitrep.Incident, error) {
	return updateRecord(ctx, s, id, recordKind[*sitrep.Incident]{
		table: "incidents", what: "incident", notFound: incidentNotFound,
		read: s.incidentByID, clone: cloneIncident, write: s.writeIncidentUpdate,
	}, fn)
}

// writeIncidentUpdate stores inc over old, and the events the change
// announces, inside tx.
func (s *Store) writeIncidentUpdate(ctx context.Context, tx *sql.Tx, id string, inc, old *sitrep.Incident) error {
	inc.ID = id
	if err := checkIncident(inc); err != nil {
		return err
	}
	args := append(incidentArgs(inc)[1:], id)
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE incidents SET title = ?, impact = ?, status = ?, automatic = ?,
		taken_over = ?, created_ms = ?, updated_ms = ?, started_ms = ?, monitoring_ms = ?, resolved_ms = ?,
		first_failed_ms = ?, detected_ms = ?, nudged_ms = ? WHERE id = ?`), args...); err != nil {
		return err
	}
	if err := s.writeIncidentParts(ctx, tx, inc, old); err != nil {
		return err
	}
	return s.writeEvents(ctx, tx, append(inc.Events, sitrep.IncidentEvents(old, inc)...))
}

// Incident returns one incident with its updates and postmortem.
func (s *Store) Incident(ctx context.Context, id string) (*sitrep.Incident, error) {
	var inc *sitrep.Incident
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		inc, err = s.incidentByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read incident %s: %w", id, err)
	}
	return inc, nil
}

func (s *Store) incidentByID(ctx context.Context, q querier, id string) (*sitrep.Incident, error) {
	incs, err := s.readIncidents(ctx, q, `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(incs) == 0 {
		return nil, incidentNotFound(id)
	}
	return incs[0], nil
}

func incidentNotFound(id string) error {
	return sitrep.Errorf(sitrep.ENOTFOUND, "no incident with id %q", id)
}

// checkIncident refuses what the tables cannot hold.
func checkIncident(inc *sitrep.Incident) error {
	seen := make(map[string]bool, len(inc.Components))
	for _, c := range inc.Components {
		if seen[c.ComponentID] {
			return sitrep.FieldErrorf(sitrep.EINVALID, "components", "component %q is listed twice", c.ComponentID)
		}
		seen[c.ComponentID] = true
	}
	return nil
}

// writeIncidentParts writes components, updates and postmortem. With old
// (what was read before fn ran) only what changed is written, so a new
// update costs one insert however long the timeline is.
func (s *Store) writeIncidentParts(ctx context.Context, tx *sql.Tx, inc, old *sitrep.Incident) error {
	if old == nil || !reflect.DeepEqual(old.Components, inc.Components) {
		if old != nil {
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM incident_components WHERE incident_id = ?`), inc.ID); err != nil {
				return fmt.Errorf("replace components: %w", err)
			}
		}
		for i, c := range inc.Components {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO incident_components (incident_id, component_id, status, pos)
				VALUES (?, ?, ?, ?)`), inc.ID, c.ComponentID, string(c.Status), i); err != nil {
				return fmt.Errorf("store component %s: %w", c.ComponentID, err)
			}
		}
	}
	before := map[string]sitrep.IncidentUpdate{}
	if old != nil {
		for _, u := range old.Updates {
			before[u.ID] = u
		}
	}
	for i := range inc.Updates {
		u := &inc.Updates[i]
		u.IncidentID = inc.ID
		if u.ID == "" {
			u.ID = newID()
		}
		prev, existed := before[u.ID]
		delete(before, u.ID)
		if existed && reflect.DeepEqual(prev, *u) {
			continue
		}
		comps, err := encodeComponents(u.Components)
		if err != nil {
			return err
		}
		args := []any{string(u.Status), u.Message, u.Public, toMS(u.At), toMS(u.CreatedAt), u.Author, comps, u.ID, inc.ID}
		query := `INSERT INTO incident_updates (status, message, public, at_ms, created_ms, author, components, id, incident_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
		if existed {
			query = `UPDATE incident_updates SET status = ?, message = ?, public = ?, at_ms = ?, created_ms = ?,
				author = ?, components = ? WHERE id = ? AND incident_id = ?`
		}
		if _, err := tx.ExecContext(ctx, s.q(query), args...); err != nil {
			return fmt.Errorf("store update %s: %w", u.ID, err)
		}
	}
	// What fn removed from the timeline goes from the table too.
	for id := range before {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM incident_updates WHERE id = ? AND incident_id = ?`), id, inc.ID); err != nil {
			return fmt.Errorf("delete update %s: %w", id, err)
		}
	}
	if old != nil && reflect.DeepEqual(old.Postmortem, inc.Postmortem) {
		return nil
	}
	return s.writePostmortem(ctx, tx, inc.ID, inc.Postmortem)
}

func (s *Store) writePostmortem(ctx context.Context, tx *sql.Tx, id string, pm *sitrep.Postmortem) error {
	if pm == nil {
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM postmortems WHERE incident_id = ?`), id)
		return err
	}
	timeline, items, err := encodePostmortemLists(pm)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO postmortems (incident_id, summary, root_cause, impact, timeline,
		action_items, published, published_ms, updated_ms, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (incident_id) DO UPDATE SET summary = excluded.summary, root_cause = excluded.root_cause,
		impact = excluded.impact, timeline = excluded.timeline, action_items = excluded.action_items,
		published = excluded.published, published_ms = excluded.published_ms, updated_ms = excluded.updated_ms,
		author = excluded.author`), id, pm.Summary, pm.RootCause, pm.Impact, timeline, items, pm.Published,
		toMS(pm.PublishedAt), toMS(pm.UpdatedAt), pm.Author)
	if err != nil {
		return fmt.Errorf("store postmortem: %w", err)
	}
	return nil
}

// cloneIncident copies everything fn could change in place.
func cloneIncident(inc *sitrep.Incident) *sitrep.Incident {
	c := *inc
	c.Components = append([]sitrep.AffectedComponent(nil), inc.Components...)
	c.Updates = make([]sitrep.IncidentUpdate, len(inc.Updates))
	for i, u := range inc.Updates {
		u.Components = append([]sitrep.AffectedComponent(nil), u.Components...)
		c.Updates[i] = u
	}
	if inc.Postmortem != nil {
		pm := *inc.Postmortem
		pm.Timeline = append([]sitrep.TimelineEntry(nil), pm.Timeline...)
		pm.ActionItems = append([]sitrep.ActionItem(nil), pm.ActionItems...)
		c.Postmortem = &pm
	}
	return &c
}
