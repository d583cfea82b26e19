-- Staff alerts (alert.go). One row per alert; its monitors and components
-- are JSON lists, only ever read with the row. At most one alert per key is
-- open, which the partial unique index enforces. Times are UTC unix ms; 0
-- means unset.
CREATE TABLE alerts (
	seq              INTEGER PRIMARY KEY,
	id               TEXT NOT NULL UNIQUE,
	key              TEXT NOT NULL,
	monitor_ids      TEXT NOT NULL,
	component_ids    TEXT NOT NULL,
	route            TEXT NOT NULL,
	policy           TEXT NOT NULL,
	state            TEXT NOT NULL,
	severity         TEXT NOT NULL,
	level            INTEGER NOT NULL,
	triggered_ms     INTEGER NOT NULL,
	acked_ms         INTEGER NOT NULL,
	acked_by         TEXT NOT NULL,
	resolved_ms      INTEGER NOT NULL,
	last_notified_ms INTEGER NOT NULL,
	summary          TEXT NOT NULL
);
CREATE UNIQUE INDEX alerts_open_key ON alerts (key) WHERE state <> 'resolved';
CREATE INDEX alerts_open ON alerts (seq) WHERE state <> 'resolved';
