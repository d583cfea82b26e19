package status

// The documents of Statuspage's public API v2, field for field, so that
// existing clients and widgets work against sitrep unchanged. Nullable
// fields are pointers and keep their null; field order follows Statuspage's
// own answers so that diffs against a real page read easily.

// PageDoc identifies the page in every document.
type PageDoc struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"`
	UpdatedAt string `json:"updated_at"`
}

// StatusDoc is the page's overall status.
type StatusDoc struct {
	Indicator   Indicator `json:"indicator"`
	Description string    `json:"description"`
}

// ComponentDoc is a component, or a group (Group true, Components listing
// the member ids, which name it in their GroupID).
type ComponentDoc struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Status             string   `json:"status"`
	CreatedAt          string   `json:"created_at"`
	UpdatedAt          string   `json:"updated_at"`
	Position           int      `json:"position"`
	Description        *string  `json:"description"`
	Showcase           bool     `json:"showcase"`
	StartDate          *string  `json:"start_date"`
	GroupID            *string  `json:"group_id"`
	PageID             string   `json:"page_id"`
	Group              bool     `json:"group"`
	OnlyShowIfDegraded bool     `json:"only_show_if_degraded"`
	Components         []string `json:"components,omitempty"`
}

// AffectedComponentDoc is a status change made by an update.
type AffectedComponentDoc struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
}

// IncidentUpdateDoc is one public update.
type IncidentUpdateDoc struct {
	ID                   string                 `json:"id"`
	Status               string                 `json:"status"`
	Body                 string                 `json:"body"`
	IncidentID           string                 `json:"incident_id"`
	CreatedAt            string                 `json:"created_at"`
	UpdatedAt            string                 `json:"updated_at"`
	DisplayAt            string                 `json:"display_at"`
	AffectedComponents   []AffectedComponentDoc `json:"affected_components"`
	DeliverNotifications bool                   `json:"deliver_notifications"`
	CustomTweet          *string                `json:"custom_tweet"`
	TweetID              *string                `json:"tweet_id"`
}

// IncidentDoc is an incident with its public updates and affected components.
type IncidentDoc struct {
	ID                    string              `json:"id"`
	Name                  string              `json:"name"`
	Status                string              `json:"status"`
	CreatedAt             string              `json:"created_at"`
	UpdatedAt             *string             `json:"updated_at"`
	MonitoringAt          *string             `json:"monitoring_at"`
	ResolvedAt            *string             `json:"resolved_at"`
	Impact                string              `json:"impact"`
	Shortlink             string              `json:"shortlink"`
	StartedAt             string              `json:"started_at"`
	PageID                string              `json:"page_id"`
	IncidentUpdates       []IncidentUpdateDoc `json:"incident_updates"`
	Components            []ComponentDoc      `json:"components"`
	PostmortemBody        *string             `json:"postmortem_body"`
	PostmortemPublishedAt *string             `json:"postmortem_published_at"`
}

// MaintenanceDoc is a scheduled maintenance: an incident with impact
// "maintenance", a maintenance status and its planned window.
type MaintenanceDoc struct {
	ID              string              `json:"id"`
	Name            string              `json:"name"`
	Status          string              `json:"status"`
	CreatedAt       string              `json:"created_at"`
	UpdatedAt       *string             `json:"updated_at"`
	MonitoringAt    *string             `json:"monitoring_at"`
	ResolvedAt      *string             `json:"resolved_at"`
	Impact          string              `json:"impact"`
	Shortlink       string              `json:"shortlink"`
	StartedAt       string              `json:"started_at"`
	PageID          string              `json:"page_id"`
	IncidentUpdates []IncidentUpdateDoc `json:"incident_updates"`
	Components      []ComponentDoc      `json:"components"`
	ScheduledFor    string              `json:"scheduled_for"`
	ScheduledUntil  string              `json:"scheduled_until"`
}

// SummaryDoc is /api/v2/summary.json.
type SummaryDoc struct {
	Page                  PageDoc          `json:"page"`
	Components            []ComponentDoc   `json:"components"`
	Incidents             []IncidentDoc    `json:"incidents"`
	ScheduledMaintenances []MaintenanceDoc `json:"scheduled_maintenances"`
	Status                StatusDoc        `json:"status"`
}

// StatusOnlyDoc is /api/v2/status.json.
type StatusOnlyDoc struct {
	Page   PageDoc   `json:"page"`
	Status StatusDoc `json:"status"`
}

// ComponentsDoc is /api/v2/components.json.
type ComponentsDoc struct {
	Page       PageDoc        `json:"page"`
	Components []ComponentDoc `json:"components"`
}

// IncidentsDoc is /api/v2/incidents.json and incidents/unresolved.json.
type IncidentsDoc struct {
	Page      PageDoc       `json:"page"`
	Incidents []IncidentDoc `json:"incidents"`
}

// MaintenancesDoc is /api/v2/scheduled-maintenances.json and its
// upcoming.json and active.json.
type MaintenancesDoc struct {
	Page                  PageDoc          `json:"page"`
	ScheduledMaintenances []MaintenanceDoc `json:"scheduled_maintenances"`
}
