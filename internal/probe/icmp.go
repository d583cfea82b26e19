package probe

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"

	"sitrep"
)

// errICMPNotPermitted is what an operator sees when the host allows neither
// kind of ICMP socket.
var errICMPNotPermitted = errors.New(`icmp: not permitted; allow unprivileged ping with sysctl net.ipv4.ping_group_range="0 2147483647" or run as root`)

// icmpModeCache remembers which socket kind worked, so later checks skip
// the attempt that fails.
type icmpModeCache struct{ raw atomic.Bool }

// icmpSocket is an open ICMP endpoint and how to address it.
type icmpSocket struct {
	conn  *icmp.PacketConn
	raw   bool
	proto int // 1 for ICMPv4, 58 for ICMPv6
}

func (p *Prober) listenICMP(v6 bool) (*icmpSocket, error) {
	udpNet, rawNet, addr, proto := "udp4", "ip4:icmp", "0.0.0.0", 1
	if v6 {
		udpNet, rawNet, addr, proto = "udp6", "ip6:ipv6-icmp", "::", 58
	}
	tryRaw := func() (*icmpSocket, error) {
		conn, err := icmp.ListenPacket(rawNet, addr)
		if err != nil {
			return nil, err
		}
		return &icmpSocket{conn: conn, raw: true, proto: proto}, nil
	}
	if p.icmpMode.raw.Load() {
		if s, err := tryRaw(); err == nil {
			return s, nil
		}
	}
	conn, udpErr := icmp.ListenPacket(udpNet, addr)
	if udpErr == nil {
		return &icmpSocket{conn: conn, proto: proto}, nil
	}
	s, rawErr := tryRaw()
	if rawErr == nil {
		p.icmpMode.raw.Store(true)
		return s, nil
	}
	if isPermission(udpErr) && isPermission(rawErr) {
		return nil, errICMPNotPermitted
	}
	return nil, fmt.Errorf("icmp: open socket: %w", rawErr)
}

func isPermission(err error) bool {
	return errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EPERM) ||
		errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPROTONOSUPPORT)
}

// probeICMP sends Count echo requests, one after the other, each given an
// equal share of the timeout; any reply makes the check good.
func (p *Prober) probeICMP(c *check, ic *sitrep.ICMPCheck) {
	tr, ctx := newTracer(c.ctx)
	defer func() { c.res.Phases = tr.timings() }()
	dst, err := p.resolveOne(ctx, ic.Host)
	if err != nil {
		c.down(0, c.describe(err, phaseResolve))
		return
	}
	sock, err := p.listenICMP(dst.Is6())
	if err != nil {
		c.down(0, err.Error())
		return
	}
	defer sock.conn.Close()
	// A canceled parent context must end the read at once, not at the deadline.
	stop := context.AfterFunc(ctx, func() { sock.conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()

	count := ic.Count
	if count <= 0 {
		count = 1
	}
	share := c.timeout / time.Duration(count)
	deadline, _ := ctx.Deadline()

	var token [8]byte
	rand.Read(token[:])
	id := int(token[0])<<8 | int(token[1])
	var sum time.Duration
	replies := 0
	buf := make([]byte, 1500)
	for i := range count {
		seq := (int(token[2])<<8 | int(token[3]) + i) & 0xffff
		sent, err := sock.echo(dst, id, seq, token[:])
		if err != nil {
			c.down(0, c.describe(err, phaseQuery))
			return
		}
		end := sent.Add(share)
		if end.After(deadline) || i == count-1 {
			end = deadline
		}
		rtt, ok, err := sock.awaitReply(buf, dst, seq, token[:], sent, end)
		if err != nil && ctx.Err() == nil {
			c.down(0, "icmp: "+describeErr(err, phaseReply))
			return
		}
		if ok {
			sum += rtt
			replies++
		}
		if ctx.Err() != nil {
			break
		}
	}
	if replies == 0 {
		if errors.Is(ctx.Err(), context.Canceled) {
			c.down(0, "check canceled")
			return
		}
		c.down(0, fmt.Sprintf("timeout after %s: no echo reply from %s (%d sent)", c.timeout, dst, count))
		return
	}
	// Partial loss is not an outage: any reply makes the check good.
	c.upOrDegraded(sum/time.Duration(replies), ic.DegradedAbove)
}

// resolveOne returns an address for host, preferring IPv4.
func (p *Prober) resolveOne(ctx context.Context, host string) (netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap(), nil
	}
	addrs, err := p.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.Addr{}, err
	}
	for _, a := range addrs {
		if a.Unmap().Is4() {
			return a.Unmap(), nil
		}
	}
	if len(addrs) == 0 {
		return netip.Addr{}, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	return addrs[0], nil
}

func (s *icmpSocket) echo(dst netip.Addr, id, seq int, token []byte) (time.Time, error) {
	var typ icmp.Type = ipv4.ICMPTypeEcho
	if s.proto == 58 {
		typ = ipv6.ICMPTypeEchoRequest
	}
	msg := icmp.Message{Type: typ, Body: &icmp.Echo{ID: id, Seq: seq, Data: token}}
	b, err := msg.Marshal(nil)
	if err != nil {
		return time.Time{}, fmt.Errorf("icmp: build echo: %w", err)
	}
	var addr net.Addr = &net.UDPAddr{IP: dst.AsSlice(), Zone: dst.Zone()}
	if s.raw {
		addr = &net.IPAddr{IP: dst.AsSlice(), Zone: dst.Zone()}
	}
	sent := time.Now()
	if _, err := s.conn.WriteTo(b, addr); err != nil {
		return sent, err
	}
	return sent, nil
}

// awaitReply reads until the matching echo reply arrives or end passes.
// Other hosts' replies share a raw socket and are skipped; the token in the
// payload tells ours apart, since unprivileged sockets rewrite the ID.
func (s *icmpSocket) awaitReply(buf []byte, dst netip.Addr, seq int, token []byte, sent, end time.Time) (time.Duration, bool, error) {
	if err := s.conn.SetReadDeadline(end); err != nil {
		return 0, false, err
	}
	for {
		n, from, err := s.conn.ReadFrom(buf)
		if err != nil {
			if isTimeout(err) {
				return 0, false, nil
			}
			return 0, false, err
		}
		got := time.Since(sent)
		if !fromAddr(from, dst) {
			continue
		}
		m, err := icmp.ParseMessage(s.proto, buf[:n])
		if err != nil {
			continue
		}
		if m.Type != ipv4.ICMPTypeEchoReply && m.Type != ipv6.ICMPTypeEchoReply {
			continue
		}
		if e, ok := m.Body.(*icmp.Echo); ok && e.Seq == seq && bytes.Equal(e.Data, token) {
			return got, true, nil
		}
	}
}

func fromAddr(a net.Addr, want netip.Addr) bool {
	var ip net.IP
	switch v := a.(type) {
	case *net.UDPAddr:
		ip = v.IP
	case *net.IPAddr:
		ip = v.IP
	default:
		return true
	}
	got, ok := netip.AddrFromSlice(ip)
	return ok && got.Unmap() == want.WithZone("")
}
