package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"sitrep"
)

// Records people wrote go through the same writer as everything else;
// this pins that it runs with synchronous=FULL, so an acknowledged
// incident update survives power loss.
func TestWriterIsSynchronousFull(t *testing.T) {
	s := openSQLiteT(t, Options{})
	if err := s.SetAdminTokenHash(context.Background(), "h"); err != nil {
		t.Fatal(err)
	}
	var sync int
	if err := s.w.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if sync != 2 {
		t.Errorf("writer PRAGMA synchronous = %d, want 2 (FULL)", sync)
	}
}

// TestTwoNodesOneIncident opens two stores on one database, as two sitrep
// processes (or HA nodes) would, and has both update one incident at once:
// their in-process write locks do not see each other, so only the
// database (BEGIN IMMEDIATE on SQLite, FOR UPDATE on PostgreSQL) keeps
// read-modify-writes from overwriting each other.
func TestTwoNodesOneIncident(t *testing.T) {
	for _, c := range []struct {
		name string
		open func(t *testing.T) (*Store, *Store)
	}{
		{"sqlite", func(t *testing.T) (*Store, *Store) {
			path := filepath.Join(t.TempDir(), "sitrep.db")
			return openSQLiteT(t, Options{Path: path}), openSQLiteT(t, Options{Path: path})
		}},
		{"postgres", func(t *testing.T) (*Store, *Store) {
			u := pgTestURL(t)
			open := func() *Store {
				s, err := Open(context.Background(), Options{Driver: "postgres", URL: u})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			return open(), open()
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			a, b := c.open(t)
			inc := &sitrep.Incident{Title: "shared", Status: sitrep.IncidentInvestigating, CreatedAt: t0, UpdatedAt: t0}
			if err := a.CreateIncident(ctx, inc); err != nil {
				t.Fatal(err)
			}
			const each = 10
			var wg sync.WaitGroup
			for n, s := range []*Store{a, b, a, b} {
				wg.Go(func() {
					for i := range each {
						_, err := s.UpdateIncident(ctx, inc.ID, func(in *sitrep.Incident) error {
							in.UpdatedAt = in.UpdatedAt.Add(time.Millisecond)
							in.Updates = append(in.Updates, sitrep.IncidentUpdate{Message: fmt.Sprintf("%d/%d", n, i), At: t0})
							return nil
						})
						if err != nil {
							t.Errorf("node %d update %d: %v", n, i, err)
						}
					}
				})
			}
			wg.Wait()
			got, err := b.Incident(ctx, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Updates) != 4*each || !got.UpdatedAt.Equal(t0.Add(4*each*time.Millisecond)) {
				t.Errorf("%d updates, UpdatedAt %v; want %d and %v", len(got.Updates), got.UpdatedAt, 4*each, t0.Add(4*each*time.Millisecond))
			}
		})
	}
}

// benchIncident is a typical incident: two components, a postmortem and
// n updates.
func benchIncident(i, updates int) *sitrep.Incident {
	at := t0.Add(time.Duration(i) * time.Hour)
	inc := &sitrep.Incident{Title: fmt.Sprintf("Courses unavailable %d", i), Impact: sitrep.ImpactMajor, Status: sitrep.IncidentResolved,
		Components: []sitrep.AffectedComponent{{ComponentID: "courses-oslo", Status: sitrep.StatusMajorOutage},
			{ComponentID: "video-oslo", Status: sitrep.StatusPartialOutage}},
		CreatedAt: at, UpdatedAt: at.Add(time.Hour), StartedAt: at, ResolvedAt: at.Add(time.Hour),
		Postmortem: &sitrep.Postmortem{Summary: "A disk filled.", RootCause: "Logs were not rotated.",
			ActionItems: []sitrep.ActionItem{{Title: "Rotate logs", Owner: "ops", Due: at.Add(7 * 24 * time.Hour)}}}}
	for k := range updates {
		inc.Updates = append(inc.Updates, sitrep.IncidentUpdate{Status: sitrep.IncidentInvestigating, Public: true,
			Message: "We are investigating problems with Courses in the Oslo data centre.", At: at.Add(time.Duration(k) * time.Minute),
			CreatedAt: at.Add(time.Duration(k) * time.Minute), Author: "ops"})
	}
	return inc
}

// BenchmarkUpdateIncident appends one update to an incident that already
// has 20, the write a responder or automation makes (SQLite, FULL sync).
func BenchmarkUpdateIncident(b *testing.B) {
	ctx := context.Background()
	s := openSQLiteT(b, Options{})
	inc := benchIncident(0, 20)
	if err := s.CreateIncident(ctx, inc); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_, err := s.UpdateIncident(ctx, inc.ID, func(in *sitrep.Incident) error {
			in.Updates = append(in.Updates, sitrep.IncidentUpdate{Status: in.Status, Message: "Still working on it.", Public: true, At: t0})
			in.Updates = in.Updates[1:] // keep the timeline at 20 updates so every op does the same work
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindIncidents reads a page of 500 incidents (5 updates each)
// out of 2,000, as the status engine does when it loads two years of
// history.
func BenchmarkFindIncidents(b *testing.B) {
	ctx := context.Background()
	s := openSQLiteT(b, Options{})
	for i := range 2000 {
		if err := s.CreateIncident(ctx, benchIncident(i, 5)); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		incs, total, err := s.FindIncidents(ctx, sitrep.IncidentFilter{Limit: 500, Offset: 500})
		if err != nil || len(incs) != 500 || total != 2000 {
			b.Fatalf("FindIncidents = %d of %d, %v", len(incs), total, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/500, "µs/incident")
}
