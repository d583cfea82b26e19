package statusengine

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"sitrep"
	"sitrep/internal/incident"
)

// Catalog is the declared part of the status side, from the config file.
type Catalog struct {
	Components []sitrep.Component
	// Pages are already defaulted by config; the first is served at "/".
	Pages      []sitrep.Page
	Automation sitrep.IncidentAutomation
	// Reminders are sent this long before a maintenance window starts
	// (nil: 24h and 1h).
	Reminders []time.Duration
	// Templates override the texts automation writes; zero fields keep the
	// built-in ones.
	Templates incident.Templates
	// PublicURL is the default page's address without a trailing slash;
	// feeds and the API need absolute links. "" keeps links relative.
	PublicURL string
}

// catalog is a Catalog checked and indexed.
type catalog struct {
	Catalog
	index incident.Catalog
	auto  *incident.Automation
	pages []*sitrep.Page
	// horizon is how far ahead recurring windows are materialized.
	horizon time.Duration
}

func compileCatalog(in Catalog) (*catalog, error) {
	c := &catalog{Catalog: in, index: incident.NewCatalog(in.Components)}
	seen := map[string]bool{}
	for i, comp := range in.Components {
		switch {
		case strings.TrimSpace(comp.ID) == "":
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, fieldIndex("components", i)+".id", "is required")
		case seen[comp.ID]:
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, fieldIndex("components", i)+".id", "%q is declared twice; component ids must be unique", comp.ID)
		}
		seen[comp.ID] = true
	}
	slugs := map[string]bool{}
	domains := map[string]bool{}
	for i := range in.Pages {
		p := in.Pages[i]
		if slugs[p.Slug] {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, fieldIndex("pages", i)+".slug", "%q is used by two pages; slugs must be unique", p.Slug)
		}
		slugs[p.Slug] = true
		if d := strings.ToLower(p.CustomDomain); d != "" {
			if domains[d] {
				return nil, sitrep.FieldErrorf(sitrep.EINVALID, fieldIndex("pages", i)+".custom_domain", "%q is used by two pages", p.CustomDomain)
			}
			domains[d] = true
		}
		c.pages = append(c.pages, &p)
	}
	if in.PublicURL != "" {
		if u, err := url.Parse(in.PublicURL); err != nil || u.Scheme == "" || u.Host == "" {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, "public_url", "%q is not an absolute URL such as https://status.example.com", in.PublicURL)
		}
	}
	loc := time.UTC
	if len(c.pages) > 0 {
		loc = c.pages[0].Loc()
	}
	auto, err := incident.NewAutomation(incident.Config{
		Defaults: in.Automation, Reminders: in.Reminders, Templates: in.Templates, Location: loc,
	})
	if err != nil {
		return nil, err
	}
	c.auto = auto
	longest := 24 * time.Hour
	for _, r := range in.Reminders {
		longest = max(longest, r)
	}
	// A window must exist before its longest reminder falls due, with a
	// day to spare so that a restart or a slow tick cannot skip it.
	c.horizon = longest + 24*time.Hour
	return c, nil
}

func fieldIndex(name string, i int) string { return name + "[" + strconv.Itoa(i) + "]" }

// pageURL is the public address of page i: its custom domain, the public
// URL for the default page, and the public URL with the slug for others.
func (c *catalog) pageURL(i int) string {
	p := c.pages[i]
	scheme := "https"
	if u, err := url.Parse(c.PublicURL); err == nil && u.Scheme != "" {
		scheme = u.Scheme
	}
	switch {
	case p.CustomDomain != "":
		return scheme + "://" + p.CustomDomain
	case c.PublicURL == "":
		return ""
	case i == 0:
		return strings.TrimSuffix(c.PublicURL, "/")
	}
	return strings.TrimSuffix(c.PublicURL, "/") + "/" + p.Slug
}
