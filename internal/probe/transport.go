package probe

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"
)

// A new http.Transport per check costs far more CPU than the request itself,
// so transports are shared by every check with the same TLS settings. Keep-
// alives are off: each check must see a fresh connection, as a new visitor
// would, and a connection problem must not hide behind a pooled one.
type transportKey struct {
	skipVerify bool
	serverName string
	roots      *x509.CertPool // nil: system roots
}

type transportCache struct {
	p  *Prober
	mu sync.Mutex
	m  map[transportKey]*http.Client
}

// maxTransports bounds the cache; CA files replaced many times would
// otherwise leave a transport behind for each version.
const maxTransports = 256

func (c *transportCache) init(p *Prober) {
	c.p = p
	c.m = make(map[transportKey]*http.Client)
}

func (c *transportCache) client(k transportKey) *http.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := c.m[k]; ok {
		return cl
	}
	if len(c.m) >= maxTransports {
		clear(c.m)
	}
	t := &http.Transport{
		// Checks observe the target directly; an environment proxy would
		// turn every check into a check of the proxy.
		Proxy:       nil,
		DialContext: c.p.dialer.DialContext,
		TLSClientConfig: &tls.Config{
			InsecureSkipVerify: k.skipVerify,
			ServerName:         k.serverName,
			RootCAs:            k.roots,
		},
		DisableKeepAlives: true,
		// Body conditions are judged on what the server sends; asking for
		// gzip would only add decompression work.
		DisableCompression:     true,
		MaxResponseHeaderBytes: 256 << 10,
	}
	cl := &http.Client{
		Transport: t,
		// Redirects are followed by the check itself, which detects loops
		// and reports the chain.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c.m[k] = cl
	return cl
}

// poolCache holds parsed CA files (system roots plus the file's
// certificates), re-read when the file changes.
type poolCache struct {
	mu sync.Mutex
	m  map[string]poolEntry
}

type poolEntry struct {
	mod  time.Time
	size int64
	pool *x509.CertPool
}

func (c *poolCache) get(path string) (*x509.CertPool, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read CA file: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[path]; ok && e.mod.Equal(fi.ModTime()) && e.size == fi.Size() {
		return e.pool, nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s holds no PEM certificate", path)
	}
	if c.m == nil {
		c.m = make(map[string]poolEntry)
	}
	c.m[path] = poolEntry{mod: fi.ModTime(), size: fi.Size(), pool: pool}
	return pool, nil
}

// roots returns the trust pool for a check: nil (system roots) without a CA file.
func (p *Prober) roots(caFile string) (*x509.CertPool, error) {
	if caFile == "" {
		return nil, nil
	}
	return p.pools.get(caFile)
}
