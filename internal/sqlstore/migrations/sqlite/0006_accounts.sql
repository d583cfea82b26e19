-- Accounts: users, their second factor, sessions, API tokens, one-time
-- tokens and the audit log. Records people wrote: the storage budget never
-- touches these tables. Times are UTC unix ms; 0 means unset. Tokens are
-- kept only as SHA-256 hex of the token; passwords as argon2id PHC strings;
-- TOTP secrets sealed with AES-256-GCM.

CREATE TABLE users (
	seq            INTEGER PRIMARY KEY,
	id             TEXT NOT NULL UNIQUE,
	email          TEXT NOT NULL UNIQUE,
	name           TEXT NOT NULL,
	role           TEXT NOT NULL,
	password_hash  TEXT NOT NULL,
	disabled       INTEGER NOT NULL,
	created_ms     INTEGER NOT NULL,
	last_login_ms  INTEGER NOT NULL,
	totp_secret    TEXT NOT NULL,
	totp_pending   TEXT NOT NULL,
	totp_last_step INTEGER NOT NULL
);

CREATE TABLE recovery_codes (
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	hash    TEXT NOT NULL,
	PRIMARY KEY (user_id, hash)
);

CREATE TABLE sessions (
	hash       TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf       TEXT NOT NULL,
	pending    INTEGER NOT NULL,
	created_ms INTEGER NOT NULL,
	seen_ms    INTEGER NOT NULL,
	ip         TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	seq          INTEGER PRIMARY KEY,
	id           TEXT NOT NULL UNIQUE,
	hash         TEXT NOT NULL UNIQUE,
	name         TEXT NOT NULL,
	role         TEXT NOT NULL,
	created_by   TEXT NOT NULL,
	created_ms   INTEGER NOT NULL,
	expires_ms   INTEGER NOT NULL,
	last_used_ms INTEGER NOT NULL
);

-- At most one token of a kind per user ("" for setup): a new one replaces it.
CREATE TABLE one_time_tokens (
	hash       TEXT PRIMARY KEY,
	kind       TEXT NOT NULL,
	user_id    TEXT NOT NULL,
	expires_ms INTEGER NOT NULL,
	created_ms INTEGER NOT NULL,
	UNIQUE (kind, user_id)
);

CREATE TABLE audit_log (
	seq    INTEGER PRIMARY KEY,
	id     TEXT NOT NULL UNIQUE,
	at_ms  INTEGER NOT NULL,
	actor  TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL,
	detail TEXT NOT NULL,
	ip     TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at_ms);
