package sitrep

// Action is something a role may or may not do; Allowed holds the matrix in
// one place so the UI and the API cannot disagree.
type Action string

const (
	ActionRead        Action = "read" // everything a signed-in viewer sees
	ActionIncidents   Action = "incidents"
	ActionMaintenance Action = "maintenance"
	ActionPostmortems Action = "postmortems"
	ActionAcks        Action = "acks"
	ActionSubscribers Action = "subscribers"
	ActionUsers       Action = "users"
	ActionTokens      Action = "tokens"
	ActionSettings    Action = "settings"
	ActionAudit       Action = "audit" // reading and exporting the audit log
)

// Actions lists every action, for tests and documentation.
var Actions = []Action{
	ActionRead, ActionIncidents, ActionMaintenance, ActionPostmortems, ActionAcks,
	ActionSubscribers, ActionUsers, ActionTokens, ActionSettings, ActionAudit,
}

// Allowed reports whether a role may perform an action. Unknown roles and
// actions are refused.
func Allowed(role Role, a Action) bool {
	switch a {
	case ActionRead:
		return role == RoleAdmin || role == RoleResponder || role == RoleViewer
	case ActionIncidents, ActionMaintenance, ActionPostmortems, ActionAcks, ActionSubscribers:
		return role == RoleAdmin || role == RoleResponder
	case ActionUsers, ActionTokens, ActionSettings, ActionAudit:
		return role == RoleAdmin
	}
	return false
}

// ValidRole reports whether r is one of the three roles.
func ValidRole(r Role) bool {
	return r == RoleAdmin || r == RoleResponder || r == RoleViewer
}
