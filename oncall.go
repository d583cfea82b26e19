package sitrep

import "time"

// Schedule is an on-call schedule: rotations, each with one member on call
// at a time, and overrides for holidays and swaps.
type Schedule struct {
	ID        string
	TimeZone  *time.Location // hand-offs happen at wall-clock times here
	Rotations []Rotation
	Overrides []Override
}

// Rotation hands on-call duty from member to member every Length, at the
// Handoff wall-clock time in the schedule's time zone (so a 09:00 hand-off
// stays at 09:00 across daylight saving changes).
type Rotation struct {
	Name    string
	Members []OnCallMember
	// Length is a whole number of days (a whole number of weeks when the
	// hand-off names a weekday).
	Length  time.Duration
	Handoff Handoff
	// Start is the date the first member's first shift starts from (the
	// first hand-off at or after it); the zero value means 2024-01-01.
	Start time.Time
}

// Handoff is a wall-clock time, on a weekday when Weekday is set.
type Handoff struct {
	Weekday      *time.Weekday
	Hour, Minute int
}

// OnCallMember is a person on a rotation and the channel that pages them.
type OnCallMember struct {
	Name    string
	Channel string
}

// Override puts Member on call instead of the rotation's member in
// [From, To). Rotation "" overrides every rotation of the schedule.
type Override struct {
	From, To time.Time
	Member   OnCallMember
	Rotation string
}

// OnCall is one person on call in one rotation of a schedule.
type OnCall struct {
	Schedule string
	Rotation string
	Member   OnCallMember
	// From and Until bound the current shift (or override).
	From, Until time.Time
	Override    bool
}
