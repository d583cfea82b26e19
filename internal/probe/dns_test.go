package probe

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"sitrep"
)

// dnsServer runs a real name server on 127.0.0.1 over UDP and TCP on the
// same port, answering from a small zone.
func dnsServer(t *testing.T) string {
	t.Helper()
	zone := map[string][]string{
		"www.example.test. A":          {"www.example.test. 60 IN A 192.0.2.1", "www.example.test. 60 IN A 192.0.2.2"},
		"www.example.test. AAAA":       {"www.example.test. 60 IN AAAA 2001:db8::1"},
		"alias.example.test. A":        {"alias.example.test. 60 IN CNAME www.example.test.", "www.example.test. 60 IN A 192.0.2.1"},
		"alias.example.test. CNAME":    {"alias.example.test. 60 IN CNAME WWW.Example.Test."},
		"example.test. MX":             {"example.test. 60 IN MX 10 mail.example.test.", "example.test. 60 IN MX 20 backup.example.test."},
		"example.test. TXT":            {`example.test. 60 IN TXT "v=spf1 -all"`},
		"example.test. CAA":            {`example.test. 60 IN CAA 0 issue "letsencrypt.org"`},
		"_http._tcp.example.test. SRV": {"_http._tcp.example.test. 60 IN SRV 1 5 8080 web.example.test."},
		"example.test. NS":             {"example.test. 60 IN NS ns1.example.test."},
		"empty.example.test. A":        {},
	}
	big := make([]string, 40)
	for i := range big {
		big[i] = "big.example.test. 60 IN TXT \"" + strings.Repeat("x", 60) + "\""
	}
	zone["big.example.test. TXT"] = big

	handler := dns.HandlerFunc(func(w dns.ResponseWriter, q *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(q)
		qq := q.Question[0]
		switch qq.Name {
		case "servfail.example.test.":
			m.Rcode = dns.RcodeServerFailure
			w.WriteMsg(m)
			return
		case "silent.example.test.":
			return
		}
		rrs, ok := zone[qq.Name+" "+dns.TypeToString[qq.Qtype]]
		if !ok {
			m.Rcode = dns.RcodeNameError
		}
		for _, s := range rrs {
			rr, err := dns.NewRR(s)
			if err != nil {
				t.Errorf("zone: %v", err)
				return
			}
			m.Answer = append(m.Answer, rr)
		}
		if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
			m.Truncate(dns.MinMsgSize)
		}
		w.WriteMsg(m)
	})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	for _, srv := range []*dns.Server{{PacketConn: pc, Handler: handler}, {Listener: ln, Handler: handler}} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		go srv.ActivateAndServe()
		<-started
		t.Cleanup(func() { srv.Shutdown() })
	}
	return pc.LocalAddr().String()
}

