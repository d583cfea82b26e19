-- Subscribers: people and systems that want a page's updates. Records people
-- wrote; the storage budget never touches them. Tokens are stored only as
-- SHA-256 hashes. Times are UTC unix ms; 0 means unset.
CREATE TABLE subscribers (
	id                   TEXT PRIMARY KEY,
	page                 TEXT NOT NULL,
	kind                 TEXT NOT NULL,
	address              TEXT NOT NULL,
	-- components_json is the chosen list for reading; subscriber_components
	-- indexes it for expansion. whole_page is set when the list is empty.
	components_json      TEXT NOT NULL,
	whole_page           INTEGER NOT NULL,
	confirmed            INTEGER NOT NULL,
	created_ms           INTEGER NOT NULL,
	confirmed_ms         INTEGER NOT NULL,
	secret               TEXT NOT NULL,
	confirm_hash         BLOB UNIQUE,
	confirm_requested_ms INTEGER NOT NULL,
	confirm_expires_ms   INTEGER NOT NULL,
	manage_hash          BLOB NOT NULL UNIQUE,
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
