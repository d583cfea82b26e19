-- See migrations/sqlite/0007_idempotency.sql; the two schemas differ only in
-- types.
CREATE TABLE idempotency_keys (
	scope        TEXT NOT NULL,
	key          TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	created_ms   BIGINT NOT NULL,
	done         BOOLEAN NOT NULL,
	status       INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	location     TEXT NOT NULL,
	body         BYTEA NOT NULL,
	PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_ms);
