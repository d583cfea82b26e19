package app

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"sitrep"
)

func prefixes(t *testing.T, ss ...string) []netip.Prefix {
	t.Helper()
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func TestForwardedClient(t *testing.T) {
	trusted := prefixes(t, "127.0.0.1/32", "10.0.0.0/8", "::1/128", "fd00::/8")
	peer := netip.MustParseAddr("10.0.0.2")
	tests := []struct {
		name string
		xff  []string // header lines, as received
		want string
	}{
		{"no header", nil, "10.0.0.2"},
		{"empty header", []string{""}, "10.0.0.2"},
		{"one client", []string{"203.0.113.7"}, "203.0.113.7"},
		{"spaces", []string{"  203.0.113.7  "}, "203.0.113.7"},
		{"client then trusted hops", []string{"203.0.113.7, 10.1.1.1, 10.2.2.2"}, "203.0.113.7"},
		// The client wrote 1.2.3.4 itself; our proxy appended the address
		// it really saw. The forged leftmost entry must not win.
		{"spoofed leftmost", []string{"1.2.3.4, 203.0.113.7"}, "203.0.113.7"},
		{"spoofed leftmost behind trusted hops", []string{"1.2.3.4, 203.0.113.7, 10.9.9.9"}, "203.0.113.7"},
		{"spoofed trusted address on the left", []string{"127.0.0.1, 203.0.113.7"}, "203.0.113.7"},
		{"several header lines", []string{"1.2.3.4", "203.0.113.7, 10.1.1.1"}, "203.0.113.7"},
		{"all trusted: leftmost", []string{"10.3.3.3, 10.1.1.1"}, "10.3.3.3"},
		{"IPv6 client", []string{"2001:db8::7, fd00::1"}, "2001:db8::7"},
		{"IPv4-mapped client", []string{"::ffff:203.0.113.7"}, "203.0.113.7"},
		{"address with port", []string{"203.0.113.7:4711"}, "203.0.113.7"},
		{"IPv6 with port", []string{"[2001:db8::7]:4711"}, "2001:db8::7"},
		{"malformed", []string{"not-an-ip"}, "10.0.0.2"},
		{"malformed among trusted hops", []string{"203.0.113.7, garbage, 10.1.1.1"}, "10.0.0.2"},
		{"empty entry", []string{"203.0.113.7,,10.1.1.1"}, "10.0.0.2"},
		{"unknown", []string{"unknown"}, "10.0.0.2"},
		{"zone", []string{"fe80::1%eth0"}, "10.0.0.2"},
		{"host name", []string{"evil.example"}, "10.0.0.2"},
		// Only the entries walked over are read: junk the client put to the
		// left of the real address is its own business.
		{"malformed left of the client", []string{"garbage, 203.0.113.7"}, "203.0.113.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := forwardedClient(peer, tt.xff, trusted); got.String() != tt.want {
				t.Errorf("forwardedClient(%q) = %s, want %s", tt.xff, got, tt.want)
			}
		})
	}
}

func TestForwardedHTTPS(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   bool
	}{
		{"absent", nil, false},
		{"https", []string{"https"}, true},
		{"upper case", []string{"HTTPS"}, true},
		{"http", []string{"http"}, false},
		{"last of a list wins", []string{"http, https"}, true},
		{"last of a list wins, http", []string{"https, http"}, false},
		{"last header line wins", []string{"https", "http"}, false},
		{"spaces", []string{" https "}, true},
		{"junk", []string{"httpsx"}, false},
		{"empty", []string{""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := forwardedHTTPS(tt.values); got != tt.want {
				t.Errorf("forwardedHTTPS(%q) = %v, want %v", tt.values, got, tt.want)
			}
		})
	}
}

// TestWithClientIP checks what the layers below the middleware see.
func TestWithClientIP(t *testing.T) {
	type seen struct {
		remote, ctxIP, scheme string
		https                 bool
	}
	tests := []struct {
		name    string
		trusted []string
		remote  string
		xff     string
		proto   string
		want    seen
	}{
		{
			name: "no trusted proxies: headers ignored", remote: "127.0.0.1:5555",
			xff: "203.0.113.7", proto: "https",
			want: seen{remote: "127.0.0.1:5555", ctxIP: "127.0.0.1"},
		},
		{
			name: "untrusted peer: headers ignored", trusted: []string{"10.0.0.0/8"}, remote: "192.0.2.9:5555",
			xff: "203.0.113.7", proto: "https",
			want: seen{remote: "192.0.2.9:5555", ctxIP: "192.0.2.9"},
		},
		{
			name: "trusted peer", trusted: []string{"127.0.0.1/32"}, remote: "127.0.0.1:5555",
			xff: "1.2.3.4, 203.0.113.7", proto: "https",
			want: seen{remote: "203.0.113.7:0", ctxIP: "203.0.113.7", scheme: "https", https: true},
		},
		{
			name: "trusted peer over plain HTTP", trusted: []string{"127.0.0.1/32"}, remote: "127.0.0.1:5555",
			xff: "203.0.113.7", proto: "http",
			want: seen{remote: "203.0.113.7:0", ctxIP: "203.0.113.7"},
		},
		{
			name: "trusted peer, IPv6 client", trusted: []string{"::1/128"}, remote: "[::1]:5555",
			xff:  "2001:db8::7",
			want: seen{remote: "[2001:db8::7]:0", ctxIP: "2001:db8::7"},
		},
		{
			name: "trusted peer without headers", trusted: []string{"127.0.0.1/32"}, remote: "127.0.0.1:5555",
			want: seen{remote: "127.0.0.1:5555", ctxIP: "127.0.0.1"},
		},
		{
			name: "trusted peer, malformed header", trusted: []string{"127.0.0.1/32"}, remote: "127.0.0.1:5555",
			xff:  "203.0.113.7, <script>",
			want: seen{remote: "127.0.0.1:5555", ctxIP: "127.0.0.1"},
		},
		{
			name: "remote address without port", trusted: []string{"127.0.0.1/32"}, remote: "127.0.0.1",
			xff:  "203.0.113.7",
			want: seen{remote: "203.0.113.7:0", ctxIP: "203.0.113.7"},
		},
		{
			name: "remote address not an IP", trusted: []string{"127.0.0.1/32"}, remote: "@unix",
			xff: "203.0.113.7", proto: "https",
			want: seen{remote: "@unix", ctxIP: "@unix"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got seen
			h := withClientIP(func() []netip.Prefix { return prefixes(t, tt.trusted...) },
				http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					got = seen{remote: r.RemoteAddr, ctxIP: sitrep.ClientIP(r.Context()),
						scheme: r.URL.Scheme, https: sitrep.ViaHTTPS(r.Context())}
				}))
			req := httptest.NewRequest("GET", "/healthz", nil)
			req.RemoteAddr = tt.remote
			if tt.xff != "" {
				req.Header.Set("X-Forwarded-For", tt.xff)
			}
			if tt.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			if got != tt.want {
				t.Errorf("handler saw %+v, want %+v", got, tt.want)
			}
			if req.URL.Scheme != "" || req.RemoteAddr != tt.remote {
				t.Errorf("the caller's request was changed: %s %s", req.URL.Scheme, req.RemoteAddr)
			}
		})
	}
}

func TestPublicHTTPS(t *testing.T) {
	for url, want := range map[string]bool{
		"":                           false,
		"http://status.example.com":  false,
		"https://status.example.com": true,
		"HTTPS://status.example.com": true,
		"https:":                     false,
	} {
		if got := publicHTTPS(url); got != want {
			t.Errorf("publicHTTPS(%q) = %v, want %v", url, got, want)
		}
	}
}
