package config

// alertSpec describes staff alerting: routes from monitors to channels,
// escalation policies and on-call schedules.
type alertSpec struct {
	routes, match                 *section
	policies, levels, targets     *section
	schedules, rotations, members *section
	overrides                     *section
}

// sections lists the alerting sections in the order the docs show them.
func (s *alertSpec) sections() []*section {
	return []*section{s.routes, s.match, s.policies, s.levels, s.targets, s.schedules, s.rotations, s.members, s.overrides}
}

func newAlertSpec() *alertSpec {
	s := &alertSpec{}
	s.match = &section{
		Path: "routes[].match",
		Doc:  "Which failing monitors the route takes. Every key given must hold; a key left out matches everything.",
		Fields: []field{
			{Key: "monitors", Kind: kindStrings, DefaultDoc: "every monitor",
				Doc: "Monitor ids or globs (`*`, `db-*`)."},
			{Key: "components", Kind: kindStrings, DefaultDoc: "any component, or none",
				Doc: "Component ids or globs; the monitor must belong to one of them."},
			{Key: "labels", Kind: kindStringMap, Doc: "Labels the monitor must have, with these values, e.g. `{team: web}`."},
			{Key: "severity", Kind: kindStrings, DefaultDoc: "`[down]`",
				Doc: "Monitor states that page: `down`, `degraded`, or both."},
		},
	}
	s.routes = &section{
		Path: "routes[]",
		Doc: "Each entry of `routes` sends the failures of matching monitors to staff. The first route that matches a monitor takes it. " +
			"Monitors that fail together share one alert (see `group_by`), so one incident pages once; a monitor that changes state more than 5 times in an hour is held back until it settles, " +
			"and monitors of components under maintenance do not page.",
		Fields: []field{
			{Key: "id", Kind: kindString, DefaultDoc: "`route-` and the route's position, from 1",
				Doc: "Identifier, in the same form as a monitor id; alerts record the route they came from by it."},
			{Key: "match", Kind: kindSection, Section: s.match, Doc: "Which monitors the route takes; see below."},
			{Key: "channels", Kind: kindStrings, Doc: "Ids of `channels` paged when an alert triggers, resolves, and with reminders at the first level."},
			{Key: "escalation", Kind: kindString, Doc: "Id of an `escalation_policies` entry: who is paged when, while nobody acknowledges."},
			{Key: "repeat_every", Kind: kindDurationOff, Default: "off", Min: "1m",
				Doc: "While an alert is not acknowledged, page the current level again this long after the last page. `off` sends no reminders."},
			{Key: "group_by", Kind: kindEnum, Enum: []string{"component", "monitor"}, Default: "component",
				Doc: "`component`: failing monitors of one component share an alert (a monitor in no component pages alone); `monitor`: each monitor has its own."},
		},
	}
	s.targets = &section{
		Path: "escalation_policies[].levels[].targets[]",
		Doc:  "Who a level pages: exactly one of `channel` and `schedule`.",
		Fields: []field{
			{Key: "channel", Kind: kindString, Example: "pager", Doc: "Id of a channel."},
			{Key: "schedule", Kind: kindString, Example: "primary", Doc: "Id of a schedule: whoever is on call in it when the level is paged, through their channel."},
		},
	}
	s.levels = &section{
		Path: "escalation_policies[].levels[]",
		Doc:  "One step of escalation.",
		Fields: []field{
			{Key: "after", Kind: kindDuration, Default: "0s", Min: "0",
				Doc: "How long after the alert triggered this level is paged, if nobody has acknowledged. The first level's must be 0: it is paged when the alert triggers. Each next level's must be later than the one before."},
			{Key: "targets", Kind: kindList, Section: s.targets, Required: true, Example: "[{channel: pager}]", Doc: "Who is paged; see below."},
		},
	}
	s.policies = &section{
		Path: "escalation_policies[]",
		Doc:  "Each entry of `escalation_policies` is an ordered list of levels: an unacknowledged alert escalates to the next level on time. Acknowledge with the signed link in the alert, the API or `sitrep ack`.",
		Fields: []field{
			{Key: "id", Kind: kindString, Required: true, Example: "default", Doc: "Identifier that routes' `escalation` refers to."},
			{Key: "levels", Kind: kindList, Section: s.levels, Required: true, Example: "[{targets: [{channel: pager}]}]", Doc: "The levels, in order; see below."},
		},
	}
	s.members = &section{
		Path: "schedules[].rotations[].members[]",
		Doc:  "A person on a rotation.",
		Fields: []field{
			{Key: "name", Kind: kindString, Required: true, Example: "alice", Doc: "Name shown by `sitrep oncall`; unique within the schedule."},
			{Key: "channel", Kind: kindString, Required: true, Example: "alice-sms", Doc: "Id of the channel that pages this person."},
		},
	}
	s.rotations = &section{
		Path: "schedules[].rotations[]",
		Doc:  "Members take turns in the order listed, one on call at a time. Each rotation of a schedule has someone on call; all of them are paged.",
		Fields: []field{
			{Key: "name", Kind: kindString, Required: true, Example: "primary", Doc: "Name of the rotation, unique within the schedule."},
			{Key: "members", Kind: kindList, Section: s.members, Required: true, Example: "[{name: alice, channel: alice-sms}]", Doc: "The people, in turn order; see below."},
			{Key: "length", Kind: kindDuration, Default: "1w", Min: "1d",
				Doc: "Length of a shift: whole days, or whole weeks when `handoff` names a weekday."},
			{Key: "handoff", Kind: kindString, Default: "monday 09:00",
				Doc: "When one shift hands over to the next, as wall-clock time in the schedule's time zone: `HH:MM`, or a weekday and `HH:MM` for weekly shifts. It stays at that time across daylight saving changes."},
			{Key: "start", Kind: kindString, Default: "2024-01-01",
				Doc: "Date (`YYYY-MM-DD`) the first member's first shift starts from, at the first hand-off on or after it; it fixes whose turn it is."},
		},
	}
	s.overrides = &section{
		Path: "schedules[].overrides[]",
		Doc:  "Someone else on call for a while, e.g. over a holiday. A later override wins over an earlier one.",
		Fields: []field{
			{Key: "from", Kind: kindString, Required: true, Example: "2025-12-24 09:00", Doc: "Start, `YYYY-MM-DD HH:MM` in the schedule's time zone or RFC 3339."},
			{Key: "to", Kind: kindString, Required: true, Example: "2025-12-27 09:00", Doc: "End (exclusive), in the same form; after `from`."},
			{Key: "member", Kind: kindString, Required: true, Example: "bob", Doc: "Name of a member of one of the schedule's rotations."},
			{Key: "rotation", Kind: kindString, DefaultDoc: "every rotation of the schedule", Doc: "Name of the rotation the override replaces."},
		},
	}
	s.schedules = &section{
		Path: "schedules[]",
		Doc:  "Each entry of `schedules` is an on-call schedule that escalation levels can page (`{schedule: ID}`); `sitrep oncall` and `GET /api/v1/oncall` say who is on call.",
		Fields: []field{
			{Key: "id", Kind: kindString, Required: true, Example: "primary", Doc: "Identifier, in the same form as a monitor id."},
			{Key: "time_zone", Kind: kindString, Default: "UTC", Doc: "IANA time zone hand-offs and overrides are written in, e.g. `Europe/Oslo`."},
			{Key: "rotations", Kind: kindList, Section: s.rotations, Required: true, Example: "[{name: primary, members: [{name: alice, channel: alice-sms}]}]", Doc: "The rotations; see below."},
			{Key: "overrides", Kind: kindList, Section: s.overrides, Doc: "Overrides; see below."},
		},
	}
	return s
}
