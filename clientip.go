package sitrep

import "context"

type clientIPKey struct{}

// WithClientIP returns a context carrying the address a request came from,
// so services deeper down can record it (the audit log) without every method
// taking it as a parameter.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// ClientIP returns the address set by WithClientIP, or "".
func ClientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

type httpsKey struct{}

// WithHTTPS returns a context marking its request as having reached the
// user over HTTPS even though it reached sitrep over plain HTTP: a trusted
// reverse proxy terminated TLS and said so. Code that cares whether the
// user's connection is encrypted (HSTS, Secure cookies) checks
// r.TLS != nil || ViaHTTPS(ctx).
func WithHTTPS(ctx context.Context) context.Context {
	return context.WithValue(ctx, httpsKey{}, true)
}

// ViaHTTPS reports whether WithHTTPS marked the context.
func ViaHTTPS(ctx context.Context) bool {
	v, _ := ctx.Value(httpsKey{}).(bool)
	return v
}
