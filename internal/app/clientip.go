package app

import (
	"net"
	"net/http"

	"sitrep"
)

// withClientIP records the peer address on every request's context, for
// the audit log and per-address limits. Proxy headers are not trusted:
// behind a reverse proxy every request would otherwise be able to claim any
// address.
func withClientIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			ip = r.RemoteAddr
		}
		next.ServeHTTP(w, r.WithContext(sitrep.WithClientIP(r.Context(), ip)))
	})
}

// declaredMonitor returns the monitor as declared in the config file in
// force, for the admin UI's read-only view.
func (a *App) declaredMonitor(id string) *sitrep.Monitor {
	for _, m := range a.Config().Monitors {
		if m.ID == id {
			return &m
		}
	}
	return nil
}
