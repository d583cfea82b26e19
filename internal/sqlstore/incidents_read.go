package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"sitrep"
)

const (
	incidentCols = `id, title, impact, status, automatic, taken_over, created_ms, updated_ms, started_ms,
		monitoring_ms, resolved_ms, first_failed_ms, detected_ms, nudged_ms`
	incidentColCount = 14
)

func incidentArgs(inc *sitrep.Incident) []any {
	return []any{inc.ID, inc.Title, string(inc.Impact), string(inc.Status), inc.Automatic, inc.TakenOver,
		toMS(inc.CreatedAt), toMS(inc.UpdatedAt), toMS(inc.StartedAt), toMS(inc.MonitoringAt), toMS(inc.ResolvedAt),
		toMS(inc.FirstFailedAt), toMS(inc.DetectedAt), toMS(inc.NudgedAt)}
}

// incidentBegin is when an incident started to affect users: StartedAt, or
// CreatedAt when that is unknown. History is ordered and filtered by it.
const incidentBegin = `(CASE WHEN started_ms <> 0 THEN started_ms ELSE created_ms END)`

// FindIncidents returns matching incidents, newest (by start) first, and
// how many match in all; count and page are one snapshot.
func (s *Store) FindIncidents(ctx context.Context, f sitrep.IncidentFilter) ([]*sitrep.Incident, int, error) {
	var where []string
	var args []any
	if f.Open != nil {
		if *f.Open {
			where = append(where, `status <> ?`)
		} else {
			where = append(where, `status = ?`)
		}
		args = append(args, string(sitrep.IncidentResolved))
	}
	if f.ComponentID != "" {
		where = append(where, `id IN (SELECT incident_id FROM incident_components WHERE component_id = ?)`)
		args = append(args, f.ComponentID)
	}
	// Open at some time in [From, To): began before To and was not yet
	// resolved at From. A resolved incident without ResolvedAt counts as
	// resolved when last updated.
	if !f.To.IsZero() {
		where = append(where, incidentBegin+` < ?`)
		args = append(args, f.To.UnixMilli())
	}
	if !f.From.IsZero() {
		where = append(where, `(status <> ? OR (CASE WHEN resolved_ms <> 0 THEN resolved_ms ELSE updated_ms END) >= ?)`)
		args = append(args, string(sitrep.IncidentResolved), f.From.UnixMilli())
	}
	cond := ""
	if len(where) > 0 {
		cond = `WHERE ` + strings.Join(where, ` AND `)
	}
	limit, offset := pageOf(f.Limit, f.Offset)
	var total int
	var incs []*sitrep.Incident
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM incidents `+cond), args...).Scan(&total); err != nil {
			return err
		}
		if offset >= total {
			return nil
		}
		var err error
		incs, err = s.readIncidents(ctx, tx, cond+` ORDER BY `+incidentBegin+` DESC, seq DESC LIMIT ? OFFSET ?`,
			append(args, limit, offset)...)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find incidents: %w", err)
	}
	return incs, total, nil
}

func pageOf(limit, offset int) (int, int) {
	if limit <= 0 {
		limit = defaultFindLimit
	}
	return limit, max(offset, 0)
}

// readIncidents reads the incidents selected by tail (a WHERE clause and
// ordering over the incidents table) with all their parts, in tail's order.
func (s *Store) readIncidents(ctx context.Context, q querier, tail string, args ...any) ([]*sitrep.Incident, error) {
	rows, err := q.QueryContext(ctx, s.q(`SELECT `+incidentCols+` FROM incidents `+tail), args...)
	if err != nil {
		return nil, fmt.Errorf("read incidents: %w", err)
	}
	defer rows.Close()
	var out []*sitrep.Incident
	byID := map[string]*sitrep.Incident{}
	for rows.Next() {
		inc := &sitrep.Incident{}
		var impact, status string
		var created, updated, started, monitoring, resolved, firstFailed, detected, nudged int64
		if err := rows.Scan(&inc.ID, &inc.Title, &impact, &status, &inc.Automatic, &inc.TakenOver, &created, &updated,
			&started, &monitoring, &resolved, &firstFailed, &detected, &nudged); err != nil {
			return nil, fmt.Errorf("read incidents: %w", err)
		}
		inc.Impact, inc.Status = sitrep.Impact(impact), sitrep.IncidentStatus(status)
		inc.CreatedAt, inc.UpdatedAt, inc.StartedAt = fromMS(created), fromMS(updated), fromMS(started)
		inc.MonitoringAt, inc.ResolvedAt = fromMS(monitoring), fromMS(resolved)
		inc.FirstFailedAt, inc.DetectedAt, inc.NudgedAt = fromMS(firstFailed), fromMS(detected), fromMS(nudged)
		out = append(out, inc)
		byID[inc.ID] = inc
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read incidents: %w", err)
	}
	rows.Close()
	ids := make([]string, len(out))
	for i, inc := range out {
		ids[i] = inc.ID
	}
	for _, chunk := range chunks(ids) {
		if err := s.readIncidentParts(ctx, q, chunk, byID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// idChunk bounds the ids in one IN list, well under both databases' limit
// on query parameters.
const idChunk = 500

func chunks(ids []string) [][]string {
	var out [][]string
	for len(ids) > 0 {
		n := min(len(ids), idChunk)
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	return out
}

func (s *Store) readIncidentParts(ctx context.Context, q querier, ids []string, byID map[string]*sitrep.Incident) error {
	in := `(` + placeholders(len(ids)) + `)`
	err := eachRow(ctx, q, s.q(`SELECT incident_id, component_id, status FROM incident_components
		WHERE incident_id IN `+in+` ORDER BY incident_id, pos`), anys(ids), func(rows *sql.Rows) error {
		var id, comp, status string
		if err := rows.Scan(&id, &comp, &status); err != nil {
			return err
		}
		inc := byID[id]
		inc.Components = append(inc.Components, sitrep.AffectedComponent{ComponentID: comp, Status: sitrep.ComponentStatus(status)})
		return nil
	})
	if err != nil {
		return fmt.Errorf("read incident components: %w", err)
	}
	err = eachRow(ctx, q, s.q(`SELECT id, incident_id, status, message, public, at_ms, created_ms, author, components
		FROM incident_updates WHERE incident_id IN `+in+` ORDER BY at_ms, seq`), anys(ids), func(rows *sql.Rows) error {
		var u sitrep.IncidentUpdate
		var status, comps string
		var at, created int64
		if err := rows.Scan(&u.ID, &u.IncidentID, &status, &u.Message, &u.Public, &at, &created, &u.Author, &comps); err != nil {
			return err
		}
		u.Status, u.At, u.CreatedAt = sitrep.IncidentStatus(status), fromMS(at), fromMS(created)
		var err error
		if u.Components, err = decodeComponents(comps); err != nil {
			return fmt.Errorf("update %s: %w", u.ID, err)
		}
		inc := byID[u.IncidentID]
		inc.Updates = append(inc.Updates, u)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read incident updates: %w", err)
	}
	err = eachRow(ctx, q, s.q(`SELECT incident_id, summary, root_cause, impact, timeline, action_items, published,
		published_ms, updated_ms, author FROM postmortems WHERE incident_id IN `+in), anys(ids), func(rows *sql.Rows) error {
		var id, timeline, items string
		var published, updated int64
		pm := &sitrep.Postmortem{}
		if err := rows.Scan(&id, &pm.Summary, &pm.RootCause, &pm.Impact, &timeline, &items, &pm.Published,
			&published, &updated, &pm.Author); err != nil {
			return err
		}
		pm.PublishedAt, pm.UpdatedAt = fromMS(published), fromMS(updated)
		if err := decodePostmortemLists(pm, timeline, items); err != nil {
			return fmt.Errorf("postmortem of %s: %w", id, err)
		}
		byID[id].Postmortem = pm
		return nil
	})
	if err != nil {
		return fmt.Errorf("read postmortems: %w", err)
	}
	return nil
}

// eachRow runs query and calls fn for every row.
func eachRow(ctx context.Context, q querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
