package sitrep

import (
	"fmt"
	"time"
)

// RetryAfterError is a retryable delivery error for which the receiver said
// when to try again (HTTP 429 or 503 with Retry-After, Telegram's
// retry_after, Matrix's retry_after_ms). The dispatcher should wait at least
// After before the next attempt instead of its own backoff, when longer.
type RetryAfterError struct {
	Err   error
	After time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry after %s)", e.Err, e.After)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }
