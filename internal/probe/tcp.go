package probe

import "sitrep"

// probeTCP opens a TCP connection and closes it at once.
func (p *Prober) probeTCP(c *check, t *sitrep.TCPCheck) {
	tr, ctx := newTracer(c.ctx)
	conn, err := p.dialer.DialContext(ctx, "tcp", t.Address)
	c.res.Phases = tr.timings()
	if err != nil {
		c.down(0, c.describe(err, tr.phase.get()))
		return
	}
	latency := c.elapsed()
	conn.Close()
	c.upOrDegraded(latency, t.DegradedAbove)
}
