package probe

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"sitrep"
)

const (
	defaultMaxBody      = 64 << 10
	defaultMaxRedirects = 10
)

// probeHTTP requests the URL on a fresh connection, follows redirects itself
// and judges the final response.
func (p *Prober) probeHTTP(c *check, h *sitrep.HTTPCheck) {
	u, err := url.Parse(h.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.down(0, fmt.Sprintf("bad URL %q: want http(s)://host/path", h.URL))
		return
	}
	roots, err := p.roots(h.CAFile)
	if err != nil {
		c.down(0, err.Error())
		return
	}
	tlsConf := p.transports.tlsConfig(transportKey{skipVerify: h.TLSSkipVerify, serverName: h.ServerName, roots: roots})
	tr, ctx := newTracer(c.ctx)
	defer func() { c.res.Phases = tr.timings() }()

	method := h.Method
	if method == "" {
		method = http.MethodGet
	}
	body := h.Body
	maxRedirects := h.MaxRedirects
	if maxRedirects <= 0 {
		maxRedirects = defaultMaxRedirects
	}
	origin := u.Host
	var chain []string
	for {
		req, err := newRequest(ctx, method, u, body, h.Headers, u.Host != origin)
		if err != nil {
			c.down(0, err.Error())
			return
		}
		tr.phase.set(phaseConnect)
		hopTLS := tlsConf
		if u.Scheme != "https" {
			hopTLS = nil
		}
		resp, err := p.exchange(ctx, req, hopTLS, tr)
		if err != nil {
			c.down(0, c.describe(err, tr.phase.get()))
			return
		}
		if !h.FollowRedirects || !isRedirect(resp.StatusCode) {
			p.judgeHTTP(c, h, resp, tr)
			return
		}
		loc := resp.Header.Get("Location")
		resp.Body.Close()
		if loc == "" {
			c.down(0, fmt.Sprintf("status %d redirect without a Location header", resp.StatusCode))
			return
		}
		next, err := u.Parse(loc)
		if err != nil {
			c.down(0, fmt.Sprintf("status %d redirect to a bad Location %q", resp.StatusCode, loc))
			return
		}
		if chain == nil {
			chain = append(chain, u.String())
		}
		if i := indexOf(chain, next.String()); i >= 0 {
			loop := append(chain[i:len(chain):len(chain)], next.String())
			c.down(0, "redirect loop: "+strings.Join(loop, " → "))
			return
		}
		chain = append(chain, next.String())
		if len(chain)-1 > maxRedirects {
			c.down(0, fmt.Sprintf("more than %d redirects: %s", maxRedirects, strings.Join(chain, " → ")))
			return
		}
		if next.Scheme != "http" && next.Scheme != "https" {
			c.down(0, fmt.Sprintf("redirect to unsupported URL %q", next.String()))
			return
		}
		// Browsers turn these into a GET without a body; 307 and 308 keep both.
		switch resp.StatusCode {
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther:
			if method != http.MethodHead {
				method = http.MethodGet
			}
			body = ""
		}
		u = next
	}
}

