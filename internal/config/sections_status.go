package config

import (
	"strings"

	"sitrep"
)

// statusSpec describes what the public sees: components, pages, and how
// incidents and maintenance run by themselves.
type statusSpec struct {
	components, rule, componentIncidents *section
	pages, branding, link                *section
	incidents, maintenance               *section
}

// ruleStatuses are the statuses a component rule may give. Maintenance is
// left out: it is set by a maintenance window, never derived from monitors.
func ruleStatuses() []string {
	var out []string
	for _, st := range sitrep.ComponentStatuses {
		if st != sitrep.StatusUnderMaintenance {
			out = append(out, string(st))
		}
	}
	return out
}

// reservedSlugs are the first path segments sitrep's own routes use; a page
// at /{slug}/ must not shadow them.
var reservedSlugs = []string{
	"history.atom", "history.rss", "maintenance.ics", "events", "theme.css", "incidents", "maintenance",
	"badge", "api", "ping", "static", "healthz", "metrics", "overview", "admin", "login", "favicon.ico",
	"subscribe", "confirm", "unsubscribe", "manage",
}

func newStatusSpec() *statusSpec {
	s := &statusSpec{}
	automation := func(defaults bool) []field {
		def := func(key, value string) (string, string) {
			if defaults {
				return value, ""
			}
			return "", "`incidents." + key + "`"
		}
		open, openDoc := def("auto_open_after", "2m")
		resolve, resolveDoc := def("auto_resolve_after", "off")
		nudge, nudgeDoc := def("nudge_after", "30m")
		return []field{
			{Key: "auto_open_after", Kind: kindDurationOff, Default: open, DefaultDoc: openDoc, Min: "1s",
				Doc: "How long a component must be in partial or major outage, with no open incident covering it, before sitrep opens an incident and posts its first public update. `off` leaves opening incidents to people."},
			{Key: "auto_resolve_after", Kind: kindDurationOff, Default: resolve, DefaultDoc: resolveDoc, Min: "1s",
				Doc: "How long an automatic incident stays in `monitoring` with all its components recovered before sitrep resolves it. `off` (the default) waits for a person to say it is over."},
			{Key: "nudge_after", Kind: kindDurationOff, Default: nudge, DefaultDoc: nudgeDoc, Min: "1s",
				Doc: "How old the last public update of an open incident may get before staff get an internal reminder to tell customers something. `off` never reminds."},
		}
	}
	s.incidents = &section{
		Path:   "incidents",
		Doc:    "How sitrep handles incidents by itself. A component can override each key under its own `incidents`. An incident a person has edited or updated is left alone.",
		Fields: automation(true),
	}
	s.componentIncidents = &section{
		Path:   "components[].incidents",
		Doc:    "This component's exceptions to the top-level `incidents` settings; a key left out inherits.",
		Fields: automation(false),
	}
	s.maintenance = &section{
		Path: "maintenance",
		Doc:  "How scheduled maintenance announces itself.",
		Fields: []field{
			{Key: "reminders", Kind: kindDurations, Default: "[24h, 1h]", Min: "1s",
				Doc: "How long before a window's start subscribers are reminded of it, one reminder each; in any order, each at most once. `[]` sends none."},
		},
	}
	statuses := ruleStatuses()
	s.rule = &section{
		Path: "components[].rule",
		Doc: "What the states of the component's monitors mean for it. A key left out keeps the default rule: any monitor degraded → `degraded_performance`, " +
			"some down → `partial_outage`, all down → `major_outage`. Monitors whose state is unknown are not counted. An open incident or maintenance sets the status explicitly and wins while it lasts.",
		Fields: []field{
			{Key: "any_degraded", Kind: kindEnum, Enum: statuses, ShowValid: true, DefaultDoc: "`degraded_performance`",
				Doc: "Status when any monitor is degraded and none is down."},
			{Key: "some_down", Kind: kindEnum, Enum: statuses, ShowValid: true, DefaultDoc: "`partial_outage`",
				Doc: "Status when some, but not all, monitors are down. Set `major_outage` for a component that is useless when any of its parts is down."},
			{Key: "all_down", Kind: kindEnum, Enum: statuses, ShowValid: true, DefaultDoc: "`major_outage`",
				Doc: "Status when every monitor is down. Must be at least as bad as `some_down`."},
		},
	}
	s.components = &section{
		Path: "components[]",
		Doc: "Each entry of `components` is something users care about (\"Courses\", \"Video\"), shown on status pages in its group. " +
			"Its status is derived from its monitors by its `rule`.",
		Fields: []field{
			{Key: "id", Kind: kindString, Required: true, Example: "courses-oslo",
				Doc: "Unique identifier, in the same form as a monitor id. It names the component's history and is used in the API and CLI (`--component ID`)."},
			{Key: "name", Kind: kindString, DefaultDoc: "the id", Doc: "Name shown to people, e.g. `Courses`."},
			{Key: "group", Kind: kindString, Required: true, Example: "Oslo data centre",
				Doc: "Group the component is shown in, e.g. a region or portal. Pages choose which groups they show."},
			{Key: "description", Kind: kindString, Doc: "Free text shown with the component."},
			{Key: "monitors", Kind: kindStrings, DefaultDoc: "none: the component is operational unless an incident or maintenance sets it",
				Doc: "Ids of the monitors whose states decide the component's status."},
			{Key: "rule", Kind: kindSection, Section: s.rule, Doc: "How monitor states become the component's status; see below."},
			{Key: "hidden_until_degraded", Kind: kindBool, Default: "false",
				Doc: "Keep the component off public pages while it is operational."},
			{Key: "incidents", Kind: kindSection, Section: s.componentIncidents,
				Doc: "Exceptions to the top-level `incidents` settings for this component; see below."},
		},
	}
	s.link = &section{
		Path: "pages[].branding.links[]",
		Doc:  "A link shown in the page's header, e.g. to help or to support.",
		Fields: []field{
			{Key: "title", Kind: kindString, Required: true, Example: "Help", Doc: "Text of the link."},
			{Key: "url", Kind: kindString, Required: true, Example: "https://help.example.com/", Doc: "An http or https URL."},
		},
	}
	s.branding = &section{
		Path: "pages[].branding",
		Doc:  "How a page presents itself.",
		Fields: []field{
			{Key: "name", Kind: kindString, DefaultDoc: "the page's title", Doc: "Organisation or product name shown in the header."},
			{Key: "logo", Kind: kindString, Example: "https://example.com/logo.svg", Doc: "An http or https URL of the logo image."},
			{Key: "accent", Kind: kindString, Example: "\"#0055aa\"",
				Doc: "Accent colour as `\"#rrggbb\"`; quote it, as an unquoted `#` starts a YAML comment. Pick one with enough contrast on white and on black (dark mode)."},
			{Key: "links", Kind: kindList, Section: s.link, Doc: "Links shown in the header; see below."},
		},
	}
	s.pages = &section{
		Path: "pages[]",
		Doc: "Each entry of `pages` is one public status page. The first is served at `/` and every page at `/{slug}/`. " +
			"Without any `pages`, sitrep serves one page, `main` titled `Status`, with every group in the order components declare them.",
		Fields: []field{
			{Key: "slug", Kind: kindString, Required: true, Example: "main",
				Doc: "The page's path segment: lower-case letters, digits and `-`, starting with a letter or digit, at most 64 characters. " +
					"It must not be one of sitrep's own routes: " + strings.Join(quoteAll(reservedSlugs), ", ") + "."},
			{Key: "title", Kind: kindString, Default: "Status", Doc: "Title of the page, e.g. `Example Learning status`."},
			{Key: "groups", Kind: kindStrings, DefaultDoc: "every group, in the order components declare them",
				Doc: "Component groups the page shows, in this order. Each must be the `group` of some component."},
			{Key: "time_zone", Kind: kindString, Default: "UTC", Doc: "IANA time zone the page shows times in, e.g. `Europe/Oslo`."},
			{Key: "branding", Kind: kindSection, Section: s.branding, Doc: "Name, logo, accent colour and links; see below."},
			{Key: "domain", Kind: kindString, Example: "status.example.com",
				Doc: "Host name (no scheme or port) for which this page is served at `/`, chosen by the request's Host header. Each page needs its own."},
			{Key: "password", Kind: kindString, Example: "${PAGE_PASSWORD}",
				Doc: "When set, the page asks for this password before showing anything. Keep it out of the file with `${VAR}`; an empty value is an error rather than a public page."},
			{Key: "export_dir", Kind: kindString, Example: "/var/www/status",
				Doc: "Directory kept current with a static copy of the page (HTML, feeds, `/api/v2` JSON) to serve from elsewhere. Relative to this file's directory; each page needs its own."},
		},
	}
	return s
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return out
}
