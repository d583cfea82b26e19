package schedule

import (
	"hash/fnv"
	"net"
	"net/url"
	"strings"
	"time"

	"sitrep"
)

// MinInterval is the shortest interval the scheduler honours; a shorter or
// missing one is raised to it rather than spinning.
const MinInterval = time.Second

// Phase is the offset of a monitor's runs within its interval, derived from
// a hash of its id. Runs happen at the instants t where t mod interval ==
// phase (counted from the Unix epoch), so the schedule is the same across
// restarts and reloads, and monitors are spread over the interval instead of
// all firing at :00.
func Phase(id string, interval time.Duration) time.Duration {
	interval = max(interval, MinInterval)
	h := fnv.New64a()
	h.Write([]byte(id))
	return time.Duration(h.Sum64() % uint64(interval))
}

// NextRun returns the first instant strictly after now at which a monitor
// with this id and interval is due.
func NextRun(id string, interval time.Duration, now time.Time) time.Time {
	interval = max(interval, MinInterval)
	phase := Phase(id, interval)
	ns := now.UnixNano()
	base := ns - mod(ns, int64(interval)) + int64(phase)
	if base <= ns {
		base += int64(interval)
	}
	return time.Unix(0, base).In(now.Location())
}

// StartRate is how many newly added monitors per second get their first
// check. A few monitors are checked within a second of start, so a new user
// sees states at once; 50,000 are spread over 50 s — never a herd, and never
// later than their own phase would put them.
const StartRate = 1000

// firstRun returns when a monitor added now, among added in the same
// update, runs first: at its hash-derived offset within the start-up spread.
func firstRun(id string, interval time.Duration, added int, now time.Time) time.Time {
	interval = max(interval, MinInterval)
	spread := min(interval, max(time.Second, time.Duration(added)*time.Second/StartRate))
	first := now.Add(Phase(id, spread))
	if next := NextRun(id, interval, now); next.Before(first) {
		return next
	}
	return first
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// Host is the key of the per-host concurrency limit for a monitor: the host
// its checks connect to. Heartbeats connect nowhere and return "", which is
// not limited.
func Host(m *sitrep.Monitor) string {
	var h string
	switch {
	case m.HTTP != nil:
		if u, err := url.Parse(m.HTTP.URL); err == nil {
			h = u.Hostname()
		}
	case m.TCP != nil:
		h = hostOf(m.TCP.Address)
	case m.TLS != nil:
		h = hostOf(m.TLS.Address)
	case m.DNS != nil:
		// The load of a DNS check lands on the resolver, not on the name.
		if m.DNS.Resolver != "" {
			h = hostOf(m.DNS.Resolver)
		} else {
			h = "dns:" + m.DNS.Name
		}
	case m.ICMP != nil:
		h = m.ICMP.Host
	}
	return strings.ToLower(h)
}

func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}
