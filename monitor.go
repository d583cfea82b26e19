package sitrep

import (
	"regexp"
	"time"
)

// MonitorType names a kind of check.
type MonitorType string

const (
	MonitorHTTP      MonitorType = "http"
	MonitorTCP       MonitorType = "tcp"
	MonitorDNS       MonitorType = "dns"
	MonitorTLS       MonitorType = "tls"
	MonitorICMP      MonitorType = "icmp"
	MonitorHeartbeat MonitorType = "heartbeat"
)

// MonitorTypes lists every supported type, in the order documentation shows them.
var MonitorTypes = []MonitorType{MonitorHTTP, MonitorTCP, MonitorDNS, MonitorTLS, MonitorICMP, MonitorHeartbeat}

// Monitor is one declared way of observing something. Exactly one of the
// type-specific fields is set, matching Type. Monitors are values built by
// internal/config and never mutated afterwards; a reload replaces them.
type Monitor struct {
	ID          string
	Name        string
	Type        MonitorType
	Description string
	Labels      map[string]string

	// Interval is the time between two checks. For heartbeats it is how often
	// silence is re-evaluated, derived from Every and Grace.
	Interval time.Duration
	Timeout  time.Duration

	// FailuresToDown is how many consecutive failed results move an up monitor
	// to down; SuccessesToUp how many consecutive good results bring it back.
	FailuresToDown int
	SuccessesToUp  int

	// Locations the monitor runs from; empty means every location. Quorum is
	// how many locations must agree that it is down (0 means a majority).
	Locations []string
	Quorum    int

	HTTP      *HTTPCheck
	TCP       *TCPCheck
	DNS       *DNSCheck
	TLS       *TLSCheck
	ICMP      *ICMPCheck
	Heartbeat *HeartbeatCheck
}

// Target returns what the monitor observes, for display and for per-host
// concurrency limits: a URL, host:port, name or token-less description.
func (m *Monitor) Target() string {
	switch {
	case m.HTTP != nil:
		return m.HTTP.URL
	case m.TCP != nil:
		return m.TCP.Address
	case m.DNS != nil:
		return m.DNS.Name
	case m.TLS != nil:
		return m.TLS.Address
	case m.ICMP != nil:
		return m.ICMP.Host
	case m.Heartbeat != nil:
		return "heartbeat"
	}
	return ""
}

// StatusRange is an inclusive range of HTTP status codes; a single code has
// Min == Max.
type StatusRange struct{ Min, Max int }

// HTTPCheck requests a URL on a fresh connection and judges the response.
type HTTPCheck struct {
	URL     string
	Method  string // default GET
	Headers map[string]string
	Body    string

	FollowRedirects bool // default true
	MaxRedirects    int  // default 10
	TLSSkipVerify   bool
	CAFile          string // extra roots (PEM) to trust, e.g. a private CA
	ServerName      string // TLS SNI override

	// MaxBody caps how much of the body is read; the rest is discarded so that
	// an endless body cannot stall the check. Default 64 KiB.
	MaxBody int64

	Expect HTTPExpect
}

// HTTPExpect is what makes an HTTP response good.
type HTTPExpect struct {
	Status          []StatusRange // default 200-399
	BodyContains    string
	BodyNotContains string
	BodyRegex       *regexp.Regexp
	JSON            []JSONCondition
	// DegradedAbove marks a good response slower than this as degraded (0: off).
	DegradedAbove time.Duration
}

// TCPCheck opens a TCP connection.
type TCPCheck struct {
	Address       string // host:port
	DegradedAbove time.Duration
}

// DNSCheck resolves a name.
type DNSCheck struct {
	Name       string
	RecordType string // A, AAAA, CNAME, MX, NS, TXT, SRV, CAA, PTR, SOA; default A
	Resolver   string // host:port; empty means the system resolver from /etc/resolv.conf
	Protocol   string // udp (default) or tcp
	// Expect lists answers that must all be present (exact, case-insensitive
	// for names); empty means any non-empty answer is good.
	Expect        []string
	DegradedAbove time.Duration
}

// TLSCheck connects and inspects the server certificate.
type TLSCheck struct {
	Address    string // host:port
	ServerName string // default: host part of Address
	CAFile     string // extra roots (PEM) to trust
	// WarnBefore marks the monitor degraded when the leaf expires within it
	// (default 21 days); DownBefore marks it down (default 3 days).
	WarnBefore time.Duration
	DownBefore time.Duration
}

// ICMPCheck pings a host.
type ICMPCheck struct {
	Host          string
	Count         int // echo requests per check, default 1; good if any answers
	DegradedAbove time.Duration
}

// HeartbeatCheck expects a job to call /ping/{token} at least every Every;
// silence past Every+Grace is down.
type HeartbeatCheck struct {
	Every time.Duration
	Grace time.Duration
	// Token pinned in config; empty means sitrep generates and stores one.
	Token string
	// MinSize, when set, marks a ping that reports a smaller size as down.
	MinSize int64
	// MaxShrink, when set (0..1), marks a ping whose reported size is smaller
	// than the previous successful one by more than this fraction as degraded
	// — a backup that suddenly shrinks.
	MaxShrink float64
	// MaxDuration, when set, marks a run that reports (or is measured from
	// /start to the ping as) taking longer as degraded.
	MaxDuration time.Duration
}
