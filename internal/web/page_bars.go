package web

import (
	"strconv"
	"strings"
	"time"

	"sitrep"
)

// barSegment is a run of days drawn as one focusable piece of a component's
// uptime bar. Runs of identical days (same colour and percentage, no
// incidents) are merged: a year of quiet days would otherwise cost a focus
// stop, a tooltip and markup per day, which for 200 components is most of
// the page's weight and thousands of Tab presses. Each day remains a
// separate bar in the drawing.
type barSegment struct {
	ID    string // of the tooltip, for aria-describedby
	Width int    // days
	Class string // ok, mi (minor), pa (partial), ma (major), nd (no data), mt (maintenance)
	Label string // the dates
	Tip   string
}

func dayClass(d sitrep.PageDay) string {
	switch {
	case !d.HasData:
		return "nd"
	case d.Uptime >= 0.9995 && len(d.Incidents) == 0:
		if d.Maintenance {
			return "mt"
		}
		return "ok"
	case d.Uptime >= 0.99:
		return "mi"
	case d.Uptime >= 0.95:
		return "pa"
	}
	return "ma"
}

func barSegments(days []sitrep.PageDay, loc *time.Location, title func(id string) string, idPrefix string) []barSegment {
	var out []barSegment
	for i := 0; i < len(days); {
		d := days[i]
		class := dayClass(d)
		j := i + 1
		if len(d.Incidents) == 0 {
			for j < len(days) && len(days[j].Incidents) == 0 && dayClass(days[j]) == class &&
				days[j].Maintenance == d.Maintenance && sameShownUptime(d, days[j]) {
				j++
			}
		}
		seg := barSegment{ID: "t" + idPrefix + "-" + strconv.Itoa(len(out)), Width: j - i, Class: class}
		first, last := fmtDate(d.Day, loc), fmtDate(days[j-1].Day, loc)
		seg.Label = first
		if j-i > 1 {
			seg.Label = first + " – " + last + " (" + strconv.Itoa(j-i) + " days)"
		}
		var tip strings.Builder
		tip.WriteString(seg.Label)
		tip.WriteString(": ")
		switch {
		case !d.HasData:
			tip.WriteString("no data")
		case j-i > 1:
			tip.WriteString(fmtPercent(d.Uptime) + " uptime each day")
		default:
			tip.WriteString(fmtPercent(d.Uptime) + " uptime")
		}
		if d.Maintenance {
			tip.WriteString("; planned maintenance, not counted")
		}
		if len(d.Incidents) == 0 {
			tip.WriteString("; no incidents")
		} else {
			tip.WriteString("; incidents: ")
			for k, id := range d.Incidents {
				if k > 0 {
					tip.WriteString("; ")
				}
				if t := title(id); t != "" {
					tip.WriteString(t)
				} else {
					tip.WriteString(id)
				}
			}
		}
		seg.Tip = tip.String()
		out = append(out, seg)
		i = j
	}
	return out
}

func sameShownUptime(a, b sitrep.PageDay) bool {
	return a.HasData == b.HasData && (!a.HasData || fmtPercent(a.Uptime) == fmtPercent(b.Uptime))
}
