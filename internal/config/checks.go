package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

func (d *decoder) httpCheck(v *values, timeout time.Duration) *sitrep.HTTPCheck {
	c := &sitrep.HTTPCheck{
		URL:             strings.TrimSpace(v.str("url")),
		Method:          strings.ToUpper(strings.TrimSpace(v.str("method"))),
		Headers:         v.strMap("headers"),
		Body:            v.str("body"),
		FollowRedirects: v.boolean("follow_redirects"),
		MaxRedirects:    v.integer("max_redirects"),
		TLSSkipVerify:   v.boolean("tls_skip_verify"),
		CAFile:          d.path(v.str("ca_file")),
		ServerName:      v.str("server_name"),
		MaxBody:         v.size("max_body"),
	}
	if v.has("url") {
		u, err := url.Parse(c.URL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https"):
			d.p.at(v.at("url"), "url: %q is not an http or https URL; write e.g. https://example.com/healthz", c.URL)
		case u.Host == "" || u.Hostname() == "":
			d.p.at(v.at("url"), "url: %q has no host; write e.g. https://example.com/healthz", c.URL)
		case u.Scheme == "http":
			for _, k := range []string{"tls_skip_verify", "ca_file", "server_name"} {
				if v.has(k) {
					d.p.at(v.m[k].key, "%s: only for https URLs, and the url is http", k)
				}
			}
		}
	}
	if !httpToken(c.Method) {
		d.p.at(v.at("method"), "method: %q is not an HTTP method; write e.g. GET, HEAD or POST", v.str("method"))
	}
	for name, val := range c.Headers {
		if !httpToken(name) {
			d.p.at(v.at("headers"), "headers: %q is not a valid header name; use letters, digits and -", name)
		}
		if strings.ContainsAny(val, "\r\n") {
			d.p.at(v.at("headers"), "headers: the value of %q contains a line break", name)
		}
	}

	e := v.sub("expect")
	c.Expect = sitrep.HTTPExpect{
		Status:          e.statuses("status"),
		BodyContains:    e.str("body_contains"),
		BodyNotContains: e.str("body_not_contains"),
		JSON:            e.conds("json"),
		DegradedAbove:   e.dur("degraded_above"),
	}
	if e.has("body_regex") {
		re, err := regexp.Compile(e.str("body_regex"))
		if err != nil {
			d.p.at(e.at("body_regex"), "body_regex: bad regular expression: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
		c.Expect.BodyRegex = re
	}
	d.degradedAbove(e, timeout)
	return c
}

// httpToken reports whether s is a token in the sense of RFC 9110, the form
// of methods and header names.
func httpToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c > 0x7e || c <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, c) {
			return false
		}
	}
	return true
}

// degradedAbove checks a threshold against the timeout: at or above it the
// check would have failed instead, so the threshold could never apply.
func (d *decoder) degradedAbove(v *values, timeout time.Duration) {
	if da := v.dur("degraded_above"); v.has("degraded_above") && da >= timeout {
		d.p.at(v.at("degraded_above"), "degraded_above: %s is not below the timeout %s, so it could never apply",
			formatDuration(da), formatDuration(timeout))
	}
}

func (d *decoder) tcpCheck(v *values, timeout time.Duration) *sitrep.TCPCheck {
	c := &sitrep.TCPCheck{Address: strings.TrimSpace(v.str("address")), DegradedAbove: v.dur("degraded_above")}
	if v.has("address") {
		addr, msg := hostPort(c.Address, "", "db.internal:5432")
		if msg != "" {
			d.p.at(v.at("address"), "address: %s", msg)
		}
		c.Address = addr
	}
	d.degradedAbove(v, timeout)
	return c
}

func (d *decoder) dnsCheck(v *values, timeout time.Duration) *sitrep.DNSCheck {
	c := &sitrep.DNSCheck{
		Name:          strings.TrimSpace(v.str("query")),
		RecordType:    v.str("record_type"),
		Protocol:      v.str("protocol"),
		Expect:        v.strs("expect"),
		DegradedAbove: v.dur("degraded_above"),
	}
	if v.has("query") && (c.Name == "" || len(c.Name) > 253 || strings.ContainsAny(c.Name, " \t/:@")) {
		d.p.at(v.at("query"), "query: %q is not a DNS name; write e.g. example.com", c.Name)
	}
	if v.has("resolver") {
		addr, msg := hostPort(strings.TrimSpace(v.str("resolver")), "53", "1.1.1.1:53")
		if msg != "" {
			d.p.at(v.at("resolver"), "resolver: %s", msg)
		}
		c.Resolver = addr
	}
	for _, e := range c.Expect {
		if strings.TrimSpace(e) == "" {
			d.p.at(v.at("expect"), "expect: an empty answer can never be present; remove it")
		}
	}
	d.degradedAbove(v, timeout)
	return c
}

