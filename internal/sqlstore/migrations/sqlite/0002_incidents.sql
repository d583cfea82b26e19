-- Records people wrote: incidents, maintenance windows and settings. The
-- storage budget never touches these tables (budget.go evicts only
-- result_blocks and rollups). Times are UTC unix ms; 0 means unknown/unset.
-- Lists that are only ever read with their parent (update components,
-- postmortem timeline and action items, reminders sent) are JSON text.

-- seq keeps the order rows were written in; id is the public random id.
CREATE TABLE incidents (
	seq             INTEGER PRIMARY KEY,
	id              TEXT NOT NULL UNIQUE,
	title           TEXT NOT NULL,
	impact          TEXT NOT NULL,
	status          TEXT NOT NULL,
	automatic       INTEGER NOT NULL,
	taken_over      INTEGER NOT NULL,
	created_ms      INTEGER NOT NULL,
	updated_ms      INTEGER NOT NULL,
	started_ms      INTEGER NOT NULL,
	monitoring_ms   INTEGER NOT NULL,
	resolved_ms     INTEGER NOT NULL,
	first_failed_ms INTEGER NOT NULL,
	detected_ms     INTEGER NOT NULL,
	nudged_ms       INTEGER NOT NULL
);
CREATE INDEX incidents_status ON incidents (status);
CREATE INDEX incidents_started ON incidents (started_ms);

-- pos keeps the order the components were listed in.
CREATE TABLE incident_components (
	incident_id  TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
	component_id TEXT NOT NULL,
	status       TEXT NOT NULL,
	pos          INTEGER NOT NULL,
	PRIMARY KEY (incident_id, component_id)
);
CREATE INDEX incident_components_component ON incident_components (component_id);

-- at_ms is the time shown (may be back-dated); created_ms when it was written.
CREATE TABLE incident_updates (
	seq         INTEGER PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
	status      TEXT NOT NULL,
	message     TEXT NOT NULL,
	public      INTEGER NOT NULL,
	at_ms       INTEGER NOT NULL,
	created_ms  INTEGER NOT NULL,
	author      TEXT NOT NULL,
	components  TEXT NOT NULL
);
CREATE INDEX incident_updates_incident ON incident_updates (incident_id, at_ms);

CREATE TABLE postmortems (
	incident_id  TEXT PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
	summary      TEXT NOT NULL,
	root_cause   TEXT NOT NULL,
	impact       TEXT NOT NULL,
	timeline     TEXT NOT NULL,
	action_items TEXT NOT NULL,
	published    INTEGER NOT NULL,
	published_ms INTEGER NOT NULL,
	updated_ms   INTEGER NOT NULL,
	author       TEXT NOT NULL
);

-- The recurrence is kept both as text (Recurrence.String, for people and
-- internal/incident.ParseRecurrence) and as its fields, which is what is
-- read back: the store cannot import the parser. rec_weekdays is a comma
-- list of time.Weekday numbers; rec_zone "" means no recurrence.
CREATE TABLE maintenances (
	seq              INTEGER PRIMARY KEY,
	id               TEXT NOT NULL UNIQUE,
	title            TEXT NOT NULL,
	description      TEXT NOT NULL,
	status           TEXT NOT NULL,
	planned_start_ms INTEGER NOT NULL,
	planned_end_ms   INTEGER NOT NULL,
	actual_start_ms  INTEGER NOT NULL,
	actual_end_ms    INTEGER NOT NULL,
	overrun          INTEGER NOT NULL,
	overrun_ms       INTEGER NOT NULL,
	reminders_sent   TEXT NOT NULL,
	recurrence       TEXT NOT NULL,
	rec_weekdays     TEXT NOT NULL,
	rec_start_ms     INTEGER NOT NULL,
	rec_end_ms       INTEGER NOT NULL,
	rec_zone         TEXT NOT NULL,
	rec_until_ms     INTEGER NOT NULL,
	series_id        TEXT NOT NULL,
	created_ms       INTEGER NOT NULL,
	updated_ms       INTEGER NOT NULL,
	author           TEXT NOT NULL
);
CREATE INDEX maintenances_planned ON maintenances (planned_start_ms);
CREATE INDEX maintenances_status ON maintenances (status);

CREATE TABLE maintenance_components (
	maintenance_id TEXT NOT NULL REFERENCES maintenances(id) ON DELETE CASCADE,
	component_id   TEXT NOT NULL,
	pos            INTEGER NOT NULL,
	PRIMARY KEY (maintenance_id, component_id)
);
CREATE INDEX maintenance_components_component ON maintenance_components (component_id);

CREATE TABLE maintenance_updates (
	seq            INTEGER PRIMARY KEY,
	id             TEXT NOT NULL UNIQUE,
	maintenance_id TEXT NOT NULL REFERENCES maintenances(id) ON DELETE CASCADE,
	status         TEXT NOT NULL,
	message        TEXT NOT NULL,
	public         INTEGER NOT NULL,
	at_ms          INTEGER NOT NULL,
	created_ms     INTEGER NOT NULL,
	author         TEXT NOT NULL
);
CREATE INDEX maintenance_updates_maintenance ON maintenance_updates (maintenance_id, at_ms);

-- Small named values, e.g. the admin token's hash.
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
