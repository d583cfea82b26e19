-- Idempotency keys of API creates, kept 24 h so that a client's retry after
-- a restart is still answered with the first response. Times are UTC unix
-- ms. done = 0 while the first request runs; its answer is stored after.
CREATE TABLE idempotency_keys (
	scope        TEXT NOT NULL,
	key          TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	created_ms   INTEGER NOT NULL,
	done         INTEGER NOT NULL,
	status       INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	location     TEXT NOT NULL,
	body         BLOB NOT NULL,
	PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_ms);
