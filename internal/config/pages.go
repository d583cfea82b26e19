package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"sitrep"
)

// PageConfig is a declared status page with what only the server needs to
// know about it.
type PageConfig struct {
	sitrep.Page
	// Password, when set, protects the page (Page.PasswordProtected is then
	// true). It is a secret: never log or show it.
	Password string
	// ExportDir is kept current with a static copy of the page; absolute,
	// "" for none.
	ExportDir string
}

// EffectivePages returns the pages to serve: the declared ones, or, when
// none are declared, one page "main" titled "Status" showing every group in
// the order components first name them. With no components either there
// is nothing to show, and it returns nil.
func (c *Config) EffectivePages() []PageConfig {
	if len(c.Pages) > 0 {
		return c.Pages
	}
	var groups []string
	for _, comp := range c.Components {
		if !slices.Contains(groups, comp.Group) {
			groups = append(groups, comp.Group)
		}
	}
	if len(groups) == 0 {
		return nil
	}
	return []PageConfig{{Page: sitrep.Page{
		Slug: "main", Title: "Status", Groups: groups,
		Branding: sitrep.Branding{Name: "Status"},
		TimeZone: "UTC", Location: time.UTC,
	}}}
}

// BaseURL returns the address links should use: public_url, or else
// http:// and listen (e.g. ":8080"), with an unspecified host as localhost.
// It has no trailing slash.
func (c *Config) BaseURL(listen string) string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

var (
	slugForm    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	accentForm  = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	hexComment  = regexp.MustCompile(`^#[0-9a-fA-F]{3,8}\b`)
	hostLabelRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
)

// pageSeen remembers where each unique value of the pages was first written.
type pageSeen struct{ slugs, domains, dirs map[string]*yaml.Node }

func (d *decoder) pages(items []*values) []PageConfig {
	seen := pageSeen{slugs: map[string]*yaml.Node{}, domains: map[string]*yaml.Node{}, dirs: map[string]*yaml.Node{}}
	var out []PageConfig
	for _, v := range items {
		before := len(d.p.list)
		p := d.page(v, &seen)
		if len(d.p.list) == before {
			out = append(out, p)
		}
	}
	return out
}

func (d *decoder) page(v *values, seen *pageSeen) PageConfig {
	p := PageConfig{Page: sitrep.Page{
		Slug:     v.str("slug"),
		Title:    v.str("title"),
		TimeZone: strings.TrimSpace(v.str("time_zone")),
	}}
	if v.has("slug") {
		if msg := checkSlug(p.Slug); msg != "" {
			d.p.at(v.at("slug"), "slug: %s", msg)
		} else if first, dup := seen.slugs[p.Slug]; dup {
			d.p.at(v.at("slug"), "slug: %q is already the slug of the page at %s; slugs must be unique", p.Slug, d.p.pos(first))
		} else {
			seen.slugs[p.Slug] = v.at("slug")
		}
	}
	if strings.TrimSpace(p.Title) == "" {
		d.p.at(v.at("title"), "title: must not be empty, e.g. title: Example status")
	}
	p.Groups = d.pageGroups(v)

	if p.TimeZone == "Local" {
		d.p.at(v.at("time_zone"), "time_zone: %q depends on the machine sitrep runs on; use an IANA name like Europe/Oslo", p.TimeZone)
	} else if loc, err := time.LoadLocation(p.TimeZone); err != nil || p.TimeZone == "" {
		d.p.at(v.at("time_zone"), "time_zone: unknown time zone %q; use an IANA name like Europe/Oslo", p.TimeZone)
	} else {
		p.Location = loc
	}

	p.Branding = d.branding(v.sub("branding"), p.Title)

	if v.has("domain") {
		host, msg := checkHost(v.str("domain"))
		if msg != "" {
			d.p.at(v.at("domain"), "domain: %s", msg)
		} else if first, dup := seen.domains[host]; dup {
			d.p.at(v.at("domain"), "domain: %q is already the domain of the page at %s; a Host can choose one page only", host, d.p.pos(first))
		} else {
			seen.domains[host] = v.at("domain")
		}
		p.CustomDomain = host
	}
	if v.has("password") {
		p.Password = v.str("password")
		p.PasswordProtected = true
		if p.Password == "" {
			// Most likely an empty ${VAR}: a page meant to be private must
			// not silently become public.
			d.p.at(v.at("password"), "password: is empty; set a password, or remove the key for a public page")
		}
	}
	if v.has("export_dir") {
		p.ExportDir = d.path(strings.TrimSpace(v.str("export_dir")))
		if p.ExportDir == "" {
			d.p.at(v.at("export_dir"), "export_dir: must not be empty; remove the key to export nothing")
		} else if first, dup := seen.dirs[p.ExportDir]; dup {
			d.p.at(v.at("export_dir"), "export_dir: %q is already the export_dir of the page at %s; each page needs its own", p.ExportDir, d.p.pos(first))
		} else {
			seen.dirs[p.ExportDir] = v.at("export_dir")
		}
	}
	return p
}

