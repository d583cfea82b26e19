package config

import (
	"sitrep"
)

// Adding a section (say `alerts`): describe its keys in a new *section here,
// add it to s.top.Fields as a kindSection field (or a kindList of them) and
// to sections() for the docs, then read it in parse with top.sub("alerts")
// (top.list for a list) and a small builder like storage(). Decoding, unknown-key checks with
// did-you-mean, the JSON Schema and docs/configuration.md follow from the
// table; run go test ./internal/config -run TestDocs -update.

// spec is the whole file's description. It is built by newSpec rather than
// held in package variables so that nothing can change it between parses.
type spec struct {
	top, storage, defaults *section
	// common holds the keys every monitor has; types the keys of each type,
	// in sitrep.MonitorTypes order.
	common     *section
	types      map[sitrep.MonitorType]*section
	httpExpect *section
	status     *statusSpec
	alerts     *alertSpec
	// smtp and channels: sections_channels.go.
	smtp, channels *section
	// oidc and oidcRoles: sections_oidc.go.
	oidc, oidcRoles *section
}

// sections lists every section in the order the documentation shows them.
func (s *spec) sections() []*section {
	st := s.status
	out := []*section{s.top, s.storage, s.defaults, st.incidents, st.maintenance, s.common}
	for _, t := range sitrep.MonitorTypes {
		out = append(out, s.types[t])
		if t == sitrep.MonitorHTTP {
			out = append(out, s.httpExpect)
		}
	}
	out = append(out, st.components, st.rule, st.componentIncidents, st.pages, st.branding, st.link)
	out = append(out, s.smtp, s.channels)
	out = append(out, s.alerts.sections()...)
	return append(out, s.oidc, s.oidcRoles)
}

func monitorTypeNames() []string {
	names := make([]string, len(sitrep.MonitorTypes))
	for i, t := range sitrep.MonitorTypes {
		names[i] = string(t)
	}
	return names
}

