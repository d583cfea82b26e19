package admin

import (
	"strings"
	"testing"
	"time"

	"sitrep"
)

func TestBucketize(t *testing.T) {
	from := testNow.Add(-time.Hour)
	rs := &sitrep.ResultSet{From: from, To: testNow,
		Raw: []sitrep.Result{
			{Time: from, Status: sitrep.ResultUp, Latency: 10 * time.Millisecond},
			{Time: from.Add(time.Minute), Status: sitrep.ResultDegraded, Latency: 30 * time.Millisecond},
			{Time: from.Add(2 * time.Minute), Status: sitrep.ResultDown},
			{Time: from.Add(45 * time.Minute), Status: sitrep.ResultUp, Latency: 5 * time.Millisecond},
			{Time: testNow, Status: sitrep.ResultUp}, // outside [From, To)
		},
		Rollups: []sitrep.Rollup{{Start: from.Add(30 * time.Minute), Up: 2, Down: 1, LatencySum: 40 * time.Millisecond}},
	}
	bs := bucketize(rs, 4)
	want := []struct {
		good, bad int
		mean      time.Duration
	}{{2, 1, 20 * time.Millisecond}, {0, 0, 0}, {2, 1, 20 * time.Millisecond}, {1, 0, 5 * time.Millisecond}}
	if len(bs) != len(want) {
		t.Fatalf("%d buckets", len(bs))
	}
	for i, w := range want {
		if bs[i].Good != w.good || bs[i].Bad != w.bad || bs[i].Mean() != w.mean {
			t.Errorf("bucket %d: %+v, mean %v; want %+v", i, bs[i], bs[i].Mean(), w)
		}
	}
	if bucketize(&sitrep.ResultSet{From: testNow, To: testNow}, 4) != nil {
		t.Error("empty range gives buckets")
	}
}

func TestUptimeByDay(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skip("no tz data:", err)
	}
	// 23:30 UTC on the 20th is already the 21st in Oslo.
	rs := &sitrep.ResultSet{Raw: []sitrep.Result{
		{Time: time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC), Status: sitrep.ResultDown},
		{Time: time.Date(2026, 11, 20, 22, 30, 0, 0, time.UTC), Status: sitrep.ResultUp},
		{Time: time.Date(2026, 11, 20, 22, 40, 0, 0, time.UTC), Status: sitrep.ResultDegraded},
	}, Rollups: []sitrep.Rollup{{Start: time.Date(2026, 11, 19, 12, 0, 0, 0, time.UTC), Up: 3, Down: 1}}}
	days := uptimeByDay(rs, oslo, 3, testNow)
	got := []dayRow{days[0], days[1], days[2]}
	if got[0].Down != 1 || got[0].Uptime != 0 || !got[0].HasData ||
		got[1].Up != 1 || got[1].Degraded != 1 || got[1].Uptime != 1 ||
		got[2].Up != 3 || got[2].Uptime != 0.75 || got[0].Day.Day() != 21 {
		t.Errorf("%+v", got)
	}
}

func TestLatencyChart(t *testing.T) {
	e := newEnv(t, envOpts{})
	rs, _ := e.monitors.Results(t.Context(), "web", testNow.Add(-24*time.Hour), testNow)
	svg := string(latencyChart(&rs, `Web <"&>`, time.UTC))
	for _, want := range []string{`role="img"`, `<title id="chart-t">Web &lt;&#34;&amp;&gt;</title>`, "288 results, 3 failed",
		`<path class="line" d="M`, `<rect class="fail"`, ">100 ms</text>", ">0 ms</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	empty := string(latencyChart(&sitrep.ResultSet{From: testNow.Add(-time.Hour), To: testNow}, "x", time.UTC))
	if !strings.Contains(empty, "No results in this range.") || !strings.Contains(empty, `d=""`) {
		t.Errorf("empty chart: %s", empty)
	}
}

func TestNiceCeil(t *testing.T) {
	for in, want := range map[time.Duration]time.Duration{
		0: time.Millisecond, 900 * time.Microsecond: time.Millisecond, 88 * time.Millisecond: 100 * time.Millisecond,
		101 * time.Millisecond: 200 * time.Millisecond, 3 * time.Second: 5 * time.Second, 20 * time.Millisecond: 20 * time.Millisecond,
	} {
		if got := niceCeil(in); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", in, got, want)
		}
	}
}

// benchResults is a month of one-minute results from three locations: the
// most raw data a monitor page asks for.
func benchResults() *sitrep.ResultSet {
	from := testNow.Add(-30 * 24 * time.Hour)
	rs := &sitrep.ResultSet{From: from, To: testNow}
	for i := 0; i < 30*24*60*3; i++ {
		r := sitrep.Result{Time: from.Add(time.Duration(i/3) * time.Minute), Status: sitrep.ResultUp, Latency: time.Duration(20+i%50) * time.Millisecond}
		if i%1000 == 0 {
			r.Status = sitrep.ResultDown
		}
		rs.Raw = append(rs.Raw, r)
	}
	return rs
}

func BenchmarkLatencyChart(b *testing.B) {
	rs := benchResults()
	b.ReportAllocs()
	for b.Loop() {
		latencyChart(rs, "Web", time.UTC)
	}
}

func BenchmarkMonitorPage(b *testing.B) {
	e := newEnv(b, envOpts{})
	raw := benchResults().Raw
	for i := range raw {
		raw[i].MonitorID = "web"
	}
	e.monitors.results["web"] = raw
	e.get(b, "/admin/monitors/web?range=30d", responderEmail)
	b.ReportAllocs()
	for b.Loop() {
		if w := e.get(b, "/admin/monitors/web?range=30d", responderEmail); w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
