package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"sitrep"
)

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

func (d *decoder) schedules(items []*values, refs *[]channelRef) []sitrep.Schedule {
	seen := map[string]*yaml.Node{}
	var out []sitrep.Schedule
	for _, v := range items {
		before := len(d.p.list)
		s := sitrep.Schedule{ID: v.str("id"), TimeZone: time.UTC}
		if v.has("id") {
			d.uniqueID(v, "id", "schedule", seen)
		}
		if tz := strings.TrimSpace(v.str("time_zone")); tz != "" {
			if loc, err := time.LoadLocation(tz); err != nil || tz == "Local" {
				d.p.at(v.at("time_zone"), "time_zone: unknown time zone %q; use an IANA name like Europe/Oslo", tz)
			} else {
				s.TimeZone = loc
			}
		}
		members := map[string]sitrep.OnCallMember{}
		var memberNames, rotationNames []string
		for _, rv := range v.list("rotations") {
			r := d.rotation(rv, refs)
			if r.Name != "" && slices.Contains(rotationNames, r.Name) {
				d.p.at(rv.at("name"), "name: rotation %q is declared twice in schedule %s", r.Name, s.ID)
			}
			rotationNames = append(rotationNames, r.Name)
			for _, m := range r.Members {
				if _, ok := members[m.Name]; !ok {
					members[m.Name] = m
					memberNames = append(memberNames, m.Name)
				}
			}
			s.Rotations = append(s.Rotations, r)
		}
		if v.has("rotations") && len(s.Rotations) == 0 {
			d.p.at(v.at("rotations"), "rotations: must list at least one rotation")
		}
		for _, ov := range v.list("overrides") {
			o := sitrep.Override{Rotation: ov.str("rotation")}
			o.From = d.scheduleTime(ov, "from", s.TimeZone)
			o.To = d.scheduleTime(ov, "to", s.TimeZone)
			if !o.From.IsZero() && !o.To.IsZero() && !o.To.After(o.From) {
				d.p.at(ov.at("to"), "to: %s is not after from (%s)", ov.str("to"), ov.str("from"))
			}
			if name := ov.str("member"); ov.has("member") {
				m, ok := members[name]
				if !ok {
					d.p.at(ov.at("member"), "member: %q is not a member of any rotation of schedule %s; %s", name, s.ID, declaredHint(name, memberNames, "a rotation's members"))
				}
				o.Member = m
			}
			if o.Rotation != "" && !slices.Contains(rotationNames, o.Rotation) {
				d.p.at(ov.at("rotation"), "rotation: %q is not a rotation of schedule %s; %s", o.Rotation, s.ID, declaredHint(o.Rotation, rotationNames, "rotations"))
			}
			s.Overrides = append(s.Overrides, o)
		}
		if len(d.p.list) == before {
			out = append(out, s)
		}
	}
	return out
}

func (d *decoder) rotation(v *values, refs *[]channelRef) sitrep.Rotation {
	r := sitrep.Rotation{Name: strings.TrimSpace(v.str("name")), Length: v.dur("length")}
	if v.has("name") && r.Name == "" {
		d.p.at(v.at("name"), "name: must not be empty, e.g. name: primary")
	}
	for _, mv := range v.list("members") {
		m := sitrep.OnCallMember{Name: strings.TrimSpace(mv.str("name")), Channel: mv.str("channel")}
		for _, o := range r.Members {
			if o.Name == m.Name {
				d.p.at(mv.at("name"), "name: %q is listed twice in rotation %s", m.Name, r.Name)
			}
		}
		if mv.has("channel") {
			*refs = append(*refs, channelRef{mv.at("channel"), m.Channel})
		}
		r.Members = append(r.Members, m)
	}
	if v.has("members") && len(r.Members) == 0 {
		d.p.at(v.at("members"), "members: must list at least one person")
	}
	h, msg := parseHandoff(v.str("handoff"))
	if msg != "" {
		d.p.at(v.at("handoff"), "handoff: %s", msg)
	}
	r.Handoff = h
	day := 24 * time.Hour
	switch {
	case r.Length%day != 0:
		d.p.at(v.at("length"), "length: %s is not a whole number of days; shifts hand over at the same wall-clock time", formatDuration(r.Length))
	case h.Weekday != nil && r.Length%(7*day) != 0:
		d.p.at(v.at("length"), "length: %s is not a whole number of weeks, but handoff names a weekday; use 1w, 2w... or a handoff without weekday", formatDuration(r.Length))
	}
	if start, err := time.Parse(time.DateOnly, strings.TrimSpace(v.str("start"))); err != nil {
		d.p.at(v.at("start"), "start: %q is not a date like 2025-01-06", v.str("start"))
	} else {
		r.Start = start
	}
	return r
}

// parseHandoff reads "HH:MM" or "weekday HH:MM".
func parseHandoff(s string) (sitrep.Handoff, string) {
	var h sitrep.Handoff
	fields := strings.Fields(strings.ToLower(s))
	bad := fmt.Sprintf("%q is not a hand-off time; write HH:MM or a weekday and HH:MM, e.g. \"monday 09:00\"", s)
	switch len(fields) {
	case 1:
	case 2:
		wd, ok := weekdays[fields[0]]
		if !ok {
			return h, fmt.Sprintf("%q is not a weekday; use monday, tuesday, ... sunday", fields[0])
		}
		h.Weekday = &wd
		fields = fields[1:]
	default:
		return h, bad
	}
	hh, mm, ok := strings.Cut(fields[0], ":")
	hour, err1 := strconv.Atoi(hh)
	minute, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 || len(mm) != 2 {
		return h, bad
	}
	h.Hour, h.Minute = hour, minute
	return h, ""
}

// scheduleTime reads an override's time as wall-clock time in the
// schedule's zone, or as RFC 3339.
func (d *decoder) scheduleTime(v *values, key string, loc *time.Location) time.Time {
	if !v.has(key) {
		return time.Time{}
	}
	s := strings.TrimSpace(v.str(key))
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t
		}
	}
	d.p.at(v.at(key), "%s: %q is not a time; write \"2025-12-24 09:00\" (in the schedule's time zone) or RFC 3339", key, s)
	return time.Time{}
}
