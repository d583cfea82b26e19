// Package probe runs checks: it turns a *sitrep.Monitor into a sitrep.Result
// by talking to the target over the network (http, tcp, dns, tls, icmp), or,
// for heartbeats, by judging the pings the job sent.
//
// A probe never blocks past the monitor's timeout (plus a small margin), never
// panics, and always explains a bad result in words an operator can act on.
package probe

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"sitrep"
)

// DefaultTimeout applies when a monitor declares none.
const DefaultTimeout = 10 * time.Second

// UserAgent identifies sitrep's HTTP checks in target logs.
const UserAgent = "sitrep/1 (+https://github.com/sitrep)"

// Options configure a Prober.
type Options struct {
	Logger   *slog.Logger
	Location string
	// Resolver for hostnames in http/tcp/tls/icmp checks; nil = net.DefaultResolver.
	Resolver *net.Resolver
}

// Prober runs checks. It is safe for concurrent use; it shares TLS
// settings and parsed CA files between checks but never connections.
type Prober struct {
	log      *slog.Logger
	location string
	resolver *net.Resolver
	dialer   *net.Dialer

	transports transportCache
	pools      poolCache
	icmpMode   icmpModeCache
	bufs       sync.Pool // *[]byte of defaultMaxBody, for response bodies

	// resolvConf is where the system DNS resolver is read from; tests may
	// point it elsewhere. The first nameserver is cached once read.
	resolvConf string
	nsMu       sync.Mutex
	nsAddr     string
}

// New returns a Prober.
func New(opts Options) *Prober {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	res := opts.Resolver
	if res == nil {
		res = net.DefaultResolver
	}
	p := &Prober{
		log:        log, // the caller adds component=probe
		location:   opts.Location,
		resolver:   res,
		resolvConf: "/etc/resolv.conf",
	}
	// KeepAlive -1: a check's connection lives for one request; TCP
	// keep-alive probes would only cost syscalls.
	p.dialer = &net.Dialer{Resolver: res, KeepAlive: -1}
	return p
}

// Probe runs one check of m and returns its result.
func (p *Prober) Probe(ctx context.Context, m *sitrep.Monitor) (r sitrep.Result) {
	start := time.Now()
	r = sitrep.Result{MonitorID: m.ID, Location: p.location, Time: start}
	// A bug in one check type must cost one result, not the worker.
	defer func() {
		if v := recover(); v != nil {
			p.log.Error("probe panicked", "monitor", m.ID, "type", m.Type, "panic", v)
			r.Status = sitrep.ResultDown
			r.Error = fmt.Sprintf("internal error in %s check", m.Type)
			if r.Latency == 0 {
				r.Latency = time.Since(start)
			}
		}
	}()

	timeout := m.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := &check{ctx: ctx, start: start, timeout: timeout, res: &r}

	switch {
	case m.Type == sitrep.MonitorHTTP && m.HTTP != nil:
		p.probeHTTP(c, m.HTTP)
	case m.Type == sitrep.MonitorTCP && m.TCP != nil:
		p.probeTCP(c, m.TCP)
	case m.Type == sitrep.MonitorDNS && m.DNS != nil:
		p.probeDNS(c, m.DNS)
	case m.Type == sitrep.MonitorTLS && m.TLS != nil:
		p.probeTLS(c, m.TLS)
	case m.Type == sitrep.MonitorICMP && m.ICMP != nil:
		p.probeICMP(c, m.ICMP)
	case m.Type == sitrep.MonitorHeartbeat:
		c.down(0, "heartbeat monitors are judged from pings, not probed")
	default:
		c.down(0, fmt.Sprintf("monitor type %q has no %s settings", m.Type, m.Type))
	}
	if r.Status == 0 {
		// Every path sets a status; this is a guard against a future one that does not.
		r.Status = sitrep.ResultDown
		r.Error = "check produced no verdict"
	}
	return r
}

// check is the state of one running probe.
type check struct {
	ctx     context.Context
	start   time.Time
	timeout time.Duration
	res     *sitrep.Result
}

func (c *check) elapsed() time.Duration { return time.Since(c.start) }

func (c *check) up(latency time.Duration) {
	c.res.Status, c.res.Latency, c.res.Error = sitrep.ResultUp, latency, ""
}

// upOrDegraded marks the result up, or degraded when latency is above a set
// threshold.
func (c *check) upOrDegraded(latency, above time.Duration) {
	if above > 0 && latency > above {
		c.res.Status, c.res.Latency = sitrep.ResultDegraded, latency
		c.res.Error = fmt.Sprintf("slow: %s, expected under %s", roundDur(latency), above)
		return
	}
	c.up(latency)
}

func (c *check) degraded(latency time.Duration, msg string) {
	c.res.Status, c.res.Latency, c.res.Error = sitrep.ResultDegraded, latency, msg
}

// down marks the result down; a zero latency is replaced by the time spent.
func (c *check) down(latency time.Duration, msg string) {
	if latency == 0 {
		latency = c.elapsed()
	}
	c.res.Status, c.res.Latency, c.res.Error = sitrep.ResultDown, latency, msg
}

// roundDur shortens a duration for messages: 1.234567s → 1.23s, 12.3456ms → 12.3ms.
func roundDur(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond)
	case d >= time.Microsecond:
		return d.Round(time.Microsecond)
	}
	return d
}