func newSpec() *spec {
	s := &spec{types: map[sitrep.MonitorType]*section{}, status: newStatusSpec(), alerts: newAlertSpec(),
		smtp: smtpSection(), channels: channelsSection()}
	s.oidc, s.oidcRoles = oidcSections()
	s.storage = &section{
		Path: "storage",
		Doc:  "Where results and records are kept, and how much disk they may use.",
		Fields: []field{
			{Key: "driver", Kind: kindEnum, Enum: []string{"sqlite", "postgres"}, Default: "sqlite",
				Doc: "`sqlite` keeps everything in one local file; `postgres` uses a PostgreSQL server, needed to run several sitrep nodes together."},
			{Key: "path", Kind: kindString, DefaultDoc: "`sitrep.db` in the data directory", Example: "/var/lib/sitrep/sitrep.db",
				Doc: "The SQLite database file (driver `sqlite` only). A relative path is relative to the directory of this file."},
			{Key: "url", Kind: kindString, Example: "${DATABASE_URL}",
				Doc: "PostgreSQL connection URL, e.g. `postgres://sitrep@db.internal/sitrep` (driver `postgres` only, and required there). Keep the password out of the file with `${VAR}`."},
			{Key: "budget", Kind: kindSize, Default: "1GiB", Min: "1MiB",
				Doc: "Disk space results may take. When it is reached the oldest raw results are dropped first, then the oldest rollups; incidents and other records people wrote are never dropped."},
			{Key: "min_free_disk", Kind: kindSize, Default: "256MiB", Min: "0",
				Doc: "When the disk holding the database has less free space than this, new raw results are dropped rather than written, so that sitrep never fills the disk it watches from."},
			{Key: "flush_interval", Kind: kindDuration, Default: "1s", Min: "10ms", Max: "1m",
				Doc: "How often buffered results are written. It bounds what a hard kill (kill -9, power loss) can lose: the results of at most this much time."},
		},
	}
	s.defaults = &section{
		Path: "defaults",
		Doc:  "Values every monitor takes unless it sets its own.",
		Fields: []field{
			{Key: "interval", Kind: kindDuration, Default: "60s", Min: "1s",
				Doc: "Time between two checks."},
			{Key: "timeout", Kind: kindDuration, DefaultDoc: "10s, but never more than the interval", Min: "1ms",
				Doc: "How long one check may take before it counts as failed. A monitor whose interval is shorter than this timeout uses its interval as timeout."},
			{Key: "failures_to_down", Kind: kindInt, Default: "2", Min: "1", Max: "1000",
				Doc: "Consecutive failed checks that turn an up monitor down, so that one blip is not an outage."},
			{Key: "successes_to_up", Kind: kindInt, Default: "1", Min: "1", Max: "1000",
				Doc: "Consecutive good checks that bring a down monitor back up."},
		},
	}
	s.common = &section{
		Path: "monitors[]",
		Doc: "Each entry of `monitors` is one way of observing something. These keys apply to every type; " +
			"the sections after this one list the keys of each type. A key of another type is an error.",
		Fields: []field{
			{Key: "id", Kind: kindString, Required: true, Example: "api",
				Doc: "Unique identifier: lower-case letters, digits, `-` and `_`, starting with a letter or digit, at most 64 characters. It names the monitor's history; renaming it starts a new one."},
			{Key: "name", Kind: kindString, DefaultDoc: "the id", Doc: "Name shown to people."},
			{Key: "type", Kind: kindEnum, Enum: monitorTypeNames(), Required: true, Example: "http",
				Doc: "What kind of check this is."},
			{Key: "description", Kind: kindString, Doc: "Free text shown with the monitor."},
			{Key: "labels", Kind: kindStringMap, Doc: "Free-form labels, e.g. `{team: web, region: eu}`, for routing alerts and filtering."},
			{Key: "interval", Kind: kindDuration, DefaultDoc: "`defaults.interval`", Min: "1s",
				Doc: "Time between two checks. Not for heartbeats, whose silence is checked every `min(grace, 1m)`."},
			{Key: "timeout", Kind: kindDuration, DefaultDoc: "`defaults.timeout`, at most the interval", Min: "1ms",
				Doc: "How long one check may take. Must not be longer than the interval. Not for heartbeats."},
			{Key: "failures_to_down", Kind: kindInt, DefaultDoc: "`defaults.failures_to_down`; 1 for heartbeats", Min: "1", Max: "1000",
				Doc: "Consecutive failed results that turn the monitor down."},
			{Key: "successes_to_up", Kind: kindInt, DefaultDoc: "`defaults.successes_to_up`", Min: "1", Max: "1000",
				Doc: "Consecutive good results that bring it back up."},
			{Key: "locations", Kind: kindStrings, DefaultDoc: "every location",
				Doc: "Locations (see `location`) the monitor is checked from."},
			{Key: "quorum", Kind: kindInt, Default: "0", Min: "0", Max: "1000",
				Doc: "How many locations must see the monitor down for it to be down; 0 means a majority of its locations."},
		},
	}
	s.httpExpect = &section{
		Path: "monitors[].expect (http)",
		Doc:  "What makes an HTTP response good. Every condition given must hold.",
		Fields: []field{
			{Key: "status", Kind: kindStatusList, Default: "200-399",
				Doc: "Good statuses: codes (`200`), classes (`2xx`) and ranges (`200-299`). A single entry need not be a list."},
			{Key: "body_contains", Kind: kindString, Doc: "Text the body must contain."},
			{Key: "body_not_contains", Kind: kindString, Doc: "Text the body must not contain, e.g. an error page's title."},
			{Key: "body_regex", Kind: kindString, Doc: "Regular expression (Go RE2 syntax) the body must match."},
			{Key: "json", Kind: kindJSONConds,
				Doc: "Conditions on a JSON body, keyed by path (`$.a.b[0]['odd key'][*]`). A value is compared for equality (`\"up\"`, `42`, `true`, `null`); " +
					"a string may start with an operator: `\"== x\"`, `\"!= x\"`, `\"< 5\"`, `\"<= 5\"`, `\"> 5\"`, `\">= 5\"`, `\"~ regexp\"` or is `\"exists\"`. " +
					"With `[*]` the condition must hold for every element, and an empty array fails."},
			{Key: "degraded_above", Kind: kindDuration, Min: "1ms",
				Doc: "A good response slower than this marks the monitor degraded. Must be below the timeout."},
		},
	}
	degraded := field{Key: "degraded_above", Kind: kindDuration, Min: "1ms",
		Doc: "A good check slower than this marks the monitor degraded. Must be below the timeout."}
	s.types[sitrep.MonitorHTTP] = &section{
		Path: "monitors[] (http)",
		Doc:  "Requests a URL on a fresh connection and judges the response.",
		Fields: []field{
			{Key: "url", Kind: kindString, Required: true, Example: "https://example.com/healthz", Doc: "The http or https URL to request."},
			{Key: "method", Kind: kindString, Default: "GET", Doc: "Request method."},
			{Key: "headers", Kind: kindStringMap, Doc: "Request headers, e.g. `{Authorization: \"Bearer ${API_TOKEN}\"}`."},
			{Key: "body", Kind: kindString, Doc: "Request body."},
			{Key: "follow_redirects", Kind: kindBool, Default: "true", Doc: "Follow redirects and judge the final response."},
			{Key: "max_redirects", Kind: kindInt, Default: "10", Min: "0", Max: "100", Doc: "Redirects to follow at most."},
			{Key: "tls_skip_verify", Kind: kindBool, Default: "false", Doc: "Accept any certificate. Prefer `ca_file`."},
			{Key: "ca_file", Kind: kindString, Doc: "PEM file of extra certificate authorities to trust, e.g. a private CA. Relative to this file's directory."},
			{Key: "server_name", Kind: kindString, Doc: "TLS server name (SNI) to send and verify instead of the URL's host."},
			{Key: "max_body", Kind: kindSize, Default: "64KiB", Min: "1", Max: "64MiB", Doc: "How much of the body is read and judged; the rest is discarded."},
			{Key: "expect", Kind: kindSection, Section: s.httpExpect, Doc: "What makes a response good; see below."},
		},
	}
	s.types[sitrep.MonitorTCP] = &section{
		Path: "monitors[] (tcp)",
		Doc:  "Opens a TCP connection.",
		Fields: []field{
			{Key: "address", Kind: kindString, Required: true, Example: "db.internal:5432", Doc: "`host:port` to connect to."},
			degraded,
		},
	}
	s.types[sitrep.MonitorDNS] = &section{
		Path: "monitors[] (dns)",
		Doc:  "Resolves a name.",
		Fields: []field{
			{Key: "query", Kind: kindString, Required: true, Example: "example.com",
				Doc: "The name to resolve."},
			{Key: "record_type", Kind: kindEnum, Enum: []string{"A", "AAAA", "CNAME", "MX", "NS", "TXT", "SRV", "CAA", "PTR", "SOA"}, Default: "A", Doc: "Record type to ask for."},
			{Key: "resolver", Kind: kindString, DefaultDoc: "the system resolver (`/etc/resolv.conf`)", Doc: "`host` or `host:port` of the DNS server to ask; the port defaults to 53."},
			{Key: "protocol", Kind: kindEnum, Enum: []string{"udp", "tcp"}, Default: "udp", Doc: "Transport to the resolver."},
			{Key: "expect", Kind: kindStrings, DefaultDoc: "any non-empty answer", Doc: "Answers that must all be present (names compared case-insensitively)."},
			degraded,
		},
	}
	s.types[sitrep.MonitorTLS] = &section{
		Path: "monitors[] (tls)",
		Doc:  "Connects with TLS and watches the certificate's expiry.",
		Fields: []field{
			{Key: "address", Kind: kindString, Required: true, Example: "example.com:443", Doc: "`host` or `host:port`; the port defaults to 443."},
			{Key: "server_name", Kind: kindString, DefaultDoc: "the host part of `address`", Doc: "Name to send (SNI) and verify."},
			{Key: "ca_file", Kind: kindString, Doc: "PEM file of extra certificate authorities to trust. Relative to this file's directory."},
			{Key: "warn_before", Kind: kindDuration, Default: "21d", Min: "1h", Doc: "The monitor is degraded when the certificate expires within this."},
			{Key: "down_before", Kind: kindDuration, Default: "3d", Min: "0", Doc: "The monitor is down when the certificate expires within this. Must be shorter than `warn_before`."},
		},
	}
	s.types[sitrep.MonitorICMP] = &section{
		Path: "monitors[] (icmp)",
		Doc:  "Pings a host.",
		Fields: []field{
			{Key: "host", Kind: kindString, Required: true, Example: "192.0.2.10", Doc: "Host name or address to ping."},
			{Key: "count", Kind: kindInt, Default: "1", Min: "1", Max: "10", Doc: "Echo requests per check; the check is good if any is answered."},
			degraded,
		},
	}
	s.types[sitrep.MonitorHeartbeat] = &section{
		Path: "monitors[] (heartbeat)",
		Doc: "Expects a job to call `/ping/{token}` at least every `every`; silence past `every + grace` is down. " +
			"sitrep checks for silence every `min(grace, 1m)` (at least 1s), so a missed ping is noticed within a minute.",
		Fields: []field{
			{Key: "every", Kind: kindDuration, Required: true, Example: "1d", Min: "1s", Doc: "How often the job runs."},
			{Key: "grace", Kind: kindDuration, DefaultDoc: "a tenth of `every`, at least 1m", Min: "1s", Doc: "How late a ping may be before the monitor is down."},
			{Key: "token", Kind: kindString, DefaultDoc: "generated and stored by sitrep",
				Doc: "Secret part of the ping URL, pinned so that it survives a new database: at least 16 of `A-Z a-z 0-9 - _`. Use `${VAR}` to keep it out of the file."},
			{Key: "min_size", Kind: kindSize, Min: "1", Doc: "A ping reporting a smaller size (e.g. of a backup) marks the monitor down."},
			{Key: "max_shrink", Kind: kindRatio, Doc: "A ping reporting a size smaller than the previous good one by more than this fraction (`0.5` or `\"50%\"`) marks the monitor degraded."},
			{Key: "max_duration", Kind: kindDuration, Min: "1s", Doc: "A run reported (or measured from `/start`) as longer than this marks the monitor degraded."},
		},
	}
	s.top = &section{
		Path: "top level",
		Doc:  "The file is YAML. Keys starting with `x-` are ignored at the top level, as a place for anchors (`x-web: &web {...}`) to merge with `<<: *web`.",
		Fields: []field{
			{Key: "location", Kind: kindString, Default: "local",
				Doc: "Name of the place this sitrep node checks from (e.g. `oslo`); results are recorded under it and monitors' `locations` refer to it. Same form as a monitor id."},
			{Key: "public_url", Kind: kindString, DefaultDoc: "`http://` and the listen address", Example: "https://status.example.com",
				Doc: "The address people reach sitrep at, for absolute links in feeds, emails and exported pages: an http or https URL, optionally with a path."},
			{Key: "trusted_proxies", Kind: kindStrings, DefaultDoc: "none: proxy headers are ignored", Example: "[127.0.0.1, 10.0.0.0/8, \"::1\"]",
				Doc: "IP addresses or CIDR ranges of the reverse proxies in front of sitrep. From these peers only, `X-Forwarded-For` gives the client's address (for login throttling, subscribe limits and the audit log; read from the right, skipping the listed proxies) and `X-Forwarded-Proto: https` marks the request as HTTPS (HSTS, Secure cookies). From anyone else both headers are ignored, so list only proxies you run."},
			{Key: "storage", Kind: kindSection, Section: s.storage, Doc: "Where data is kept; see below."},
			{Key: "defaults", Kind: kindSection, Section: s.defaults, Doc: "Defaults for every monitor; see below."},
			{Key: "incidents", Kind: kindSection, Section: s.status.incidents, Doc: "How incidents are opened, resolved and nudged by themselves; see below."},
			{Key: "maintenance", Kind: kindSection, Section: s.status.maintenance, Doc: "Reminders of scheduled maintenance; see below."},
			{Key: "monitors", Kind: kindMonitorList, Doc: "The monitors; see below."},
			{Key: "components", Kind: kindList, Section: s.status.components, Doc: "The components shown on status pages; see below."},
			{Key: "pages", Kind: kindList, Section: s.status.pages, Doc: "The public status pages; see below."},
			{Key: "smtp", Kind: kindSection, Section: s.smtp, Doc: "The mail server for email channels and subscriber mail; see below."},
			{Key: "channels", Kind: kindList, Section: s.channels, Doc: "Ways to reach staff (email, webhook, Slack, Teams, Discord, Telegram, PagerDuty, Opsgenie, ntfy, Pushover, Gotify, Matrix); see below."},
			{Key: "routes", Kind: kindList, Section: s.alerts.routes, Doc: "Which failing monitors page which channels; see below."},
			{Key: "escalation_policies", Kind: kindList, Section: s.alerts.policies, Doc: "Who is paged next while nobody acknowledges; see below."},
			{Key: "schedules", Kind: kindList, Section: s.alerts.schedules, Doc: "On-call rotations; see below."},
			{Key: "oidc", Kind: kindSection, Section: s.oidc, Doc: "Staff sign-in through an OpenID Connect identity provider; see below."},
		},
		AllowExtensions: true,
	}
	return s
}
