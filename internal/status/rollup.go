package status

import "sitrep"

// GroupView is one group of components on a page.
type GroupView struct {
	Name string
	// Status is the worst status among the group's components.
	Status     sitrep.ComponentStatus
	Components []ComponentView
}

// Groups returns the page's groups in the page's order, each with its
// components in input order. Hidden components stay in the list (with
// Visible false) so callers decide; they are operational by definition and
// never change a group's status.
func Groups(p *sitrep.Page, views []ComponentView) []GroupView {
	groups := make([]GroupView, len(p.Groups))
	index := make(map[string]int, len(p.Groups))
	for i, g := range p.Groups {
		groups[i] = GroupView{Name: g, Status: sitrep.StatusOperational}
		index[g] = i
	}
	for _, v := range views {
		i, ok := index[v.Component.Group]
		if !ok {
			continue
		}
		groups[i].Components = append(groups[i].Components, v)
		groups[i].Status = sitrep.WorseStatus(groups[i].Status, v.Status)
	}
	return groups
}

// PageViews returns the views of the components a page shows, in input order.
func PageViews(p *sitrep.Page, views []ComponentView) []ComponentView {
	var out []ComponentView
	for _, v := range views {
		if p.ShowsGroup(v.Component.Group) {
			out = append(out, v)
		}
	}
	return out
}

// Indicator is Statuspage's one-word page status.
type Indicator string

const (
	IndicatorNone     Indicator = "none"
	IndicatorMinor    Indicator = "minor"
	IndicatorMajor    Indicator = "major"
	IndicatorCritical Indicator = "critical"
)

func (i Indicator) rank() int { return sitrep.Impact(i).Rank() }

// Banner is the overall status of a page.
type Banner struct {
	Indicator   Indicator
	Description string
	// Worst is the worst component status on the page.
	Worst sitrep.ComponentStatus
}

// Descriptions Statuspage clients know.
const (
	DescOperational         = "All Systems Operational"
	DescMaintenance         = "Service Under Maintenance"
	DescDegraded            = "Degraded System Service"
	DescPartiallyDegraded   = "Partially Degraded Service"
	DescMinorOutage         = "Minor Service Outage"
	DescPartialSystemOutage = "Partial System Outage"
	DescMajorSystemOutage   = "Major System Outage"
)

// Overall computes a page's banner from its components and open incidents.
//
// From components:
//
//	all operational                → none,     All Systems Operational
//	worst under maintenance        → none,     Service Under Maintenance
//	worst degraded, all degraded   → minor,    Degraded System Service
//	worst degraded                 → minor,    Partially Degraded Service
//	worst partial outage           → minor,    Minor Service Outage
//	some in major outage           → major,    Partial System Outage
//	all in major outage            → critical, Major System Outage
//
// An open incident raises the indicator to its impact when that is higher
// (a person judged it worse than the probes can see); the description then
// follows the indicator. Incidents in "monitoring" do not: the fix is in and
// users are no longer affected, and the incident is still listed on the page.
func Overall(views []ComponentView, incidents []*sitrep.Incident) Banner {
	b := Banner{Indicator: IndicatorNone, Description: DescOperational, Worst: sitrep.StatusOperational}
	all := true
	for _, v := range views {
		b.Worst = sitrep.WorseStatus(b.Worst, v.Status)
	}
	for _, v := range views {
		if v.Status != b.Worst {
			all = false
		}
	}
	switch b.Worst {
	case sitrep.StatusUnderMaintenance:
		b.Description = DescMaintenance
	case sitrep.StatusDegraded:
		b.Indicator, b.Description = IndicatorMinor, DescPartiallyDegraded
		if all {
			b.Description = DescDegraded
		}
	case sitrep.StatusPartialOutage:
		b.Indicator, b.Description = IndicatorMinor, DescMinorOutage
	case sitrep.StatusMajorOutage:
		b.Indicator, b.Description = IndicatorMajor, DescPartialSystemOutage
		if all {
			b.Indicator, b.Description = IndicatorCritical, DescMajorSystemOutage
		}
	}
	for _, inc := range incidents {
		if !inc.Open() || inc.Status == sitrep.IncidentMonitoring || inc.Impact.Rank() <= b.Indicator.rank() {
			continue
		}
		b.Indicator = Indicator(inc.Impact)
		switch b.Indicator {
		case IndicatorMinor:
			b.Description = DescMinorOutage
		case IndicatorMajor:
			b.Description = DescPartialSystemOutage
		case IndicatorCritical:
			b.Description = DescMajorSystemOutage
		}
	}
	return b
}
