package web

import (
	"net/http"
	"strings"

	"sitrep"
)

// apiRoute describes one /api/v1 route: the OpenAPI document is built from
// this list, creates get Idempotency-Key handling from it, and the tests
// check it against what the server actually registers and allows.
type apiRoute struct {
	Method, Path string
	Summary, Tag string
	// Action is what the caller's role must allow (sitrep.Allowed); ""
	// means the route is public and needs no token.
	Action sitrep.Action
	// Create marks a POST that makes a new record; it honours Idempotency-Key.
	Create bool
	// Paged lists take limit and cursor and answer next_cursor.
	Paged  bool
	Query  []apiParam
	Body   any // a value of the request body's type, nil without a body
	Status int // the success status
	// Resp is a value of the response type, or a map[string]any schema for
	// hand-encoded answers.
	Resp any
	// Also lists further success statuses with the same response shape.
	Also []int
	// ContentType of the success answer; "" is JSON.
	ContentType string
}

type apiParam struct {
	Name, Description string
	Enum              []string
	Format            string
}

func (rt apiRoute) pattern() string { return rt.Method + " " + rt.Path }

var (
	idempotencyParam = "Idempotency-Key"
	rangeParams      = []apiParam{
		{Name: "from", Description: "start of the range, RFC 3339; default one hour before to", Format: "date-time"},
		{Name: "to", Description: "end of the range, RFC 3339; default now", Format: "date-time"},
	}
)

