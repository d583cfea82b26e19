package sitrep

import "time"

// State is what sitrep believes a monitor's target is experiencing.
type State string

const (
	StateUnknown  State = "unknown"
	StateUp       State = "up"
	StateDegraded State = "degraded"
	StateDown     State = "down"
)

// States lists every state.
var States = []State{StateUnknown, StateUp, StateDegraded, StateDown}

// MonitorState is a monitor's current state and the evidence for it.
type MonitorState struct {
	MonitorID string
	State     State
	Since     time.Time
	// LastResult is the most recent result from any location (nil before the
	// first check).
	LastResult *Result
}

// StateChange is one transition of a monitor's state. It is stored durably
// before it is made visible anywhere, so a change sitrep has reported is
// never lost, even across kill -9.
type StateChange struct {
	MonitorID string
	From      State
	To        State
	At        time.Time
	// Reason is the error of the result that caused the change, or a summary
	// such as "3 consecutive failures" / "2 of 3 locations down".
	Reason string
	// Events are written in the same transaction as the change (the
	// transactional outbox); the store never returns them.
	Events []Event
}
