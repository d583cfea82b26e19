-- See migrations/sqlite/0004_subscribers.sql; the two schemas differ only in
-- types.
CREATE TABLE subscribers (
	id                   TEXT PRIMARY KEY,
	page                 TEXT NOT NULL,
	kind                 TEXT NOT NULL,
	address              TEXT NOT NULL,
	components_json      TEXT NOT NULL,
	whole_page           BOOLEAN NOT NULL,
	confirmed            BOOLEAN NOT NULL,
	created_ms           BIGINT NOT NULL,
	confirmed_ms         BIGINT NOT NULL,
	secret               TEXT NOT NULL,
	confirm_hash         BYTEA UNIQUE,
	confirm_requested_ms BIGINT NOT NULL,
	confirm_expires_ms   BIGINT NOT NULL,
	manage_hash          BYTEA NOT NULL UNIQUE,
	UNIQUE (page, kind, address)
);
CREATE INDEX subscribers_expand ON subscribers (page, confirmed, id);
CREATE INDEX subscribers_created ON subscribers (created_ms);

CREATE TABLE subscriber_components (
	subscriber_id TEXT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
	component_id  TEXT NOT NULL,
	PRIMARY KEY (subscriber_id, component_id)
);
CREATE INDEX subscriber_components_component ON subscriber_components (component_id, subscriber_id);
