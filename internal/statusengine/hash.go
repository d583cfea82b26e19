package statusengine

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"sort"
	"time"

	"sitrep"
)

// snapshotHash fingerprints everything a snapshot shows except its
// version and build time, so that an unchanged page keeps its version and
// every cached rendering of it. While a window is in progress the page
// shows its running duration, so the minute is part of the content.
//
// It walks the snapshot by hand: encoding it as JSON cost twice as much as
// building it.
func snapshotHash(seed maphash.Seed, s *sitrep.StatusPage, now time.Time) uint64 {
	h := &hasher{}
	h.h.SetSeed(seed)
	if len(s.ActiveMaintenances) > 0 {
		h.time(now.Truncate(time.Minute))
	}
	p := &s.Page
	h.str(p.Slug, p.Title, p.TimeZone, p.CustomDomain, s.URL)
	h.strs(p.Groups)
	h.bool(p.PasswordProtected)
	h.str(p.Branding.Name, p.Branding.LogoURL, p.Branding.AccentColor)
	for _, l := range p.Branding.Links {
		h.str(l.Title, l.URL)
	}
	h.str(s.Banner.Indicator, s.Banner.Description, string(s.Banner.Worst))
	h.int(len(s.Groups))
	for _, g := range s.Groups {
		h.str(g.Name, string(g.Status))
		h.int(len(g.Components))
		for _, c := range g.Components {
			h.str(c.ID, c.Name, c.Description, string(c.Status))
			h.float(c.Uptime)
			h.bool(c.HasData)
			h.int(len(c.Days))
			for _, d := range c.Days {
				h.time(d.Day)
				h.float(d.Uptime)
				h.bool(d.HasData)
				h.bool(d.Maintenance)
				h.strs(d.Incidents)
			}
		}
	}
	for _, list := range [][]*sitrep.PublicIncident{s.ActiveIncidents} {
		h.int(len(list))
		for _, inc := range list {
			h.str(inc.ID)
		}
	}
	for _, list := range [][]*sitrep.PublicMaintenance{s.ActiveMaintenances, s.UpcomingMaintenances} {
		h.int(len(list))
		for _, m := range list {
			h.str(m.ID)
		}
	}
	h.int(len(s.History))
	for _, m := range s.History {
		h.time(m.Month)
		h.int(len(m.Incidents))
		for _, inc := range m.Incidents {
			h.str(inc.ID)
		}
		h.int(len(m.Maintenances))
		for _, mt := range m.Maintenances {
			h.str(mt.ID)
		}
	}
	for _, id := range sortedKeys(s.Incidents) {
		h.incident(s.Incidents[id])
	}
	for _, id := range sortedKeys(s.Maintenances) {
		h.maintenance(s.Maintenances[id])
	}
	for _, name := range sortedKeys(s.APIv2) {
		h.str(name)
		h.int(len(s.APIv2[name]))
		h.h.Write(s.APIv2[name])
	}
	return h.h.Sum64()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

type hasher struct {
	h   maphash.Hash
	buf [8]byte
}

// Every value is written with its length or a fixed size, so that
// neighbouring fields cannot run into each other ("ab","c" ≠ "a","bc").
func (h *hasher) str(ss ...string) {
	for _, s := range ss {
		h.int(len(s))
		h.h.WriteString(s)
	}
}

func (h *hasher) strs(ss []string) {
	h.int(len(ss))
	h.str(ss...)
}

func (h *hasher) int(n int) { h.u64(uint64(n)) }

func (h *hasher) u64(v uint64) {
	binary.LittleEndian.PutUint64(h.buf[:], v)
	h.h.Write(h.buf[:])
}

func (h *hasher) float(f float64) { h.u64(math.Float64bits(f)) }

func (h *hasher) bool(b bool) {
	if b {
		h.h.WriteByte(1)
	} else {
		h.h.WriteByte(0)
	}
}

func (h *hasher) time(t time.Time) {
	h.u64(uint64(t.UnixNano()))
	_, off := t.Zone()
	h.int(off)
}

func (h *hasher) components(cs []sitrep.PublicComponentStatus) {
	h.int(len(cs))
	for _, c := range cs {
		h.str(c.ID, c.Name, string(c.Status))
	}
}

func (h *hasher) updates(us []sitrep.PublicUpdate) {
	h.int(len(us))
	for _, u := range us {
		h.str(u.ID, u.Status, u.Message)
		h.time(u.At)
		h.components(u.Components)
	}
}

func (h *hasher) incident(inc *sitrep.PublicIncident) {
	h.str(inc.ID, inc.Title, string(inc.Impact), string(inc.Status))
	h.components(inc.Components)
	for _, t := range []time.Time{inc.StartedAt, inc.CreatedAt, inc.UpdatedAt, inc.MonitoringAt, inc.ResolvedAt} {
		h.time(t)
	}
	h.updates(inc.Updates)
	pm := inc.Postmortem
	h.bool(pm != nil)
	if pm == nil {
		return
	}
	h.str(pm.Summary, pm.RootCause, pm.Impact)
	h.time(pm.PublishedAt)
	h.int(len(pm.Timeline))
	for _, e := range pm.Timeline {
		h.time(e.At)
		h.str(e.Text)
	}
	h.int(len(pm.ActionItems))
	for _, a := range pm.ActionItems {
		h.str(a.Title)
		h.time(a.Due)
		h.bool(a.Done)
	}
}

func (h *hasher) maintenance(m *sitrep.PublicMaintenance) {
	h.str(m.ID, m.Title, m.Description, string(m.Status))
	h.components(m.Components)
	for _, t := range []time.Time{m.PlannedStart, m.PlannedEnd, m.ActualStart, m.ActualEnd, m.OverrunAt} {
		h.time(t)
	}
	h.bool(m.Overrun)
	h.updates(m.Updates)
}
