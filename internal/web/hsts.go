package web

import (
	"net/http"

	"sitrep"
)

// hstsValue asks browsers to use HTTPS for two years, subdomains included.
const hstsValue = "max-age=63072000; includeSubDomains"

// hsts adds Strict-Transport-Security to answers sent over TLS, directly
// or through a trusted TLS-terminating proxy (sitrep.ViaHTTPS, set from
// X-Forwarded-Proto by the app's trusted_proxies handling). Over plain
// HTTP the header is ignored by browsers (RFC 6797 §8.1) and would only
// mislead a reader, so it is left out.
func hsts(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil || sitrep.ViaHTTPS(r.Context()) {
			w.Header().Set("Strict-Transport-Security", hstsValue)
		}
		next.ServeHTTP(w, r)
	})
}