func (d *decoder) tlsCheck(v *values) *sitrep.TLSCheck {
	c := &sitrep.TLSCheck{
		Address:    strings.TrimSpace(v.str("address")),
		ServerName: v.str("server_name"),
		CAFile:     d.path(v.str("ca_file")),
		WarnBefore: v.dur("warn_before"),
		DownBefore: v.dur("down_before"),
	}
	if v.has("address") {
		addr, msg := hostPort(c.Address, "443", "example.com:443")
		if msg != "" {
			d.p.at(v.at("address"), "address: %s", msg)
		} else if c.ServerName == "" {
			c.ServerName, _, _ = net.SplitHostPort(addr)
		}
		c.Address = addr
	}
	if c.DownBefore >= c.WarnBefore {
		at := v.at("down_before")
		if !v.has("down_before") {
			at = v.at("warn_before")
		}
		d.p.at(at, "down_before: %s is not shorter than warn_before %s; the monitor should warn before it goes down",
			formatDuration(c.DownBefore), formatDuration(c.WarnBefore))
	}
	return c
}

func (d *decoder) icmpCheck(v *values, timeout time.Duration) *sitrep.ICMPCheck {
	c := &sitrep.ICMPCheck{Host: strings.TrimSpace(v.str("host")), Count: v.integer("count"), DegradedAbove: v.dur("degraded_above")}
	if v.has("host") {
		if _, _, err := net.SplitHostPort(c.Host); err == nil || c.Host == "" || strings.ContainsAny(c.Host, " \t/@") {
			d.p.at(v.at("host"), "host: %q is not a host name or address (ping has no ports); write e.g. 192.0.2.10 or example.com", c.Host)
		}
	}
	d.degradedAbove(v, timeout)
	return c
}

// heartbeatInterval bounds how often silence is re-evaluated: often enough to
// notice a missed ping within a minute, not more often than the grace needs.
const heartbeatInterval = time.Minute

func (d *decoder) heartbeatCheck(v *values, m *sitrep.Monitor) *sitrep.HeartbeatCheck {
	for _, k := range []string{"interval", "timeout"} {
		if v.has(k) {
			d.p.at(v.m[k].key, "%s: not for heartbeat monitors, which wait for pings; set every and grace instead", k)
		}
	}
	c := &sitrep.HeartbeatCheck{
		Every:       v.dur("every"),
		Grace:       v.dur("grace"),
		Token:       v.str("token"),
		MinSize:     v.size("min_size"),
		MaxShrink:   v.ratio("max_shrink"),
		MaxDuration: v.dur("max_duration"),
	}
	if !v.has("grace") {
		c.Grace = max(c.Every/10, time.Minute)
	}
	m.Interval = max(min(c.Grace, heartbeatInterval), time.Second)
	m.Timeout = m.Interval
	if v.has("token") {
		if msg := checkToken(c.Token); msg != "" {
			d.p.at(v.at("token"), "token: %s", msg)
		}
	}
	return c
}

// checkToken says what is wrong with a pinned heartbeat token without
// repeating it: it is a secret.
func checkToken(t string) string {
	for _, c := range t {
		if !(c == '-' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "may contain only A-Z a-z 0-9 - and _, as it goes in a URL"
		}
	}
	if len(t) < 16 {
		return fmt.Sprintf("is %d characters long; use at least 16 so that it cannot be guessed", len(t))
	}
	return ""
}

// hostPort checks "host:port", adding defPort when the port is left out and
// one is allowed, and returns the address to use or a problem.
func hostPort(s, defPort, example string) (string, string) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if defPort == "" {
			return s, fmt.Sprintf("%q is not host:port; write e.g. %s", s, example)
		}
		// No port: the whole is the host, possibly a bare IPv6 address.
		host, port = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"), defPort
		if strings.Contains(host, ":") && net.ParseIP(host) == nil {
			return s, fmt.Sprintf("%q is not host or host:port; write e.g. %s", s, example)
		}
	}
	if host == "" || strings.ContainsAny(host, " \t/@[]") {
		return s, fmt.Sprintf("%q has no valid host; write e.g. %s", s, example)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return s, fmt.Sprintf("%q: port %q is not a number from 1 to 65535; write e.g. %s", s, port, example)
	}
	return net.JoinHostPort(host, port), ""
}
