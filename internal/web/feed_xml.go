package web

import (
	"encoding/xml"
	"fmt"
	"html/template"
	"time"
)

// Atom (RFC 4287) and RSS 2.0 are written with encoding/xml, which escapes
// every text and attribute and replaces characters XML cannot carry; the
// entry HTML is sent as escaped text (type="html"), never as CDATA, so a
// "]]>" in a title is just text.

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	Title     string     `xml:"title"`
	ID        string     `xml:"id"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published,omitempty"`
	Links     []atomLink `xml:"link"`
	Content   atomText   `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	LastBuild   string    `xml:"lastBuildDate,omitempty"`
	Items       []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	GUID        rssGUID `xml:"guid"`
	PubDate     string  `xml:"pubDate"`
	Description string  `xml:"description"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	ID          string `xml:",chardata"`
}

func feedTitle(pr pageReq) string {
	l := pr.snap.Page.Branding.Name
	if l == "" {
		l = pr.snap.Page.Title
	}
	return l + " – incident history"
}

func renderAtom(pr pageReq) (string, []byte, error) {
	items := feedItems(pr)
	f := atomFeed{
		Title: feedTitle(pr), ID: pr.abs("/"), Updated: pr.snap.GeneratedAt.UTC().Format(time.RFC3339),
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: pr.abs("/history.atom")}, {Rel: "alternate", Type: "text/html", Href: pr.abs("/")}},
	}
	for _, it := range items {
		f.Entries = append(f.Entries, atomEntry{
			Title: it.Title, ID: it.ID, Updated: it.Updated.UTC().Format(time.RFC3339),
			Published: it.Published.UTC().Format(time.RFC3339),
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: it.Link}},
			Content:   atomText{Type: "html", Body: it.HTML},
		})
	}
	return marshalFeed("application/atom+xml; charset=utf-8", f)
}

func renderRSS(pr pageReq) (string, []byte, error) {
	items := feedItems(pr)
	d := rssDoc{Version: "2.0", Channel: rssChannel{
		Title: feedTitle(pr), Link: pr.abs("/"), Description: template.HTMLEscapeString("Incidents and maintenance of " + feedTitle(pr)),
		LastBuild: pr.snap.GeneratedAt.UTC().Format(time.RFC1123Z),
	}}
	for _, it := range items {
		d.Channel.Items = append(d.Channel.Items, rssItem{
			Title: it.Title, Link: it.Link, GUID: rssGUID{IsPermaLink: false, ID: it.ID + "#" + it.Updated.UTC().Format("20060102T150405Z")},
			PubDate: it.Updated.UTC().Format(time.RFC1123Z), Description: it.HTML,
		})
	}
	return marshalFeed("application/rss+xml; charset=utf-8", d)
}

func marshalFeed(contentType string, v any) (string, []byte, error) {
	body, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return "", nil, fmt.Errorf("encode feed: %w", err)
	}
	return contentType, append([]byte(xml.Header), append(body, '\n')...), nil
}