// pageGroups returns the groups a page shows: those listed, each declared
// by some component and listed once, or by default every group.
func (d *decoder) pageGroups(v *values) []string {
	if !v.has("groups") {
		return slices.Clone(d.groups)
	}
	nodes := v.listItems("groups")
	var out []string
	for i, g := range v.strs("groups") {
		g = strings.TrimSpace(g)
		at := v.at("groups")
		if i < len(nodes) {
			at = nodes[i]
		}
		switch msg := d.groupProblem(g); {
		case slices.Contains(out, g):
			d.p.at(at, "groups: %q is listed twice", g)
		case msg != "":
			d.p.at(at, "groups: %s", msg)
		default:
			out = append(out, g)
		}
	}
	return out
}

func (d *decoder) branding(v *values, title string) sitrep.Branding {
	b := sitrep.Branding{
		Name:        v.str("name"),
		LogoURL:     strings.TrimSpace(v.str("logo")),
		AccentColor: strings.TrimSpace(v.str("accent")),
	}
	if b.Name == "" {
		b.Name = title
	}
	if v.has("logo") {
		if msg := checkHTTPURL(b.LogoURL, "https://example.com/logo.svg"); msg != "" {
			d.p.at(v.at("logo"), "logo: %s", msg)
		}
	}
	if v.has("accent") && !accentForm.MatchString(b.AccentColor) {
		d.p.at(v.at("accent"), "accent: %q is not a colour written #rrggbb; write e.g. accent: \"#0055aa\"", b.AccentColor)
	}
	d.commentedAccent(v.node)
	for _, l := range v.list("links") {
		link := sitrep.Link{Title: l.str("title"), URL: strings.TrimSpace(l.str("url"))}
		if l.has("title") && strings.TrimSpace(link.Title) == "" {
			d.p.at(l.at("title"), "title: must not be empty, e.g. title: Help")
		}
		if l.has("url") {
			if msg := checkHTTPURL(link.URL, "https://help.example.com/"); msg != "" {
				d.p.at(l.at("url"), "url: %s", msg)
			}
		}
		b.Links = append(b.Links, link)
	}
	return b
}

// commentedAccent reports `accent: #0055aa` written without quotes: YAML
// reads the colour as a comment and the key as empty, which would silently
// drop the colour.
func (d *decoder) commentedAccent(n *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Value == "accent" && isNull(val) {
			if c := strings.TrimSpace(k.LineComment + val.LineComment); hexComment.MatchString(c) {
				d.p.at(k, "accent: the colour was read as a YAML comment; quote it: accent: \"%s\"", hexComment.FindString(c))
			}
		}
	}
}

// checkSlug says what is wrong with a page slug, or "".
func checkSlug(s string) string {
	switch {
	case slices.Contains(reservedSlugs, s):
		return fmt.Sprintf("%q is taken by sitrep's own /%s route; choose another, e.g. %s-status", s, s, strings.ReplaceAll(s, ".", "-"))
	case len(s) > 64:
		return fmt.Sprintf("is %d characters long; at most 64 are allowed", len(s))
	case !slugForm.MatchString(s):
		return fmt.Sprintf("%q is not a slug; use lower-case letters, digits and -, starting with a letter or digit, e.g. main", s)
	}
	return ""
}

// checkHTTPURL says what is wrong with an http(s) URL shown to the public,
// or "".
func checkHTTPURL(s, example string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https"):
		return fmt.Sprintf("%q is not an http or https URL; write e.g. %s", s, example)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Sprintf("%q has no host; write e.g. %s", s, example)
	}
	return ""
}

// checkHost returns a page domain in the form Host headers are compared in
// (lower case), or what is wrong with it.
func checkHost(s string) (string, string) {
	h := strings.ToLower(strings.TrimSpace(s))
	switch {
	case strings.Contains(h, "://") || strings.Contains(h, "/"):
		return h, fmt.Sprintf("%q is not a host name; write the name only, without scheme or path, e.g. status.example.com", s)
	case strings.Contains(h, ":"):
		return h, fmt.Sprintf("%q is not a host name; leave out the port, e.g. status.example.com", s)
	case h == "" || len(h) > 253:
		return h, fmt.Sprintf("%q is not a host name; write e.g. status.example.com", s)
	}
	for _, label := range strings.Split(h, ".") {
		if len(label) > 63 || !hostLabelRe.MatchString(label) {
			return h, fmt.Sprintf("%q is not a host name; use letters, digits, - and dots, e.g. status.example.com", s)
		}
	}
	return h, ""
}

// publicURL reads public_url without a trailing slash, so that paths can be
// appended to it.
func (d *decoder) publicURL(v *values) string {
	s := strings.TrimSpace(v.str("public_url"))
	if !v.has("public_url") {
		return ""
	}
	if msg := checkHTTPURL(s, "https://status.example.com"); msg != "" {
		d.p.at(v.at("public_url"), "public_url: %s", msg)
		return ""
	}
	if u, _ := url.Parse(s); u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#") {
		d.p.at(v.at("public_url"), "public_url: %q has a query or fragment; links are made by appending paths, so write e.g. https://status.example.com", s)
		return ""
	}
	return strings.TrimRight(s, "/")
}
