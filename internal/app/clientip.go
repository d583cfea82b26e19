package app

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"sitrep"
)

// withClientIP records the client's address on every request's context,
// for the audit log and per-address limits, and rewrites r.RemoteAddr to it
// so that every layer below (admin, web limits, ping) sees the same address
// without knowing about proxies.
//
// Proxy headers are believed only from peers in trusted (the config's
// trusted_proxies, read per request so that a reload applies at once):
// from anyone else X-Forwarded-For would let every request claim any
// address and dodge the login throttle.
func withClientIP(trusted func() []netip.Prefix, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		ip := host
		ctx := r.Context()
		var https bool
		if peer, err := netip.ParseAddr(host); err == nil {
			peer = peer.Unmap()
			if set := trusted(); isTrusted(peer, set) {
				ip = forwardedClient(peer, r.Header.Values("X-Forwarded-For"), set).String()
				https = forwardedHTTPS(r.Header.Values("X-Forwarded-Proto"))
			}
		}
		ctx = sitrep.WithClientIP(ctx, ip)
		if https {
			ctx = sitrep.WithHTTPS(ctx)
		}
		r2 := r.WithContext(ctx)
		if ip != host {
			r2.RemoteAddr = net.JoinHostPort(ip, "0")
		}
		if https {
			// WithContext copies the request shallowly; the URL is shared
			// with the caller's request and must not be changed in place.
			u := *r.URL
			u.Scheme = "https"
			r2.URL = &u
		}
		next.ServeHTTP(w, r2)
	})
}

// trustedProxies returns the config's trusted_proxies in force. The
// accessor takes a mutex, uncontended but for a reload, which is cheap next
// to serving the request.
func (a *App) trustedProxies() []netip.Prefix { return a.Config().TrustedProxies }

// publicHTTPS reports whether people reach sitrep over HTTPS, so that the
// admin UI's cookies are marked Secure even on requests whose proxy does not
// send X-Forwarded-Proto. Browsers count http://localhost as secure too, so
// local access keeps working.
func publicHTTPS(publicURL string) bool {
	return len(publicURL) >= 8 && strings.EqualFold(publicURL[:8], "https://")
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedClient picks the client's address from the X-Forwarded-For
// values a trusted peer sent. Each proxy appends the address it received
// the request from, so only the right end of the list is trustworthy: the
// walk goes right to left over proxies we trust and stops at the first
// address we do not, which is the client as seen by our outermost proxy.
// Anything further left was written by the client and may be forged. If
// every entry is trusted the request came from inside, and the leftmost
// is the best guess. An entry that is not an address means the header
// cannot be read with confidence, so the peer address is kept.
func forwardedClient(peer netip.Addr, values []string, trusted []netip.Prefix) netip.Addr {
	var entries []string
	for _, v := range values {
		entries = append(entries, strings.Split(v, ",")...)
	}
	if len(entries) == 1 && strings.TrimSpace(entries[0]) == "" {
		return peer // an empty header: nothing forwarded
	}
	var last netip.Addr
	for i := len(entries) - 1; i >= 0; i-- {
		a, ok := parseForwarded(entries[i])
		if !ok {
			return peer
		}
		if !isTrusted(a, trusted) {
			return a
		}
		last = a
	}
	if !last.IsValid() {
		return peer
	}
	return last
}

// parseForwarded reads one X-Forwarded-For entry: an address, or an
// address with a port as some proxies write it ("192.0.2.1:4711",
// "[2001:db8::1]:4711"). Zones mean nothing off the proxy's own link and
// are refused.
func parseForwarded(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	if a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// forwardedHTTPS reports whether X-Forwarded-Proto says https. With
// several proxies each may append its own; the last is the one nearest
// sitrep, which is the trusted peer's.
func forwardedHTTPS(values []string) bool {
	if len(values) == 0 {
		return false
	}
	parts := strings.Split(values[len(values)-1], ",")
	return strings.EqualFold(strings.TrimSpace(parts[len(parts)-1]), "https")
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