// apiRoutes is every /api/v1 route the server can register.
func apiRoutes() []apiRoute {
	return append([]apiRoute{
		{Method: "GET", Path: "/api/v1/openapi.json", Summary: "This OpenAPI document", Tag: "meta",
			Status: 200, Resp: map[string]any{"type": "object"}},

		{Method: "GET", Path: "/api/v1/monitors", Summary: "List monitors with their state", Tag: "monitors",
			Status: 200, Resp: monitorListSchema()},
		{Method: "GET", Path: "/api/v1/monitors/{id}", Summary: "One monitor", Tag: "monitors",
			Status: 200, Resp: monitorSchema()},
		{Method: "GET", Path: "/api/v1/monitors/{id}/results", Summary: "Raw results of a monitor in a time range", Tag: "monitors",
			Query: rangeParams, Status: 200, Resp: resultSetSchema()},

		{Method: "GET", Path: "/api/v1/incidents", Summary: "List incidents, newest first", Tag: "incidents",
			Action: sitrep.ActionRead, Paged: true, Query: []apiParam{{Name: "status", Description: "open, resolved or all (default)", Enum: []string{"open", "resolved", "all"}}},
			Status: 200, Resp: incidentListJSON{}},
		{Method: "POST", Path: "/api/v1/incidents", Summary: "Open an incident", Tag: "incidents",
			Action: sitrep.ActionIncidents, Create: true, Body: incidentOpenBody{}, Status: 201, Resp: incidentJSON{}},
		{Method: "GET", Path: "/api/v1/incidents/{id}", Summary: "One incident with its timeline", Tag: "incidents",
			Action: sitrep.ActionRead, Status: 200, Resp: incidentJSON{}},
		{Method: "POST", Path: "/api/v1/incidents/{id}/updates", Summary: "Post an update to an incident", Tag: "incidents",
			Action: sitrep.ActionIncidents, Body: incidentUpdateBody{}, Status: 200, Resp: incidentJSON{}},
		{Method: "POST", Path: "/api/v1/incidents/{id}/resolve", Summary: "Resolve an incident", Tag: "incidents",
			Action: sitrep.ActionIncidents, Body: incidentResolveBody{}, Status: 200, Resp: incidentJSON{}},
		{Method: "PUT", Path: "/api/v1/incidents/{id}/postmortem", Summary: "Write or publish the postmortem", Tag: "incidents",
			Action: sitrep.ActionPostmortems, Body: postmortemBody{}, Status: 200, Resp: incidentJSON{}},

		{Method: "GET", Path: "/api/v1/maintenances", Summary: "List maintenance windows", Tag: "maintenances",
			Action: sitrep.ActionRead, Paged: true,
			Query:  []apiParam{{Name: "status", Description: "upcoming, active, completed or all; several may be joined by commas"}},
			Status: 200, Resp: maintenanceListJSON{}},
		{Method: "POST", Path: "/api/v1/maintenances", Summary: "Schedule a maintenance window", Tag: "maintenances",
			Action: sitrep.ActionMaintenance, Create: true, Body: maintenanceScheduleBody{}, Status: 201, Resp: maintenanceJSON{}},
		{Method: "GET", Path: "/api/v1/maintenances/{id}", Summary: "One maintenance window", Tag: "maintenances",
			Action: sitrep.ActionRead, Status: 200, Resp: maintenanceJSON{}},
		{Method: "PATCH", Path: "/api/v1/maintenances/{id}", Summary: "Edit a window: title, description, components, start, end", Tag: "maintenances",
			Action: sitrep.ActionMaintenance, Body: maintenanceEditBody{}, Status: 200, Resp: maintenanceJSON{}},
		{Method: "POST", Path: "/api/v1/maintenances/{id}/updates", Summary: "Start, extend, complete or cancel a window, or post a note", Tag: "maintenances",
			Action: sitrep.ActionMaintenance, Body: maintenanceUpdateBody{}, Status: 200, Resp: maintenanceJSON{}},

		{Method: "POST", Path: "/api/v1/subscribers", Summary: "Subscribe to a status page (public)", Tag: "subscribers",
			Create: true, Body: subscribeRequest{}, Status: 201, Also: []int{202}, Resp: subscribeAnswerSchema()},

		{Method: "GET", Path: "/api/v1/alerts", Summary: "List staff alerts", Tag: "alerts",
			Action: sitrep.ActionRead, Paged: true, Query: []apiParam{{Name: "state", Description: "open (default) or all", Enum: []string{"open", "all"}}},
			Status: 200, Resp: alertListJSON{}},
		{Method: "GET", Path: "/api/v1/alerts/{id}", Summary: "One alert", Tag: "alerts",
			Action: sitrep.ActionRead, Status: 200, Resp: alertJSON{}},
		{Method: "POST", Path: "/api/v1/alerts/{id}/ack", Summary: "Acknowledge an alert, stopping its escalation", Tag: "alerts",
			Action: sitrep.ActionAcks, Body: ackBody{}, Status: 200, Resp: alertJSON{}},
		{Method: "GET", Path: "/api/v1/oncall", Summary: "Who is on call", Tag: "alerts",
			Action: sitrep.ActionRead, Query: []apiParam{{Name: "schedule", Description: "one schedule's name; default all"},
				{Name: "at", Description: "RFC 3339 time; default now", Format: "date-time"}},
			Status: 200, Resp: onCallListJSON{}},

		{Method: "GET", Path: "/api/v1/deliveries", Summary: "Notification deliveries, newest first", Tag: "deliveries",
			Action: sitrep.ActionRead, Paged: true,
			Query:  []apiParam{{Name: "state", Description: "pending, delivered or failed; default all", Enum: []string{"pending", "delivered", "failed"}}},
			Status: 200, Resp: deliveryListJSON{}},
		{Method: "POST", Path: "/api/v1/deliveries/{id}/retry", Summary: "Retry a failed delivery now", Tag: "deliveries",
			Action: sitrep.ActionSubscribers, Status: 204},
	}, adminRoutes()...)
}

