package probe

import (
	"fmt"
	"strings"
	"time"

	"sitrep"
)

// HeartbeatResult judges a heartbeat monitor from its recent pings (newest
// first) at time now. since is when the monitor was first seen; before the
// first ping ever there is no verdict (ok false) until Every+Grace has passed
// since then. Silence is measured from the last success, so a job that only
// ever says "start" is not alive. A Size or Duration of zero means the job
// did not report one.
func HeartbeatResult(m *sitrep.Monitor, pings []sitrep.Ping, since, now time.Time) (r sitrep.Result, ok bool) {
	r = sitrep.Result{MonitorID: m.ID, Time: now}
	down := func(format string, args ...any) (sitrep.Result, bool) {
		r.Status, r.Error = sitrep.ResultDown, fmt.Sprintf(format, args...)
		return r, true
	}
	hb := m.Heartbeat
	if hb == nil {
		return down("monitor %s has no heartbeat settings", m.ID)
	}
	window := hb.Every + hb.Grace

	// last is the newest completion (success or fail); pending the newest
	// start after it; run the start that opened last's run; prevSuccess the
	// success before last, for the shrink check.
	var last, pending, run, prevSuccess *sitrep.Ping
	i := 0
	for ; i < len(pings) && pings[i].Kind == sitrep.PingStart; i++ {
		if pending == nil {
			pending = &pings[i]
		}
	}
	if i < len(pings) {
		last = &pings[i]
		i++
	}
	if i < len(pings) && pings[i].Kind == sitrep.PingStart {
		run = &pings[i]
	}
	for ; i < len(pings); i++ {
		if pings[i].Kind == sitrep.PingSuccess {
			prevSuccess = &pings[i]
			break
		}
	}

	if pending != nil && now.Sub(pending.Time) > window {
		return down("started at %s, no finish within %s", stamp(pending.Time), span(window))
	}
	if last != nil && last.Kind == sitrep.PingFail {
		if last.Message != "" {
			return down("job reported failure at %s: %s", stamp(last.Time), last.Message)
		}
		return down("job reported failure at %s", stamp(last.Time))
	}
	if last == nil {
		if pending != nil || now.Sub(since) <= window {
			return r, false
		}
		return down("no ping received since %s (expected every %s + %s grace)", stamp(since), span(hb.Every), span(hb.Grace))
	}
	if silent := now.Sub(last.Time); silent > window {
		return down("no success ping for %s, last at %s (expected every %s + %s grace)", span(silent), stamp(last.Time), span(hb.Every), span(hb.Grace))
	}

	dur := last.Duration
	if dur == 0 && run != nil {
		dur = last.Time.Sub(run.Time)
	}
	r.Latency = dur
	if hb.MinSize > 0 && last.Size > 0 && last.Size < hb.MinSize {
		return down("size %s is below the minimum %s", bytesText(last.Size), bytesText(hb.MinSize))
	}
	r.Status = sitrep.ResultUp
	if hb.MaxShrink > 0 && prevSuccess != nil && prevSuccess.Size > 0 && last.Size > 0 {
		if shrink := 1 - float64(last.Size)/float64(prevSuccess.Size); shrink > hb.MaxShrink {
			r.Status = sitrep.ResultDegraded
			r.Error = fmt.Sprintf("size shrank by %.0f%% (from %s to %s)", shrink*100, bytesText(prevSuccess.Size), bytesText(last.Size))
			return r, true
		}
	}
	if hb.MaxDuration > 0 && dur > hb.MaxDuration {
		r.Status = sitrep.ResultDegraded
		r.Error = fmt.Sprintf("run took %s, expected under %s", span(dur), span(hb.MaxDuration))
	}
	return r, true
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// span renders a duration to the second without trailing zero units: 1h10m, 45s.
func span(d time.Duration) string {
	if d < time.Second {
		return roundDur(d).String()
	}
	s := d.Truncate(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func bytesText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, i := float64(n), 0
	for f >= unit && i < 4 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", f, " KMGT"[i])
}
