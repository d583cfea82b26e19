package engine

import (
	"context"
	"testing"
	"time"

	"sitrep"
)

func TestResultsValidation(t *testing.T) {
	f := newFixture(t, nil, Options{}, tcpMonitor("a", 1, 1))
	tests := []struct {
		name     string
		id       string
		from, to time.Time
		code     string
	}{
		{"from equals to", "a", t0, t0, sitrep.EINVALID},
		{"from after to", "a", t0.Add(time.Hour), t0, sitrep.EINVALID},
		{"range too long", "a", t0.Add(-500 * 24 * time.Hour), t0, sitrep.EINVALID},
		{"unknown monitor", "zz", t0.Add(-time.Hour), t0, sitrep.ENOTFOUND},
		{"fine", "a", t0.Add(-time.Hour), t0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.e.Results(context.Background(), tt.id, tt.from, tt.to)
			if got := sitrep.ErrorCode(err); got != tt.code {
				t.Errorf("error %v (code %q), want code %q", err, got, tt.code)
			}
		})
	}
}

func TestResultsRawAndRollups(t *testing.T) {
	store := newFakeStore()
	day := 24 * time.Hour
	// Raw kept from t0-1h; older results only as rollups.
	for i := range 4 {
		store.results = append(store.results, sitrep.Result{MonitorID: "a", Location: "oslo", Status: up, Time: t0.Add(-2*time.Hour + time.Duration(i)*30*time.Minute)})
	}
	store.rawFrom["a"] = t0.Add(-time.Hour)
	for _, res := range []sitrep.Resolution{sitrep.ResolutionMinute, sitrep.ResolutionHour, sitrep.ResolutionDay} {
		for i := 1; i <= 3; i++ {
			store.rollups = append(store.rollups, sitrep.Rollup{MonitorID: "a", Resolution: res, Start: t0.Add(-time.Hour - time.Duration(i)*res.Duration()).Truncate(res.Duration()), Up: 1})
		}
	}
	f := newFixture(t, store, Options{}, tcpMonitor("a", 1, 1))
	buffered := f.runNext("a") // not yet flushed

	tests := []struct {
		name     string
		from     time.Time
		res      sitrep.Resolution
		rollups  int
		raw      int
		rawFirst time.Time
	}{
		{"within raw", t0.Add(-time.Hour), "", 0, 3, t0.Add(-time.Hour)},
		{"minute rollups before raw", t0.Add(-3 * time.Hour), sitrep.ResolutionMinute, 3, 3, t0.Add(-time.Hour)},
		{"hour rollups for days", t0.Add(-10 * day), sitrep.ResolutionHour, 3, 3, t0.Add(-time.Hour)},
		{"day rollups for months", t0.Add(-100 * day), sitrep.ResolutionDay, 3, 3, t0.Add(-time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := f.e.Results(context.Background(), "a", tt.from, buffered.Add(time.Second))
			if err != nil {
				t.Fatal(err)
			}
			if rs.Resolution != tt.res || len(rs.Rollups) != tt.rollups {
				t.Errorf("rollups: %s ×%d, want %s ×%d", rs.Resolution, len(rs.Rollups), tt.res, tt.rollups)
			}
			if len(rs.Raw) != tt.raw || !rs.Raw[0].Time.Equal(tt.rawFirst) || !rs.Raw[len(rs.Raw)-1].Time.Equal(buffered) {
				t.Errorf("raw: %d results from %v; want %d from %v ending with the buffered one", len(rs.Raw), rs.Raw, tt.raw, tt.rawFirst)
			}
			for _, r := range rs.Rollups {
				if !r.Start.Before(store.rawFrom["a"]) {
					t.Errorf("rollup at %v overlaps raw results", r.Start)
				}
			}
		})
	}
}

func TestMergeSkipsDuplicates(t *testing.T) {
	at := func(s int) sitrep.Result {
		return sitrep.Result{Time: t0.Add(time.Duration(s) * time.Second), Location: "oslo"}
	}
	got := merge([]sitrep.Result{at(1), at(3), at(5)}, []sitrep.Result{at(2), at(3), at(6)})
	want := []int{1, 2, 3, 5, 6}
	if len(got) != len(want) {
		t.Fatalf("merge gave %d results, want %d", len(got), len(want))
	}
	for i, s := range want {
		if !got[i].Time.Equal(at(s).Time) {
			t.Errorf("merged[%d] at %v, want +%ds", i, got[i].Time, s)
		}
	}
}

func TestResolutionFor(t *testing.T) {
	tests := []struct {
		span time.Duration
		want sitrep.Resolution
	}{
		{time.Hour, sitrep.ResolutionMinute},
		{47 * time.Hour, sitrep.ResolutionMinute},
		{48 * time.Hour, sitrep.ResolutionHour},
		{89 * 24 * time.Hour, sitrep.ResolutionHour},
		{90 * 24 * time.Hour, sitrep.ResolutionDay},
	}
	for _, tt := range tests {
		if got := resolutionFor(tt.span); got != tt.want {
			t.Errorf("resolutionFor(%v) = %s, want %s", tt.span, got, tt.want)
		}
	}
}