// adminRoutes are the routes of users, tokens, the audit log and the
// subscriber admin (users_api_routes.go).
func adminRoutes() []apiRoute {
	csv := map[string]any{"type": "string", "description": "CSV with a header row; cells that a spreadsheet would run as a formula start with '"}
	subFilter := []apiParam{
		{Name: "q", Description: "part of the address"},
		{Name: "page", Description: "a status page's slug"},
		{Name: "kind", Description: "how the subscriber is reached", Enum: []string{"email", "webhook", "slack", "teams", "discord"}},
		{Name: "confirmed", Description: "true or false; default both", Enum: []string{"true", "false"}},
	}
	return []apiRoute{
		{Method: "GET", Path: "/api/v1/users", Summary: "List users, oldest first", Tag: "users",
			Action: sitrep.ActionUsers, Paged: true, Status: 200, Resp: userListJSON{}},
		{Method: "POST", Path: "/api/v1/users", Summary: "Create a user", Tag: "users",
			Action: sitrep.ActionUsers, Create: true, Body: userCreateBody{}, Status: 201, Resp: userJSON{}},
		{Method: "PATCH", Path: "/api/v1/users/{id}", Summary: "Change a user's name, role or password", Tag: "users",
			Action: sitrep.ActionUsers, Body: userPatchBody{}, Status: 200, Resp: userJSON{}},
		{Method: "POST", Path: "/api/v1/users/{id}/disable", Summary: "Disable a user and end their sessions", Tag: "users",
			Action: sitrep.ActionUsers, Status: 204},

		{Method: "GET", Path: "/api/v1/tokens", Summary: "List API tokens (never the tokens themselves)", Tag: "tokens",
			Action: sitrep.ActionTokens, Paged: true, Status: 200, Resp: tokenListJSON{}},
		{Method: "POST", Path: "/api/v1/tokens", Summary: "Create an API token; the answer is the only time it is shown", Tag: "tokens",
			Action: sitrep.ActionTokens, Create: true, Body: tokenCreateBody{}, Status: 201, Resp: tokenCreatedJSON{}},
		{Method: "DELETE", Path: "/api/v1/tokens/{id}", Summary: "Revoke an API token", Tag: "tokens",
			Action: sitrep.ActionTokens, Status: 204},

		{Method: "GET", Path: "/api/v1/audit", Summary: "The audit log, newest first; pass next_before back as before", Tag: "audit",
			Action: sitrep.ActionAudit, Query: []apiParam{
				{Name: "before", Description: "only entries before this RFC 3339 time", Format: "date-time"},
				{Name: "limit", Description: "page size, 1 to 1000 (default 100)"}},
			Status: 200, Resp: auditListJSON{}},
		{Method: "GET", Path: "/api/v1/audit.csv", Summary: "Export the whole audit log as CSV", Tag: "audit",
			Action: sitrep.ActionAudit, Status: 200, Resp: csv, ContentType: "text/csv"},

		{Method: "GET", Path: "/api/v1/subscribers", Summary: "Search subscribers, newest first", Tag: "subscribers",
			Action: sitrep.ActionSubscribers, Paged: true, Query: subFilter, Status: 200, Resp: subscriberAdminListJSON{}},
		{Method: "GET", Path: "/api/v1/subscribers.csv", Summary: "Export the subscribers the filter selects as CSV", Tag: "subscribers",
			Action: sitrep.ActionSubscribers, Query: subFilter, Status: 200, Resp: csv, ContentType: "text/csv"},
		{Method: "DELETE", Path: "/api/v1/subscribers/{id}", Summary: "Remove a subscriber", Tag: "subscribers",
			Action: sitrep.ActionSubscribers, Status: 204},
	}
}

// routeMux is the server's ServeMux that remembers the patterns registered
// on it and lets the server wrap API creates with Idempotency-Key handling.
type routeMux struct {
	*http.ServeMux
	patterns []string
	wrap     func(pattern string, h http.Handler) http.Handler
}

func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	if m.wrap != nil {
		h = m.wrap(pattern, h)
	}
	m.ServeMux.Handle(pattern, h)
}

func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// apiPatterns are the method-qualified /api/v1 patterns registered; the
// method-less fallbacks that answer 405 are not routes of their own.
func (m *routeMux) apiPatterns() []string {
	var out []string
	for _, p := range m.patterns {
		method, path, ok := strings.Cut(p, " ")
		if ok && method != "" && strings.HasPrefix(path, "/api/v1/") {
			out = append(out, p)
		}
	}
	return out
}
