package sitrep

import (
	"context"
	"time"
)

// IdempotencyTTL is how long an Idempotency-Key is remembered. A client
// retrying a create within it, even across a restart of the server, gets
// the first answer again instead of a second record.
const IdempotencyTTL = 24 * time.Hour

// IdempotencyRecord is one remembered create request and, once it finished,
// its answer.
type IdempotencyRecord struct {
	// Scope separates callers: the same key sent by two principals names
	// two different requests.
	Scope string
	Key   string
	// RequestHash identifies the request (method, path and body), so that a
	// key reused for a different request is refused rather than replayed.
	RequestHash string
	CreatedAt   time.Time
	// Done is false while the first request is still running.
	Done bool
	// Answer is set once Done.
	Answer IdempotencyAnswer
}

// IdempotencyAnswer is the stored answer of a finished request.
type IdempotencyAnswer struct {
	Status      int
	ContentType string
	Location    string
	Body        []byte
}

// IdempotencyStore remembers create requests by key. Implemented by
// internal/sqlstore, so that keys survive a restart.
type IdempotencyStore interface {
	// ReserveIdempotencyKey claims (rec.Scope, rec.Key) for a new request
	// and returns nil, or returns the record already holding it. A record
	// created before expireBefore, or one still not done that was created
	// before staleBefore (its request died with a crash), is replaced.
	ReserveIdempotencyKey(ctx context.Context, rec IdempotencyRecord, expireBefore, staleBefore time.Time) (*IdempotencyRecord, error)
	// CompleteIdempotencyKey stores the answer of a reserved request.
	CompleteIdempotencyKey(ctx context.Context, scope, key string, answer IdempotencyAnswer) error
	// ReleaseIdempotencyKey forgets a reservation whose request failed, so
	// that a retry runs again.
	ReleaseIdempotencyKey(ctx context.Context, scope, key string) error
	// PurgeIdempotencyKeys deletes records created before t and reports
	// how many went.
	PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error)
}
