package config

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestTrustedProxies(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{name: "absent", src: "location: a\n", want: nil},
		{name: "single string", src: "trusted_proxies: 127.0.0.1\n", want: []string{"127.0.0.1/32"}},
		{
			name: "addresses and ranges",
			src:  "trusted_proxies: [127.0.0.1, 10.1.2.3/8, \"::1\", \"fd00::/8\", \"::ffff:192.0.2.1\", \"::ffff:192.0.2.0/120\"]\n",
			want: []string{"127.0.0.1/32", "10.0.0.0/8", "::1/128", "fd00::/8", "192.0.2.1/32", "192.0.2.0/24"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseEnv(tt.src, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range cfg.TrustedProxies {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("TrustedProxies = %v, want %v", got, tt.want)
			}
		})
	}
	// The prefixes are usable as they are: a peer is matched with Contains.
	cfg, err := parseEnv("trusted_proxies: [10.0.0.0/8]\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.TrustedProxies[0].Contains(netip.MustParseAddr("10.9.8.7")) {
		t.Errorf("10.0.0.0/8 does not contain 10.9.8.7")
	}
}

func TestTrustedProxiesErrors(t *testing.T) {
	const valid = "write an IP address or a CIDR range, e.g. 127.0.0.1, 10.0.0.0/8 or ::1"
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "host name, bad range, zone",
			src:  "trusted_proxies: [proxy.internal, 10.0.0.0/33, \"fe80::1%eth0\", 127.0.0.1]\n",
			want: []string{
				`sitrep.yaml:1:19: trusted_proxies: "proxy.internal" is not an IP address; ` + valid + " (host names are not resolved)",
				`sitrep.yaml:1:35: trusted_proxies: "10.0.0.0/33" is not a CIDR range; ` + valid,
				`sitrep.yaml:1:48: trusted_proxies: "fe80::1%eth0" has a zone; ` + valid,
			},
		},
		{
			name: "one bad string",
			src:  "trusted_proxies: 300.1.1.1\n",
			want: []string{`sitrep.yaml:1:18: trusted_proxies: "300.1.1.1" is not an IP address; ` + valid + " (host names are not resolved)"},
		},
		{
			name: "not a list of strings",
			src:  "trusted_proxies: {a: 1}\n",
			want: []string{"sitrep.yaml:1:18: trusted_proxies: expected a list of strings, got mapping"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseEnv(tt.src, nil)
			if err == nil {
				t.Fatalf("parse succeeded (%+v), want errors:\n%s", cfg, strings.Join(tt.want, "\n"))
			}
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error is %T, want *Errors: %v", err, err)
			}
			if got, want := err.Error(), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("errors\n got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
