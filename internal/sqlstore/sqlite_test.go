package sqlstore

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sitrep"
)

var t0 = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)

func hourOfResults(mon string, from time.Time, n int) []sitrep.Result {
	rs := make([]sitrep.Result, n)
	for i := range rs {
		rs[i] = sitrep.Result{MonitorID: mon, Location: "oslo", Time: from.Add(time.Duration(i) * time.Hour / time.Duration(n)),
			Status: sitrep.ResultUp, Latency: 20 * time.Millisecond}
	}
	return rs
}

func TestMigrationsInStep(t *testing.T) {
	lite, err := loadMigrations("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := loadMigrations("postgres")
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 || len(lite) != len(pg) {
		t.Fatalf("%d sqlite and %d postgres migrations; every change needs both", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].version != pg[i].version {
			t.Errorf("migration %d: sqlite %s, postgres %s", i, lite[i].name, pg[i].name)
		}
	}
}

func TestReopenResumes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sitrep.db")
	s := openSQLiteT(t, Options{Path: path})
	c := sitrep.StateChange{MonitorID: "web", From: sitrep.StateUp, To: sitrep.StateDown, At: t0, Reason: "refused"}
	if err := s.RecordStateChange(ctx, c); err != nil {
		t.Fatal(err)
	}
	tok, err := s.HeartbeatToken(ctx, "backup", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AppendResults(ctx, hourOfResults("web", t0, 10)); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = openSQLiteT(t, Options{Path: path})
	var versions int
	if err := s.r.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	ms, _ := loadMigrations("sqlite")
	if versions != len(ms) {
		t.Errorf("schema_migrations holds %d versions, want %d", versions, len(ms))
	}
	var av int
	if err := s.r.QueryRow(`PRAGMA auto_vacuum`).Scan(&av); err != nil || av != 2 {
		t.Errorf("auto_vacuum = %d, %v; want 2 (incremental)", av, err)
	}
	states, err := s.MonitorStates(ctx)
	if err != nil || len(states) != 1 || states[0].State != sitrep.StateDown || !states[0].Since.Equal(t0) {
		t.Errorf("MonitorStates after reopen = %+v, %v", states, err)
	}
	if again, err := s.HeartbeatToken(ctx, "backup", ""); err != nil || again != tok {
		t.Errorf("token after reopen = %q, %v; want %q", again, err, tok)
	}
	if rs, err := s.Results(ctx, "web", t0, t0.Add(time.Hour)); err != nil || len(rs) != 10 {
		t.Errorf("Results after reopen: %d, %v", len(rs), err)
	}
}

func TestLowDisk(t *testing.T) {
	ctx := context.Background()
	var free atomic.Int64
	free.Store(10 << 30)
	s := openSQLiteT(t, Options{MinFreeDisk: 1 << 30, FreeDisk: func(string) (int64, error) { return free.Load(), nil }})
	for h := range 5 {
		if err := s.AppendResults(ctx, hourOfResults("web", t0.Add(time.Duration(h)*time.Hour), 60)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Maintain(ctx, t0.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}

	free.Store(1<<30 - 1) // one byte under the floor
	if err := s.AppendResults(ctx, hourOfResults("web", t0.Add(5*time.Hour), 60)); err != nil {
		t.Fatalf("AppendResults on low disk must drop, not fail: %v", err)
	}
	if err := s.RecordStateChange(ctx, sitrep.StateChange{MonitorID: "web", From: sitrep.StateUp, To: sitrep.StateDown, At: t0}); err != nil {
		t.Errorf("state change on low disk: %v", err)
	}
	if err := s.RecordPing(ctx, sitrep.Ping{MonitorID: "backup", Kind: sitrep.PingSuccess, Time: t0}); err != nil {
		t.Errorf("ping on low disk: %v", err)
	}
	u, err := s.Usage(ctx)
	if err != nil || !u.LowDisk || u.DiskFree != 1<<30-1 {
		t.Errorf("Usage on low disk = %+v, %v", u, err)
	}
	if err := s.Maintain(ctx, t0.Add(6*time.Hour)); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Results(ctx, "web", t0, t0.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// The oldest hour of blocks went to free space; the dropped hour never came.
	if len(rs) != 4*60 || !rs[0].Time.Equal(t0.Add(time.Hour)) {
		t.Errorf("after low-disk Maintain: %d results from %v; want 240 from %v", len(rs), rs[0].Time, t0.Add(time.Hour))
	}
	if ro, err := s.Rollups(ctx, "web", sitrep.ResolutionHour, t0, t0.Add(24*time.Hour)); err != nil || len(ro) != 5 {
		t.Errorf("rollups must stay on low disk: %d, %v", len(ro), err)
	}

	free.Store(10 << 30)
	if err := s.AppendResults(ctx, hourOfResults("web", t0.Add(7*time.Hour), 60)); err != nil {
		t.Fatal(err)
	}
	if rs, _ := s.Results(ctx, "web", t0.Add(7*time.Hour), t0.Add(8*time.Hour)); len(rs) != 60 {
		t.Errorf("after recovery %d results stored, want 60", len(rs))
	}
	if u, _ := s.Usage(ctx); u.LowDisk {
		t.Error("LowDisk still set after recovery")
	}
}

func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	s := openSQLiteT(t, Options{})
	if err := s.AppendResults(ctx, hourOfResults("web", t0, 10)); err != nil {
		t.Fatal(err)
	}
	var pages int64
	if err := s.w.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// A real SQLITE_FULL: the one writer connection may not grow the file.
	if _, err := s.w.Exec(`PRAGMA max_page_count = ` + itoa(pages)); err != nil {
		t.Fatal(err)
	}
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		rs := hourOfResults("web", t0.Add(time.Duration(i)*time.Hour), 2000)
		for j := range rs {
			rs[j].Error = strings.Repeat("x", 10) + itoa(int64(i*2000+j)) // new dictionary rows
		}
		err = s.AppendResults(ctx, rs)
	}
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "disk is full") {
		t.Fatalf("append on a full disk: err = %v, want ErrDiskFull", err)
	}
	if _, err := s.w.Exec(`PRAGMA max_page_count = 1000000000`); err != nil {
		t.Fatal(err)
	}
	if err := s.Writable(ctx); err != nil {
		t.Errorf("Writable after space came back: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
