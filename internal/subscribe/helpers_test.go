package subscribe_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/clock"
	"sitrep/internal/sqlstore"
	"sitrep/internal/subscribe"
)

var t0 = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)

var testKey = []byte("0123456789abcdef0123456789abcdef")

// records is an in-memory Records, so golden tests have fixed ids.
type records struct {
	mu  sync.Mutex
	inc map[string]*sitrep.Incident
	mnt map[string]*sitrep.Maintenance
}

func (r *records) Incident(_ context.Context, id string) (*sitrep.Incident, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i, ok := r.inc[id]; ok {
		return i, nil
	}
	return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no incident %q", id)
}

func (r *records) Maintenance(_ context.Context, id string) (*sitrep.Maintenance, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := r.mnt[id]; ok {
		return m, nil
	}
	return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no maintenance %q", id)
}

func testCatalog() subscribe.Catalog {
	oslo, _ := time.LoadLocation("Europe/Oslo")
	return subscribe.Catalog{
		Components: []sitrep.Component{
			{ID: "courses", Name: "Courses", Group: "Oslo"},
			{ID: "video", Name: "Video", Group: "Oslo"},
			{ID: "exams", Name: "Exams", Group: "Bergen"},
		},
		Pages: []sitrep.Page{
			{Slug: "main", Title: "Example status", Groups: []string{"Oslo", "Bergen"},
				Branding: sitrep.Branding{Name: "Example", AccentColor: "#0b5fff", Links: []sitrep.Link{{Title: "Support", URL: "https://example.com/support"}}},
				TimeZone: "Europe/Oslo", Location: oslo},
			{Slug: "bergen", Title: "Bergen status", Groups: []string{"Bergen"}, Branding: sitrep.Branding{Name: "Bergen"}},
		},
		PublicURL: "https://status.example.com",
	}
}

type env struct {
	store *sqlstore.Store
	svc   *subscribe.Service
	clk   *clock.Manual
	rec   *records
}

func newEnv(t testing.TB) *env {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), sqlstore.Options{Path: filepath.Join(t.TempDir(), "s.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{store: st, clk: clock.NewManual(t0), rec: &records{inc: map[string]*sitrep.Incident{}, mnt: map[string]*sitrep.Maintenance{}}}
	e.svc, err = subscribe.New(subscribe.Options{
		Store: st, Records: e.rec, Key: testKey, Clock: e.clk, UnsubscribeMailto: "unsubscribe@example.com", BatchSize: 3,
	}, testCatalog())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// confirmed adds a confirmed email subscriber directly.
func (e *env) confirmed(t testing.TB, page, addr string, comps ...string) string {
	t.Helper()
	res, err := e.svc.Subscribe(context.Background(), sitrep.SubscribeInput{Page: page, Email: addr, Components: comps})
	if err != nil || !res.Pending {
		t.Fatalf("subscribe %s: %+v %v", addr, res, err)
	}
	sub, err := e.store.SubscriberByAddress(context.Background(), page, sitrep.SubscriberEmail, addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.UpdateSubscriber(context.Background(), sub.ID, func(s *sitrep.Subscriber) error {
		s.Confirmed, s.ConfirmedAt, s.ConfirmHash = true, t0, nil
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return sub.ID
}
