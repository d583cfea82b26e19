package web

import (
	"html/template"
	"net/http"
	"strconv"
	"unicode/utf8"

	"sitrep"
)

// Badge colours have at least 4.5:1 contrast with the white text on them.
var badgeColors = map[string]string{
	"none": "#1a7f37", "minor": "#8a5300", "major": "#b42318", "critical": "#8f1a1a",
	"maintenance": "#0b57d0", "unknown": "#4a5056",
}

func renderStatusBadge(pr pageReq) (string, []byte, error) {
	b := pr.snap.Banner
	text := b.Description
	if text == "" {
		text = "All Systems Operational"
	}
	return "image/svg+xml", badgeSVG("status", text, badgeColors[bannerClass(b)]), nil
}

// serveUptimeBadge answers /badge/uptime.svg?component=ID. Each component's
// badge is cached separately; an unknown ID is not, so a scan of made-up
// IDs cannot fill the cache.
func (s *Server) serveUptimeBadge(w http.ResponseWriter, r *http.Request, pr pageReq) {
	id := r.URL.Query().Get("component")
	c := findComponent(pr.snap, id)
	if c == nil {
		s.pageNotFound(w, r, pr)
		return
	}
	s.serveCached(w, r, pr, "badge/uptime.svg?"+id, func(pr pageReq) (string, []byte, error) {
		text, color := "no data", badgeColors["unknown"]
		if c.HasData {
			text = fmtPercent(c.Uptime)
			switch {
			case c.Uptime >= 0.999:
				color = badgeColors["none"]
			case c.Uptime >= 0.99:
				color = badgeColors["minor"]
			default:
				color = badgeColors["major"]
			}
		}
		return "image/svg+xml", badgeSVG(c.Name+" uptime", text, color), nil
	})
}

func findComponent(snap *sitrep.StatusPage, id string) *sitrep.PageComponent {
	if id == "" {
		return nil
	}
	for gi := range snap.Groups {
		for ci := range snap.Groups[gi].Components {
			if c := &snap.Groups[gi].Components[ci]; c.ID == id {
				return c
			}
		}
	}
	return nil
}

// badgeSVG draws a two-part badge. Widths are estimated (7 px a character
// at 11 px Verdana); the text is XML-escaped, the colour is one of ours.
func badgeSVG(label, value, color string) []byte {
	if color == "" {
		color = badgeColors["unknown"]
	}
	lw, vw := 10+7*utf8.RuneCountInString(label), 10+7*utf8.RuneCountInString(value)
	w := lw + vw
	esc := template.HTMLEscapeString
	title := esc(label + ": " + value)
	n := strconv.Itoa
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="` + n(w) + `" height="20" role="img" aria-label="` + title + `">` +
		`<title>` + title + `</title>` +
		`<rect width="` + n(lw) + `" height="20" fill="#4a5056"/>` +
		`<rect x="` + n(lw) + `" width="` + n(vw) + `" height="20" fill="` + color + `"/>` +
		`<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">` +
		`<text x="5" y="14">` + esc(label) + `</text>` +
		`<text x="` + n(lw+5) + `" y="14">` + esc(value) + `</text></g></svg>` + "\n"
	return []byte(svg)
}
