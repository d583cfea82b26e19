package config

import (
	"net/netip"
	"strings"
)

// trustedProxies reads trusted_proxies: addresses or CIDR ranges of the
// reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed.
// A bare address is a range of one. Entries are masked (10.1.2.3/8 is
// 10.0.0.0/8) so that matching is a plain Contains, and IPv4-mapped IPv6
// addresses are unmapped because the peer addresses they are matched
// against are.
func (d *decoder) trustedProxies(v *values) []netip.Prefix {
	nodes := v.listItems("trusted_proxies")
	var out []netip.Prefix
	for i, s := range v.strs("trusted_proxies") {
		s = strings.TrimSpace(s)
		at := itemAt(v, "trusted_proxies", nodes, i)
		p, msg := parseTrustedProxy(s)
		if msg != "" {
			d.p.at(at, "trusted_proxies: %q %s", s, msg)
			continue
		}
		out = append(out, p)
	}
	return out
}

const proxyExample = "write an IP address or a CIDR range, e.g. 127.0.0.1, 10.0.0.0/8 or ::1"

func parseTrustedProxy(s string) (netip.Prefix, string) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, "is not a CIDR range; " + proxyExample
		}
		if p.Addr().Zone() != "" {
			return netip.Prefix{}, "has a zone; " + proxyExample
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), ""
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, "is not an IP address; " + proxyExample + " (host names are not resolved)"
	}
	if a.Zone() != "" {
		return netip.Prefix{}, "has a zone; " + proxyExample
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), ""
}
