-- Dictionaries: blocks and rollups refer to monitors, locations and error
-- texts by small integers so that no string is repeated per result.
CREATE TABLE monitors (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE
);

CREATE TABLE locations (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE
);

CREATE TABLE result_errors (
	id      INTEGER PRIMARY KEY,
	monitor INTEGER NOT NULL REFERENCES monitors(id),
	text    TEXT NOT NULL,
	UNIQUE (monitor, text)
);

-- The recent log: one row per AppendResults batch, all monitors mixed.
-- Maintain moves its rows into result_blocks and rollups.
CREATE TABLE result_log (
	seq    INTEGER PRIMARY KEY,
	min_ms INTEGER NOT NULL,
	max_ms INTEGER NOT NULL,
	n      INTEGER NOT NULL,
	data   BLOB NOT NULL
);

-- One block per monitor per UTC hour (start_ms), see block.go for the encoding.
CREATE TABLE result_blocks (
	monitor  INTEGER NOT NULL REFERENCES monitors(id),
	start_ms INTEGER NOT NULL,
	first_ms INTEGER NOT NULL,
	n        INTEGER NOT NULL,
	data     BLOB NOT NULL,
	PRIMARY KEY (monitor, start_ms)
);
-- n is in the index so that Usage can count raw results without reading blocks.
CREATE INDEX result_blocks_start ON result_blocks (start_ms, n);

-- Packed rollups: res 1 = minute buckets in an hour row, 2 = hour buckets in
-- a day row, 3 = day buckets in a month row. See rollup.go.
CREATE TABLE rollups (
	monitor  INTEGER NOT NULL REFERENCES monitors(id),
	res      INTEGER NOT NULL,
	start_ms INTEGER NOT NULL,
	data     BLOB NOT NULL,
	PRIMARY KEY (monitor, res, start_ms)
) WITHOUT ROWID;
CREATE INDEX rollups_res_start ON rollups (res, start_ms);

CREATE TABLE monitor_states (
	monitor  TEXT PRIMARY KEY,
	state    TEXT NOT NULL,
	since_ms INTEGER NOT NULL
);

CREATE TABLE state_changes (
	id        INTEGER PRIMARY KEY,
	monitor   TEXT NOT NULL,
	from_state TEXT NOT NULL,
	to_state  TEXT NOT NULL,
	at_ms     INTEGER NOT NULL,
	reason    TEXT NOT NULL
);
CREATE INDEX state_changes_monitor_at ON state_changes (monitor, at_ms);

CREATE TABLE heartbeat_tokens (
	monitor    TEXT PRIMARY KEY,
	token      TEXT NOT NULL,
	token_hash BLOB NOT NULL UNIQUE
);

CREATE TABLE pings (
	id          INTEGER PRIMARY KEY,
	monitor     TEXT NOT NULL,
	kind        TEXT NOT NULL,
	at_ms       INTEGER NOT NULL,
	duration_ms INTEGER NOT NULL,
	size        INTEGER NOT NULL,
	message     TEXT NOT NULL,
	source      TEXT NOT NULL
);
CREATE INDEX pings_monitor_at ON pings (monitor, at_ms);

-- Writable updates this single row to prove a real write goes through.
CREATE TABLE store_health (
	id    INTEGER PRIMARY KEY,
	at_ms INTEGER NOT NULL
);
INSERT INTO store_health (id, at_ms) VALUES (1, 0);
