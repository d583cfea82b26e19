package sitrep

import (
	"net/http"
	"testing"
)

// TestHTTPStatus: every error code has its status, so that the API, the
// public pages and the admin UI cannot drift apart (the admin UI once kept a
// copy that answered 500 for a throttled sign-in).
func TestHTTPStatus(t *testing.T) {
	for code, want := range map[string]int{
		EINVALID:         http.StatusBadRequest,
		ENOTFOUND:        http.StatusNotFound,
		ECONFLICT:        http.StatusConflict,
		EUNAUTHORIZED:    http.StatusUnauthorized,
		EFORBIDDEN:       http.StatusForbidden,
		EUNAVAILABLE:     http.StatusServiceUnavailable,
		ETOOMANYREQUESTS: http.StatusTooManyRequests,
		EINTERNAL:        http.StatusInternalServerError,
		"":               http.StatusInternalServerError,
		"something_new":  http.StatusInternalServerError,
	} {
		if got := HTTPStatus(code); got != want {
			t.Errorf("HTTPStatus(%q) = %d, want %d", code, got, want)
		}
	}
}
