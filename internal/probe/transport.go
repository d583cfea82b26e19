package probe

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"sync"
	"time"
)

// TLS settings are shared by every check with the same options, so that
// session tickets and parsed roots are reused; connections never are: each
// check must see a fresh connection, as a new visitor would, and a
// connection problem must not hide behind a pooled one.
type transportKey struct {
	skipVerify bool
	serverName string
	roots      *x509.CertPool // nil: system roots
}

type transportCache struct {
	mu sync.Mutex
	m  map[transportKey]*tls.Config
}

// maxTransports bounds the cache; CA files replaced many times would
// otherwise leave a config behind for each version.
const maxTransports = 256

func (c *transportCache) tlsConfig(k transportKey) *tls.Config {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cfg, ok := c.m[k]; ok {
		return cfg
	}
	if c.m == nil || len(c.m) >= maxTransports {
		c.m = make(map[transportKey]*tls.Config)
	}
	// No NextProtos: checks speak HTTP/1.1, as the Transport did with a
	// custom TLS config.
	cfg := &tls.Config{
		InsecureSkipVerify: k.skipVerify,
		ServerName:         k.serverName,
		RootCAs:            k.roots,
	}
	c.m[k] = cfg
	return cfg
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
