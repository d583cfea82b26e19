package sitrep

import (
	"strings"
	"time"
)

// ComponentStatus is what users of a component are experiencing. The values
// are Statuspage's own words so that its API clients and widgets understand
// sitrep's /api/v2 unchanged.
type ComponentStatus string

const (
	StatusOperational      ComponentStatus = "operational"
	StatusUnderMaintenance ComponentStatus = "under_maintenance"
	StatusDegraded         ComponentStatus = "degraded_performance"
	StatusPartialOutage    ComponentStatus = "partial_outage"
	StatusMajorOutage      ComponentStatus = "major_outage"
)

// ComponentStatuses lists every status from best to worst.
var ComponentStatuses = []ComponentStatus{
	StatusOperational, StatusUnderMaintenance, StatusDegraded, StatusPartialOutage, StatusMajorOutage,
}

// Severity orders statuses for rollups: the worst status of a group wins.
// Maintenance ranks just above operational because it is planned and
// announced: a real degradation elsewhere must outrank it on the banner.
// Unknown strings rank 0 so that bad data never raises an alarm by itself.
func (s ComponentStatus) Severity() int {
	switch s {
	case StatusUnderMaintenance:
		return 1
	case StatusDegraded:
		return 2
	case StatusPartialOutage:
		return 3
	case StatusMajorOutage:
		return 4
	}
	return 0
}

// Valid reports whether s is one of ComponentStatuses.
func (s ComponentStatus) Valid() bool {
	for _, v := range ComponentStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// IsOutage reports whether s is a partial or major outage: the statuses that
// open incidents automatically.
func (s ComponentStatus) IsOutage() bool {
	return s == StatusPartialOutage || s == StatusMajorOutage
}

// WorseStatus returns the more severe of a and b (a on a tie).
func WorseStatus(a, b ComponentStatus) ComponentStatus {
	if b.Severity() > a.Severity() {
		return b
	}
	return a
}

// ParseComponentStatus checks s against the valid statuses; field names the
// input for the error message.
func ParseComponentStatus(field, s string) (ComponentStatus, error) {
	st := ComponentStatus(s)
	if !st.Valid() {
		return "", FieldErrorf(EINVALID, field, "unknown component status %q, valid: %s", s, joinStrings(ComponentStatuses))
	}
	return st, nil
}

// ComponentRule says what the states of a component's monitors mean for it.
// The zero value is the documented default rule:
//
//	any monitor degraded → degraded_performance
//	some monitors down   → partial_outage
//	all monitors down    → major_outage
//
// A component overrides a field to be stricter, e.g. SomeDown: major_outage
// for a component that is useless when any one of its parts is down.
type ComponentRule struct {
	AnyDegraded ComponentStatus
	SomeDown    ComponentStatus
	AllDown     ComponentStatus
}

// WithDefaults fills the unset fields of r from the default rule.
func (r ComponentRule) WithDefaults() ComponentRule {
	if r.AnyDegraded == "" {
		r.AnyDegraded = StatusDegraded
	}
	if r.SomeDown == "" {
		r.SomeDown = StatusPartialOutage
	}
	if r.AllDown == "" {
		r.AllDown = StatusMajorOutage
	}
	return r
}

// Component is something users care about ("Courses", "Video"), declared in
// the config file. Like monitors, components are values replaced on reload.
type Component struct {
	ID          string
	Name        string
	Group       string
	Description string
	// Monitors whose states decide the component's status.
	Monitors []string
	Rule     ComponentRule
	// HiddenUntilDegraded keeps the component off public pages while it is
	// operational (Statuspage's only_show_if_degraded).
	HiddenUntilDegraded bool
	// Automation overrides the page-wide incident automation settings for
	// incidents about this component; nil inherits them.
	Automation *AutomationOverride
}

// IncidentAutomation is how sitrep handles incidents on its own. A zero
// duration switches the behaviour off.
type IncidentAutomation struct {
	// AutoOpenAfter is how long a component must be in partial or major
	// outage before sitrep opens an incident for it.
	AutoOpenAfter time.Duration
	// AutoResolveAfter is how long an automatic incident stays in
	// "monitoring" with all its components operational before sitrep
	// resolves it. Off by default: a human should say it is over.
	AutoResolveAfter time.Duration
	// NudgeAfter is how old the last public update of an open incident may
	// get before staff are reminded to tell customers something.
	NudgeAfter time.Duration
}

// DefaultIncidentAutomation returns the documented defaults:
// auto_open_after 2m, auto_resolve_after off, nudge_after 30m.
func DefaultIncidentAutomation() IncidentAutomation {
	return IncidentAutomation{AutoOpenAfter: 2 * time.Minute, NudgeAfter: 30 * time.Minute}
}

// AutomationOverride is a per-component change to IncidentAutomation; nil
// fields inherit, a pointer to 0 switches the behaviour off.
type AutomationOverride struct {
	AutoOpenAfter    *time.Duration
	AutoResolveAfter *time.Duration
	NudgeAfter       *time.Duration
}

// With returns a with the set fields of o applied.
func (a IncidentAutomation) With(o *AutomationOverride) IncidentAutomation {
	if o == nil {
		return a
	}
	if o.AutoOpenAfter != nil {
		a.AutoOpenAfter = *o.AutoOpenAfter
	}
	if o.AutoResolveAfter != nil {
		a.AutoResolveAfter = *o.AutoResolveAfter
	}
	if o.NudgeAfter != nil {
		a.NudgeAfter = *o.NudgeAfter
	}
	return a
}

// ComponentState is a component's status as derived from its monitors, with
// the history automation needs. internal/status computes it; explicit
// statuses set by incidents and maintenance are not part of it, so that
// automation can see a component recover while an incident still pins it.
type ComponentState struct {
	ComponentID string
	Status      ComponentStatus
	// Since is when the component entered Status.
	Since time.Time
	// OutageSince is when the current outage began (zero when Status is not
	// an outage). Moving between partial and major outage keeps it, so a
	// worsening outage does not restart the auto-open timer.
	OutageSince time.Time
	// FirstFailedAt is the earliest time one of the component's monitors was
	// seen failing in the current episode (zero when all are up), the start
	// of an incident's time-to-detect.
	FirstFailedAt time.Time
	// Known is false when every monitor is unknown (or there are none):
	// Status is then operational only because nothing says otherwise.
	Known bool
}

// Link is a titled URL, e.g. a page's "Contact support" link.
type Link struct {
	Title string
	URL   string
}

// Branding is how a page presents itself.
type Branding struct {
	Name        string
	LogoURL     string
	AccentColor string // CSS colour, e.g. "#0b5fff"
	Links       []Link
}

// Page is one public status page: the component groups it shows, for one
// audience, portal or region.
type Page struct {
	Slug     string
	Title    string
	Groups   []string
	Branding Branding
	// TimeZone is the IANA name the page shows times in; Location is it
	// loaded (nil means UTC).
	TimeZone string
	Location *time.Location
	// CustomDomain, when set, serves this page for requests with that Host.
	CustomDomain string
	// PasswordProtected pages ask for a password before showing anything.
	PasswordProtected bool
}

// Loc returns the page's time zone, UTC when unset.
func (p *Page) Loc() *time.Location {
	if p.Location == nil {
		return time.UTC
	}
	return p.Location
}

// ShowsGroup reports whether the page shows components of group g.
func (p *Page) ShowsGroup(g string) bool {
	for _, pg := range p.Groups {
		if pg == g {
			return true
		}
	}
	return false
}

func joinStrings[S ~string](vs []S) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}
