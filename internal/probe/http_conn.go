package probe

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"time"
)

// A check is one request on one fresh connection, so net/http's Transport
// buys nothing here and costs a dial goroutine, a read loop and a write loop
// per check (and sysmon wake-ups for each). exchange dials, does TLS, writes
// the request and parses the response with net/http's own wire code
// (Request.Write, ReadResponse), so chunked and length-delimited bodies are
// read exactly as the Transport would read them.

// maxHeaderBytes bounds a response's header block, as the Transport's
// MaxResponseHeaderBytes did: a target sending endless headers must not
// grow memory.
const maxHeaderBytes = 256 << 10

// max1xx is how many informational responses are skipped before giving up,
// the Transport's limit.
const max1xx = 5

var errHeadersTooLong = fmt.Errorf("response headers exceed %d KiB", maxHeaderBytes>>10)

// limitedConn reads from a connection, at most left bytes while left is
// positive; left < 0 means unlimited.
type limitedConn struct {
	net.Conn
	left int64
}

func (c *limitedConn) Read(p []byte) (int, error) {
	if c.left == 0 {
		return 0, errHeadersTooLong
	}
	if c.left > 0 && int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.Conn.Read(p)
	if c.left > 0 {
		c.left -= int64(n)
	}
	return n, err
}

// exchangeState is pooled: the buffers are the bulk of a check's garbage.
type exchangeState struct {
	lc limitedConn
	br *bufio.Reader
	bw *bufio.Writer
}

var exchangePool = sync.Pool{New: func() any {
	return &exchangeState{br: bufio.NewReaderSize(nil, 4096), bw: bufio.NewWriterSize(nil, 4096)}
}}

// connBody is a response body whose Close closes the connection: the rest
// of a long or endless body is never read, and the connection is never
// reused.
type connBody struct {
	body   io.Reader
	st     *exchangeState
	conn   net.Conn
	stop   func() bool
	closed bool
}

func (b *connBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, net.ErrClosed
	}
	return b.body.Read(p)
}

func (b *connBody) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	b.stop()
	err := b.conn.Close()
	b.st.release()
	return err
}

// release returns the state to the pool; its connection is closed by then.
func (st *exchangeState) release() {
	st.lc.Conn = nil
	st.br.Reset(nil)
	st.bw.Reset(nil)
	exchangePool.Put(st)
}

// exchange sends req on a new connection and returns the final (non-1xx)
// response; closing its body closes the connection. tlsConf is nil for
// http URLs. Trace hooks in tr are called as net/http would call them; the
// DNS and connect hooks reach the dialer through ctx.
func (p *Prober) exchange(ctx context.Context, req *http.Request, tlsConf *tls.Config, tr *tracer) (*http.Response, error) {
	host, port := req.URL.Hostname(), req.URL.Port()
	if port == "" {
		port = "80"
		if tlsConf != nil {
			port = "443"
		}
	}
	conn, err := p.dialer.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, ctxErr(ctx, err)
	}
	// A cancelled or timed-out check unblocks its I/O through the deadline;
	// no goroutine waits on ctx while the check runs.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(aLongTimeAgo) })
	resp, err := p.roundTrip(ctx, conn, req, tlsConf, tr, stop)
	if err != nil {
		stop()
		conn.Close()
		return nil, ctxErr(ctx, err)
	}
	return resp, nil
}

func (p *Prober) roundTrip(ctx context.Context, conn net.Conn, req *http.Request, tlsConf *tls.Config, tr *tracer, stop func() bool) (*http.Response, error) {
	raw := conn
	if tlsConf != nil {
		if tlsConf.ServerName == "" {
			tlsConf = tlsConf.Clone()
			tlsConf.ServerName = req.URL.Hostname()
		}
		tc := tls.Client(raw, tlsConf)
		tr.trace.TLSHandshakeStart()
		// Handshake, not HandshakeContext: the deadline set on ctx's end
		// interrupts it without a watcher goroutine.
		err := tc.Handshake()
		tr.trace.TLSHandshakeDone(tls.ConnectionState{}, err)
		if err != nil {
			tr.phase.set(phaseTLS) // the failure is the handshake's, not the request's
			var rh tls.RecordHeaderError
			if errors.As(err, &rh) && string(rh.RecordHeader[:]) == "HTTP/" {
				return nil, errors.New("http: server gave HTTP response to HTTPS client")
			}
			return nil, err
		}
		conn = tc
	}
	st := exchangePool.Get().(*exchangeState)
	st.lc = limitedConn{Conn: conn, left: maxHeaderBytes}
	st.br.Reset(&st.lc)
	st.bw.Reset(conn)
	fail := func(err error) (*http.Response, error) {
		conn.Close() // before release: nothing may still read into st
		st.release()
		return nil, err
	}

	if err := req.Write(st.bw); err != nil {
		return fail(err)
	}
	if err := st.bw.Flush(); err != nil {
		return fail(err)
	}
	tr.trace.WroteRequest(httptrace.WroteRequestInfo{})
	if _, err := st.br.Peek(1); err != nil {
		return fail(err)
	}
	tr.trace.GotFirstResponseByte()
	var resp *http.Response
	for n := 0; ; n++ {
		r, err := http.ReadResponse(st.br, req)
		if err != nil {
			return fail(err)
		}
		if r.StatusCode >= 200 || r.StatusCode == http.StatusSwitchingProtocols || r.StatusCode < 100 {
			resp = r
			break
		}
		if n+1 >= max1xx {
			return fail(errors.New("too many 1xx informational responses"))
		}
		st.lc.left = maxHeaderBytes
	}
	st.lc.left = -1
	resp.Body = &connBody{body: resp.Body, st: st, conn: conn, stop: stop}
	return resp, nil
}

// aLongTimeAgo is a deadline that has passed: setting it fails pending I/O at once.
var aLongTimeAgo = time.Unix(1, 0)

// ctxErr prefers the context's error once it has ended, so a timeout or a
// cancellation is reported as such rather than as the I/O error it caused.
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%w (%w)", cerr, err)
	}
	return err
}
