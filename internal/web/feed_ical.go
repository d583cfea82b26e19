package web

import (
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"sitrep"
)

// renderICS is the page's maintenance windows as an RFC 5545 calendar:
// CRLF line ends, lines folded at 75 octets without splitting a character,
// TEXT values escaped, times in UTC.
func renderICS(pr pageReq) (string, []byte, error) {
	var ms []*sitrep.PublicMaintenance
	for _, m := range pr.snap.Maintenances {
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool {
		if !ms[i].PlannedStart.Equal(ms[j].PlannedStart) {
			return ms[i].PlannedStart.Before(ms[j].PlannedStart)
		}
		return ms[i].ID < ms[j].ID
	})
	host := "sitrep"
	if u, err := url.Parse(pr.snap.URL); err == nil && u.Host != "" {
		host = u.Host
	}
	stamp := icsTime(pr.snap.GeneratedAt)
	var b strings.Builder
	line := func(name, value string) { writeFolded(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//sitrep//status page//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("X-WR-CALNAME", icsText(feedTitle(pr)))
	for _, m := range ms {
		start, end := m.PlannedStart, m.PlannedEnd
		if !m.ActualStart.IsZero() {
			start = m.ActualStart
		}
		if !m.ActualEnd.IsZero() {
			end = m.ActualEnd
		} else if m.Status.Active() && pr.snap.GeneratedAt.After(end) {
			// Still running past its plan: the calendar shows it so.
			end = pr.snap.GeneratedAt
		}
		line("BEGIN", "VEVENT")
		line("UID", icsText(m.ID)+"@"+icsText(host))
		line("DTSTAMP", stamp)
		line("DTSTART", icsTime(start))
		line("DTEND", icsTime(end))
		line("SUMMARY", icsText("Maintenance: "+m.Title))
		desc := m.Description
		if len(m.Components) > 0 {
			names := make([]string, len(m.Components))
			for i, c := range m.Components {
				names[i] = c.Name
			}
			desc += "\n\nAffected: " + strings.Join(names, ", ")
		}
		if len(m.Updates) > 0 {
			desc += "\n\nLatest update: " + m.Updates[0].Message
		}
		line("DESCRIPTION", icsText(strings.TrimSpace(desc)))
		line("URL", icsURI(pr.abs("/maintenance/"+url.PathEscape(m.ID))))
		line("STATUS", "CONFIRMED")
		line("TRANSP", "TRANSPARENT")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return "text/calendar; charset=utf-8", []byte(b.String()), nil
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsText escapes a TEXT value (RFC 5545 3.3.11) and drops the control
// characters it cannot carry.
func icsText(s string) string {
	var b strings.Builder
	for _, r := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\n':
			b.WriteString(`\n`)
		default:
			if r < 0x20 || r == 0x7f {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// icsURI keeps a URI value to characters a URI may hold; the URL is built
// from escaped parts, so this only guards against a bad page URL.
func icsURI(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= 0x20 || r >= 0x7f || r == '"' {
			return -1
		}
		return r
	}, s)
}

// writeFolded writes one content line, folded so no physical line exceeds
// 75 octets (continuations begin with a space, which counts).
func writeFolded(b *strings.Builder, l string) {
	limit := 75
	for len(l) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(l[cut]) {
			cut--
		}
		b.WriteString(l[:cut])
		b.WriteString("\r\n ")
		l = l[cut:]
		limit = 74
	}
	b.WriteString(l)
	b.WriteString("\r\n")
}
