package probe

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"sitrep"
)

// probeDNS asks one name server for one record type and checks that every
// expected answer is present.
func (p *Prober) probeDNS(c *check, d *sitrep.DNSCheck) {
	rt := strings.ToUpper(d.RecordType)
	if rt == "" {
		rt = "A"
	}
	qtype, ok := dns.StringToType[rt]
	if !ok {
		c.down(0, fmt.Sprintf("unknown record type %q", d.RecordType))
		return
	}
	server, err := p.nameserver(d.Resolver)
	if err != nil {
		c.down(0, err.Error())
		return
	}
	proto := strings.ToLower(d.Protocol)
	if proto == "" {
		proto = "udp"
	}
	if proto != "udp" && proto != "tcp" {
		c.down(0, fmt.Sprintf("unknown DNS protocol %q: want udp or tcp", d.Protocol))
		return
	}

	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(d.Name), qtype)
	q.RecursionDesired = true
	// The client's own default read timeout (2s) would cut a check with a
	// longer timeout short; the context deadline is the real limit.
	cl := &dns.Client{Net: proto, Timeout: c.timeout}
	r, _, err := cl.ExchangeContext(c.ctx, q, server)
	if err == nil && r.Truncated && proto == "udp" {
		cl.Net = "tcp"
		r, _, err = cl.ExchangeContext(c.ctx, q, server)
	}
	latency := c.elapsed()
	if err != nil {
		c.down(latency, fmt.Sprintf("dns %s %s via %s: %s", rt, d.Name, server, c.describe(err, phaseReply)))
		return
	}
	if r.Rcode != dns.RcodeSuccess {
		c.down(latency, fmt.Sprintf("dns %s %s: %s", rt, d.Name, dns.RcodeToString[r.Rcode]))
		return
	}
	var got [][]string
	for _, rr := range r.Answer {
		if rr.Header().Rrtype == qtype {
			got = append(got, answerForms(rr))
		}
	}
	if len(got) == 0 {
		c.down(latency, fmt.Sprintf("dns %s %s: no %s records in the answer", rt, d.Name, rt))
		return
	}
	for _, want := range d.Expect {
		if !hasAnswer(got, normAnswer(want)) {
			c.down(latency, fmt.Sprintf("dns %s %s: expected %q, got %s", rt, d.Name, want, listAnswers(got)))
			return
		}
	}
	c.upOrDegraded(latency, d.DegradedAbove)
}

// nameserver returns host:port of the server to ask: the monitor's own, or
// the first one in resolv.conf.
func (p *Prober) nameserver(configured string) (string, error) {
	if configured != "" {
		if _, _, err := net.SplitHostPort(configured); err == nil {
			return configured, nil
		}
		return net.JoinHostPort(strings.Trim(configured, "[]"), "53"), nil
	}
	p.nsMu.Lock()
	defer p.nsMu.Unlock()
	if p.nsAddr != "" {
		return p.nsAddr, nil
	}
	// A failure is not cached: a resolv.conf written after start (by DHCP,
	// say) is picked up by the next check.
	cfg, err := dns.ClientConfigFromFile(p.resolvConf)
	if err != nil {
		return "", fmt.Errorf("read system resolver from %s: %w", p.resolvConf, err)
	}
	if len(cfg.Servers) == 0 {
		return "", fmt.Errorf("no nameserver in %s; set a resolver on the monitor", p.resolvConf)
	}
	p.nsAddr = net.JoinHostPort(cfg.Servers[0], cfg.Port)
	return p.nsAddr, nil
}

// answerForms returns the ways a user may write this record in an
// expectation, normalised: an MX as "10 mail.example.com" or just
// "mail.example.com".
func answerForms(rr dns.RR) []string {
	switch v := rr.(type) {
	case *dns.A:
		return []string{normAnswer(v.A.String())}
	case *dns.AAAA:
		return []string{normAnswer(v.AAAA.String())}
	case *dns.CNAME:
		return []string{normAnswer(v.Target)}
	case *dns.NS:
		return []string{normAnswer(v.Ns)}
	case *dns.PTR:
		return []string{normAnswer(v.Ptr)}
	case *dns.MX:
		host := normAnswer(v.Mx)
		return []string{strconv.Itoa(int(v.Preference)) + " " + host, host}
	case *dns.SRV:
		t := normAnswer(v.Target)
		return []string{fmt.Sprintf("%d %d %d %s", v.Priority, v.Weight, v.Port, t), net.JoinHostPort(t, strconv.Itoa(int(v.Port))), t}
	case *dns.TXT:
		return []string{normAnswer(strings.Join(v.Txt, ""))}
	case *dns.CAA:
		val := strings.ToLower(v.Value)
		return []string{fmt.Sprintf("%d %s %q", v.Flag, strings.ToLower(v.Tag), val), fmt.Sprintf("%d %s %s", v.Flag, strings.ToLower(v.Tag), val), val}
	case *dns.SOA:
		return []string{normAnswer(v.Ns)}
	}
	// Other types: the presentation form without the header.
	s := strings.TrimPrefix(rr.String(), rr.Header().String())
	return []string{normAnswer(s)}
}

// normAnswer makes answers comparable: case, a trailing dot, spacing and
// IPv6 spelling do not matter.
func normAnswer(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().String()
	}
	return strings.TrimSuffix(strings.ToLower(s), ".")
}

func hasAnswer(got [][]string, want string) bool {
	for _, forms := range got {
		for _, f := range forms {
			if f == want {
				return true
			}
		}
	}
	return false
}

func listAnswers(got [][]string) string {
	parts := make([]string, len(got))
	for i, forms := range got {
		parts[i] = strconv.Quote(forms[0])
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