func TestDNS(t *testing.T) {
	srv := dnsServer(t)
	tests := []struct {
		name   string
		check  sitrep.DNSCheck
		status sitrep.ResultStatus
		frags  []string
	}{
		{"a", sitrep.DNSCheck{Name: "www.example.test", Expect: []string{"192.0.2.1", "192.0.2.2"}}, sitrep.ResultUp, nil},
		{"any answer", sitrep.DNSCheck{Name: "www.example.test."}, sitrep.ResultUp, nil},
		{"missing answer", sitrep.DNSCheck{Name: "www.example.test", Expect: []string{"192.0.2.1", "192.0.2.9"}}, sitrep.ResultDown,
			[]string{`expected "192.0.2.9", got ["192.0.2.1", "192.0.2.2"]`}},
		{"aaaa spelled long", sitrep.DNSCheck{Name: "www.example.test", RecordType: "aaaa", Expect: []string{"2001:DB8:0:0::1"}}, sitrep.ResultUp, nil},
		{"a through cname", sitrep.DNSCheck{Name: "alias.example.test", Expect: []string{"192.0.2.1"}}, sitrep.ResultUp, nil},
		{"cname case and dot", sitrep.DNSCheck{Name: "alias.example.test", RecordType: "CNAME", Expect: []string{"www.example.test"}}, sitrep.ResultUp, nil},
		{"mx host", sitrep.DNSCheck{Name: "example.test", RecordType: "MX", Expect: []string{"mail.example.test.", "20 backup.example.test"}}, sitrep.ResultUp, nil},
		{"txt", sitrep.DNSCheck{Name: "example.test", RecordType: "TXT", Expect: []string{"v=spf1 -all"}}, sitrep.ResultUp, nil},
		{"caa", sitrep.DNSCheck{Name: "example.test", RecordType: "CAA", Expect: []string{`0 issue "letsencrypt.org"`}}, sitrep.ResultUp, nil},
		{"srv", sitrep.DNSCheck{Name: "_http._tcp.example.test", RecordType: "SRV", Expect: []string{"web.example.test:8080"}}, sitrep.ResultUp, nil},
		{"ns", sitrep.DNSCheck{Name: "example.test", RecordType: "NS", Expect: []string{"ns1.example.test"}}, sitrep.ResultUp, nil},
		{"truncated retried over tcp", sitrep.DNSCheck{Name: "big.example.test", RecordType: "TXT"}, sitrep.ResultUp, nil},
		{"tcp", sitrep.DNSCheck{Name: "www.example.test", Protocol: "tcp", Expect: []string{"192.0.2.2"}}, sitrep.ResultUp, nil},
		{"nxdomain", sitrep.DNSCheck{Name: "nope.example.test"}, sitrep.ResultDown, []string{"dns A nope.example.test: NXDOMAIN"}},
		{"servfail", sitrep.DNSCheck{Name: "servfail.example.test"}, sitrep.ResultDown, []string{"SERVFAIL"}},
		{"no records", sitrep.DNSCheck{Name: "empty.example.test"}, sitrep.ResultDown, []string{"no A records in the answer"}},
		{"degraded", sitrep.DNSCheck{Name: "www.example.test", DegradedAbove: time.Nanosecond}, sitrep.ResultDegraded, []string{"slow:"}},
		{"no reply", sitrep.DNSCheck{Name: "silent.example.test"}, sitrep.ResultDown, []string{"timeout after 200ms while waiting for the reply"}},
		{"unknown type", sitrep.DNSCheck{Name: "example.test", RecordType: "BOGUS"}, sitrep.ResultDown, []string{`unknown record type "BOGUS"`}},
		{"refused over tcp", sitrep.DNSCheck{Name: "example.test", Protocol: "tcp", Resolver: refusedAddr(t)}, sitrep.ResultDown, []string{"connection refused"}},
	}
	p := newTestProber(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.check.Resolver == "" {
				tc.check.Resolver = srv
			}
			m := &sitrep.Monitor{ID: "dns", Type: sitrep.MonitorDNS, Timeout: 2 * time.Second, DNS: &tc.check}
			if tc.name == "no reply" {
				m.Timeout = 200 * time.Millisecond
			}
			want(t, probe(t, p, m), tc.status, tc.frags...)
		})
	}
}

func TestDNSSystemResolver(t *testing.T) {
	srv := dnsServer(t)
	host, _, _ := net.SplitHostPort(srv)
	dir := t.TempDir()
	conf := filepath.Join(dir, "resolv.conf")
	os.WriteFile(conf, []byte("# test\nnameserver "+host+"\noptions ndots:1\n"), 0o600)
	empty := filepath.Join(dir, "empty.conf")
	os.WriteFile(empty, []byte("search example.test\n"), 0o600)

	t.Run("first nameserver", func(t *testing.T) {
		p := newTestProber(t)
		p.resolvConf = conf
		got, err := p.nameserver("")
		if err != nil || got != net.JoinHostPort(host, "53") {
			t.Errorf("nameserver = %q, %v", got, err)
		}
		// The monitor's own resolver wins, with port 53 added when missing.
		if got, _ := p.nameserver("192.0.2.53"); got != "192.0.2.53:53" {
			t.Errorf("nameserver(ip) = %q", got)
		}
		if got, _ := p.nameserver("[::1]"); got != "[::1]:53" {
			t.Errorf("nameserver(v6) = %q", got)
		}
	})
	t.Run("none configured", func(t *testing.T) {
		p := newTestProber(t)
		p.resolvConf = empty
		m := &sitrep.Monitor{ID: "dns", Type: sitrep.MonitorDNS, Timeout: time.Second, DNS: &sitrep.DNSCheck{Name: "example.test"}}
		want(t, probe(t, p, m), sitrep.ResultDown, "no nameserver in "+empty)
	})
}
