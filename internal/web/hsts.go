package web

import "net/http"

// hstsValue asks browsers to use HTTPS for two years, subdomains included.
const hstsValue = "max-age=63072000; includeSubDomains"

// hsts adds Strict-Transport-Security to answers sent over TLS. Over plain
// HTTP the header is ignored by browsers (RFC 6797 §8.1) and would only
// mislead a reader, so it is left out; behind a TLS-terminating proxy the
// proxy owns the header.
func hsts(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", hstsValue)
		}
		next.ServeHTTP(w, r)
	})
}
