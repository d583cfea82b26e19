package subscribe

import (
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"strings"

	"sitrep"
)

// normalizeEmail accepts a bare address (no display name) and lower-cases
// its domain, which is case-insensitive, so that one mailbox is one
// subscription.
func normalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	bad := sitrep.FieldErrorf(sitrep.EINVALID, "email", "%q is not an email address; write it like name@example.com", s)
	if s == "" {
		return "", sitrep.FieldErrorf(sitrep.EINVALID, "email", "is required, e.g. name@example.com")
	}
	if len(s) > 254 {
		return "", sitrep.FieldErrorf(sitrep.EINVALID, "email", "is %d characters long; at most 254 are allowed", len(s))
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", bad
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.ContainsAny(s, "\r\n<>") {
		return "", bad
	}
	return local + "@" + strings.ToLower(domain), nil
}

// kindOfURL guesses the chat service from a webhook URL when the request
// did not say.
func kindOfURL(u *url.URL) sitrep.SubscriberKind {
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "hooks.slack.com":
		return sitrep.SubscriberSlack
	case (host == "discord.com" || host == "discordapp.com") && strings.HasPrefix(u.Path, "/api/webhooks/"):
		return sitrep.SubscriberDiscord
	case strings.HasSuffix(host, ".webhook.office.com") || strings.HasSuffix(host, ".logic.azure.com"):
		return sitrep.SubscriberTeams
	}
	return sitrep.SubscriberWebhook
}

// checkURL accepts an absolute http(s) URL without credentials. Chat
// services are https only; a plain webhook may be http. Unless allowed,
// hosts that are loopback, private or link-local addresses are refused:
// the subscribe endpoint is public and sitrep must not be turned into a
// way to reach its own network. (Names that resolve to such addresses are
// the sender's to refuse when it dials.)
func (s *Service) checkURL(raw string, kind sitrep.SubscriberKind) (string, sitrep.SubscriberKind, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return "", "", sitrep.FieldErrorf(sitrep.EINVALID, "webhook", "is required, e.g. https://example.com/hooks/status")
	case len(raw) > 2048:
		return "", "", sitrep.FieldErrorf(sitrep.EINVALID, "webhook", "is %d characters long; at most 2048 are allowed", len(raw))
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Hostname() == "":
		return "", "", sitrep.FieldErrorf(sitrep.EINVALID, "webhook", "%q is not an absolute http or https URL, e.g. https://example.com/hooks/status", raw)
	case u.User != nil:
		return "", "", sitrep.FieldErrorf(sitrep.EINVALID, "webhook", "must not carry a user name or password")
	}
	if kind == "" {
		kind = kindOfURL(u)
	}
	if !kind.Valid() || kind == sitrep.SubscriberEmail {
		return "", "", sitrep.FieldErrorf(sitrep.EINVALID, "kind", "unknown kind %q, valid: webhook, slack, teams, discord", kind)
	}
	if kind != sitrep.SubscriberWebhook && u.Scheme != "https" {
		return "", "", sitrep.FieldErrorf(sitrep.EINVALID, "webhook", "a %s webhook URL starts with https://", kind)
	}
	if !s.private && privateHost(u.Hostname()) {
		return "", "", sitrep.FieldErrorf(sitrep.EINVALID, "webhook", "%q is a local or private address; use a public URL", u.Hostname())
	}
	u.Fragment = ""
	return u.String(), kind, nil
}

func privateHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") || strings.HasSuffix(h, ".local") || strings.HasSuffix(h, ".internal") {
		return true
	}
	ip := net.ParseIP(h)
	if ip == nil {
		return false
	}
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return true
	}
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsUnspecified() || a.IsMulticast() || a.IsInterfaceLocalMulticast() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(a)
}

// checkComponents keeps only components the page shows, in the order
// given, once each.
func (p *pageInfo) checkComponents(in []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, c := range in {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		if !p.shows(c) {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, "components", "page %q has no component %q", p.Slug, c)
		}
		seen[c] = true
		out = append(out, c)
	}
	if len(out) > 0 && len(out) == len(p.comps) {
		// Everything chosen is the whole page, including components added later.
		return nil, nil
	}
	return out, nil
}