// newRequest builds one hop's request. Past a redirect to another host the
// monitor's credentials and Host override are not sent, as browsers do: a
// redirect must not leak a token to a third party.
func newRequest(ctx context.Context, method string, u *url.URL, body string, headers map[string]string, foreign bool) (*http.Request, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	// One request per connection, said out loud so the target closes it.
	req.Close = true
	req.Header.Set("User-Agent", UserAgent)
	if ui := u.User; ui != nil {
		// As http.Client does: credentials in the URL become Basic auth,
		// unless the monitor sets its own Authorization header.
		pw, _ := ui.Password()
		req.SetBasicAuth(ui.Username(), pw)
	}
	for k, v := range headers {
		if foreign && sensitiveHeader(k) {
			continue
		}
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	return req, nil
}

func sensitiveHeader(k string) bool {
	switch http.CanonicalHeaderKey(k) {
	case "Authorization", "Proxy-Authorization", "Cookie", "Host":
		return true
	}
	return false
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// judgeHTTP reads up to MaxBody of the response, closes the connection and
// decides the verdict.
func (p *Prober) judgeHTTP(c *check, h *sitrep.HTTPCheck, resp *http.Response, tr *tracer) {
	defer resp.Body.Close()
	limit := h.MaxBody
	if limit <= 0 {
		limit = defaultMaxBody
	}
	var buf []byte
	if limit <= defaultMaxBody {
		bp := p.bodyBuf()
		defer p.bufs.Put(bp)
		buf = (*bp)[:limit]
	} else {
		buf = make([]byte, limit)
	}
	tr.phase.set(phaseBody)
	n, truncated, err := readUpTo(resp.Body, buf)
	if err != nil {
		c.down(0, c.describe(err, phaseBody))
		return
	}
	// Close now, before judging: the rest of an endless body is never read.
	resp.Body.Close()
	latency := c.elapsed()
	body := buf[:n]

	if !statusOK(h.Expect.Status, resp.StatusCode) {
		c.down(latency, fmt.Sprintf("status %d, expected %s", resp.StatusCode, describeStatus(h.Expect.Status)))
		return
	}
	if msg := judgeBody(&h.Expect, body, truncated, limit); msg != "" {
		c.down(latency, msg)
		return
	}
	c.upOrDegraded(latency, h.Expect.DegradedAbove)
}

// bodyBuf returns a pooled buffer of the default body cap, the common case.
func (p *Prober) bodyBuf() *[]byte {
	if bp, ok := p.bufs.Get().(*[]byte); ok {
		return bp
	}
	b := make([]byte, defaultMaxBody)
	return &b
}

// readUpTo fills buf from r; truncated reports that r had more.
func readUpTo(r io.Reader, buf []byte) (n int, truncated bool, err error) {
	for n < len(buf) {
		k, err := r.Read(buf[n:])
		n += k
		if err == io.EOF {
			return n, false, nil
		}
		if err != nil {
			return n, false, err
		}
	}
	// Full: one more byte tells a body of exactly len(buf) from a longer one.
	var one [1]byte
	k, _ := r.Read(one[:])
	return n, k > 0, nil
}

func statusOK(want []sitrep.StatusRange, code int) bool {
	if len(want) == 0 {
		return code >= 200 && code <= 399
	}
	for _, r := range want {
		if code >= r.Min && code <= r.Max {
			return true
		}
	}
	return false
}

func describeStatus(want []sitrep.StatusRange) string {
	if len(want) == 0 {
		return "200-399"
	}
	parts := make([]string, len(want))
	for i, r := range want {
		if r.Min == r.Max {
			parts[i] = fmt.Sprint(r.Min)
		} else {
			parts[i] = fmt.Sprintf("%d-%d", r.Min, r.Max)
		}
	}
	return strings.Join(parts, ", ")
}

// judgeBody returns why the body is not as expected, or "".
func judgeBody(e *sitrep.HTTPExpect, body []byte, truncated bool, limit int64) string {
	where := ""
	if truncated {
		where = fmt.Sprintf(" (in the first %s)", sizeText(limit))
	}
	if e.BodyContains != "" && !strings.Contains(string(body), e.BodyContains) {
		return fmt.Sprintf("body does not contain %q%s", e.BodyContains, where)
	}
	if e.BodyNotContains != "" && strings.Contains(string(body), e.BodyNotContains) {
		return fmt.Sprintf("body contains %q", e.BodyNotContains)
	}
	if e.BodyRegex != nil && !e.BodyRegex.Match(body) {
		return fmt.Sprintf("body does not match /%s/%s", e.BodyRegex, where)
	}
	if len(e.JSON) > 0 {
		return judgeJSON(e.JSON, body, truncated, limit)
	}
	return ""
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
