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
