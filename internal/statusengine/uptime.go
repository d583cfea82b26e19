package statusengine

import (
	"context"
	"strings"
	"time"

	"sitrep"
	"sitrep/internal/status"
)

// uptimeDays is how many bars a component shows.
const uptimeDays = 90

// todayEvery is how often today's bar is recomputed: its rollups grow by
// the hour, and a page rebuilt every few seconds must not re-read them
// every time.
const todayEvery = time.Minute

// uptimeCache keeps the uptime figures of each component in each page time
// zone. Past days change only when a maintenance window over them changes,
// so they are read once a day; today's bar is refreshed at most once a
// minute.
type uptimeCache struct {
	entries map[uptimeKey]*uptimeEntry
	used    map[uptimeKey]bool
}

type uptimeKey struct{ component, zone string }

type uptimeEntry struct {
	// monitors and maint fingerprint what the figures were computed from.
	monitors, maint string
	day             time.Time // local midnight of the day past ends before
	past            []status.DayUptime
	pastAt          time.Time
	today           status.DayUptime
	todayAt         time.Time
}

func newUptimeCache() *uptimeCache {
	return &uptimeCache{entries: map[uptimeKey]*uptimeEntry{}, used: map[uptimeKey]bool{}}
}

// sweep forgets the components no page asked for since the last sweep,
// e.g. after a reload removed them.
func (c *uptimeCache) sweep() {
	for k := range c.entries {
		if !c.used[k] {
			delete(c.entries, k)
		}
	}
	clear(c.used)
}

// days returns the component's uptime bars ending today, oldest first,
// with uptime and maintenance from the rollups only; incidents are added
// by the caller, because they change far more often than the rollups.
func (e *Engine) uptimeDays(ctx context.Context, comp *sitrep.Component, loc *time.Location, now time.Time, ms []*sitrep.Maintenance) []status.DayUptime {
	key := uptimeKey{comp.ID, loc.String()}
	e.uptime.used[key] = true
	local := now.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	mons := strings.Join(comp.Monitors, "\x00")
	maint := maintenanceFingerprint(comp.ID, ms)

	ent := e.uptime.entries[key]
	if ent == nil || ent.monitors != mons || ent.maint != maint || !ent.day.Equal(today) || ent.settling(now) {
		from := today.AddDate(0, 0, -(uptimeDays - 1))
		rollups, ok := e.readRollups(ctx, comp, from, today)
		if !ok {
			return nil
		}
		past := status.DailyUptime(status.UptimeInput{
			Component: comp, Rollups: rollups, Maintenances: ms,
			Days: uptimeDays - 1, End: today.AddDate(0, 0, -1), Location: loc,
		})
		ent = &uptimeEntry{monitors: mons, maint: maint, day: today, past: past.Days, pastAt: now}
		e.uptime.entries[key] = ent
	}
	if ent.todayAt.IsZero() || now.Sub(ent.todayAt) >= todayEvery || now.Before(ent.todayAt) {
		rollups, ok := e.readRollups(ctx, comp, today, now.Add(time.Hour))
		if ok {
			u := status.DailyUptime(status.UptimeInput{
				Component: comp, Rollups: rollups, Maintenances: ms, Days: 1, End: now, Location: loc,
			})
			ent.today, ent.todayAt = u.Days[0], now
		}
	}
	out := make([]status.DayUptime, 0, uptimeDays)
	out = append(out, ent.past...)
	return append(out, ent.today)
}

// settleTime is how long after midnight yesterday's last rollups may still
// be arriving: the store builds them in the background.
const settleTime = 2 * time.Hour

// settling reports whether the past days should be read again because
// they were read so soon after midnight that yesterday may have been
// incomplete; then they are re-read every ten minutes until it settles.
func (ent *uptimeEntry) settling(now time.Time) bool {
	return ent.pastAt.Before(ent.day.Add(settleTime)) && now.Sub(ent.pastAt) >= 10*time.Minute
}

func (e *Engine) readRollups(ctx context.Context, comp *sitrep.Component, from, to time.Time) (map[string][]sitrep.Rollup, bool) {
	out := make(map[string][]sitrep.Rollup, len(comp.Monitors))
	for _, id := range comp.Monitors {
		rs, err := e.opts.Rollups.Rollups(ctx, id, sitrep.ResolutionHour, from, to)
		if err != nil {
			e.log.Warn("read hourly rollups for uptime bars", "component", comp.ID, "monitor", id, "err", err)
			return nil, false
		}
		out[id] = rs
	}
	return out, true
}

// maintenanceFingerprint names the actual spans of the windows over a
// component: they are what uptime leaves out.
func maintenanceFingerprint(id string, ms []*sitrep.Maintenance) string {
	var sb strings.Builder
	for _, m := range ms {
		if m.ActualStart.IsZero() || !m.Affects(id) {
			continue
		}
		sb.WriteString(m.ID)
		sb.WriteByte('@')
		sb.WriteString(m.ActualStart.UTC().Format(time.RFC3339))
		sb.WriteByte('-')
		if !m.ActualEnd.IsZero() {
			sb.WriteString(m.ActualEnd.UTC().Format(time.RFC3339))
		}
		sb.WriteByte(';')
	}
	return sb.String()
}
