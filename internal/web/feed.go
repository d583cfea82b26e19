package web

import (
	"html/template"
	"net/url"
	"sort"
	"strings"
	"time"

	"sitrep"
)

// maxFeedItems bounds a feed: readers only look at what is new.
const maxFeedItems = 50

// feedItem is an incident or maintenance as a feed entry.
type feedItem struct {
	ID        string // absolute where the page's URL is known
	Title     string
	Link      string
	Published time.Time
	Updated   time.Time
	HTML      string // escaped again by the XML encoder
	Text      string
}

// feedItems lists the page's incidents and maintenances, newest change
// first. Only Public* records reach here, so no internal update can.
func feedItems(pr pageReq) []feedItem {
	loc := pr.snap.Page.Loc()
	var items []feedItem
	for _, inc := range pr.snap.Incidents {
		it := feedItem{
			ID:        pr.abs("/incidents/" + url.PathEscape(inc.ID)),
			Title:     inc.Title + " [" + label(string(inc.Status)) + "]",
			Link:      pr.abs("/incidents/" + url.PathEscape(inc.ID)),
			Published: inc.CreatedAt,
			Updated:   latest(inc.UpdatedAt, inc.CreatedAt, inc.Updates),
		}
		var html, text strings.Builder
		html.WriteString("<p>Impact: " + label(string(inc.Impact)) + "</p>\n")
		for _, u := range inc.Updates {
			writeFeedUpdate(&html, &text, u, loc)
		}
		it.HTML, it.Text = html.String(), text.String()
		items = append(items, it)
	}
	for _, m := range pr.snap.Maintenances {
		it := feedItem{
			ID:        pr.abs("/maintenance/" + url.PathEscape(m.ID)),
			Title:     "Maintenance: " + m.Title + " [" + label(string(m.Status)) + "]",
			Link:      pr.abs("/maintenance/" + url.PathEscape(m.ID)),
			Published: announced(m),
			Updated:   latest(time.Time{}, m.PlannedStart, m.Updates),
		}
		var html, text strings.Builder
		html.WriteString("<p>Planned: " + template.HTMLEscapeString(fmtTime(m.PlannedStart, loc).Text) + " – " +
			template.HTMLEscapeString(fmtTime(m.PlannedEnd, loc).Text) + "</p>\n")
		html.WriteString(string(renderMarkdown(m.Description)))
		text.WriteString(m.Description + "\n")
		for _, u := range m.Updates {
			writeFeedUpdate(&html, &text, u, loc)
		}
		it.HTML, it.Text = html.String(), text.String()
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool {
		if !items[i].Updated.Equal(items[j].Updated) {
			return items[i].Updated.After(items[j].Updated)
		}
		return items[i].ID < items[j].ID
	})
	if len(items) > maxFeedItems {
		items = items[:maxFeedItems]
	}
	return items
}

func writeFeedUpdate(html, text *strings.Builder, u sitrep.PublicUpdate, loc *time.Location) {
	html.WriteString("<p><strong>" + template.HTMLEscapeString(label(u.Status)) + "</strong> " + template.HTMLEscapeString(fmtTime(u.At, loc).Text) + "</p>\n")
	html.WriteString(string(renderMarkdown(u.Message)))
	text.WriteString(label(u.Status) + " (" + fmtTime(u.At, loc).Text + "): " + u.Message + "\n")
}

func latest(t, fallback time.Time, us []sitrep.PublicUpdate) time.Time {
	for _, u := range us {
		if u.At.After(t) {
			t = u.At
		}
	}
	if t.IsZero() {
		return fallback
	}
	return t
}

// announced is when a window was first made public: its oldest update, or
// its planned start when it has none.
func announced(m *sitrep.PublicMaintenance) time.Time {
	if n := len(m.Updates); n > 0 {
		return m.Updates[n-1].At
	}
	return m.PlannedStart
}
