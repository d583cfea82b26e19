-- The transactional outbox (notify.go). Events are written in the same
-- transaction as the record change that caused them; the dispatcher expands
-- each into deliveries, one per recipient, and marks it expanded in the same
-- transaction. Times are UTC unix ms; 0 means unset.

-- seq is the commit order, which is the order events are expanded in.
CREATE TABLE events (
	seq            INTEGER PRIMARY KEY,
	id             TEXT NOT NULL UNIQUE,
	kind           TEXT NOT NULL,
	at_ms          INTEGER NOT NULL,
	incident_id    TEXT NOT NULL,
	update_id      TEXT NOT NULL,
	maintenance_id TEXT NOT NULL,
	alert_id       TEXT NOT NULL,
	monitor_id     TEXT NOT NULL,
	components     TEXT NOT NULL,
	order_key      TEXT NOT NULL,
	level          INTEGER NOT NULL,
	expanded       INTEGER NOT NULL
);
CREATE INDEX events_pending ON events (seq) WHERE NOT expanded;
CREATE INDEX events_pending_order ON events (order_key, seq) WHERE NOT expanded;

-- A pending delivery is claimed by moving next_attempt_ms forward by a
-- lease; event_seq (the event's commit order), then seq, orders the
-- deliveries of one (order_key, channel, recipient).
CREATE TABLE deliveries (
	seq             INTEGER PRIMARY KEY,
	id              TEXT NOT NULL UNIQUE,
	event_id        TEXT NOT NULL REFERENCES events(id),
	event_seq       INTEGER NOT NULL,
	kind            TEXT NOT NULL,
	channel         TEXT NOT NULL,
	subscriber_id   TEXT NOT NULL,
	recipient       TEXT NOT NULL,
	idempotency_key TEXT NOT NULL UNIQUE,
	order_key       TEXT NOT NULL,
	state           TEXT NOT NULL,
	attempts        INTEGER NOT NULL,
	created_ms      INTEGER NOT NULL,
	next_attempt_ms INTEGER NOT NULL,
	delivered_ms    INTEGER NOT NULL,
	last_error      TEXT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_ms, seq) WHERE state = 'pending';
CREATE INDEX deliveries_order ON deliveries (order_key, channel, recipient, event_seq, seq) WHERE state = 'pending';
CREATE INDEX deliveries_state ON deliveries (state, seq);
CREATE INDEX deliveries_event ON deliveries (event_id);
