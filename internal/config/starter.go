package config

import (
	"net"
	"strings"
)

// Starter returns a commented sitrep.yaml that monitors sitrep's own
// http://LISTEN/healthz and shows, commented out, an example of every
// monitor type. listen is the server's listen address, e.g. ":8080"; an
// unspecified host becomes localhost.
func Starter(listen string) []byte {
	host, port, err := net.SplitHostPort(listen)
	addr := listen
	if err == nil {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		addr = net.JoinHostPort(host, port)
	}
	if strings.TrimSpace(addr) == "" {
		addr = "localhost:8080"
	}
	return []byte(strings.ReplaceAll(starterText, "{{LISTEN}}", addr))
}

// starterText is the starter file. Lines starting with "#-" are examples:
// a test removes that prefix and checks that the result parses too.
const starterText = `# sitrep configuration. Reference: docs/configuration.md
# JSON Schema for editor completion: sitrep config schema > sitrep.schema.json
#
# Values may use ${VAR} and ${VAR:-default} to read the environment, e.g. for secrets.

# Name of the place this node checks from; results are recorded under it.
location: local

# The address people reach sitrep at, for links in feeds, emails and exported
# pages. Default: http:// and the listen address.
# public_url: https://status.example.com

storage:
  driver: sqlite
  # path: /var/lib/sitrep/sitrep.db   # default: sitrep.db in the data directory
  budget: 1GiB          # disk space results may take; oldest raw results go first
  min_free_disk: 256MiB # below this free disk space, new raw results are dropped
  flush_interval: 1s    # a hard kill loses at most this much of results

defaults:
  interval: 60s         # time between two checks
  timeout: 10s          # never more than the interval
  failures_to_down: 2   # consecutive failures before a monitor is down
  successes_to_up: 1    # consecutive successes before it is up again

monitors:
  # sitrep watching itself.
  - id: sitrep
    name: sitrep
    type: http
    url: http://{{LISTEN}}/healthz
    interval: 30s
    expect:
      status: 200

  # Examples of every monitor type: remove the "#-" to use one.

  # A web page that must answer 2xx with some text, quickly.
#-  - id: website
#-    name: Website
#-    type: http
#-    url: https://example.com/
#-    expect:
#-      status: 2xx
#-      body_contains: Welcome
#-      degraded_above: 2s

  # A JSON health endpoint, with a token from the environment.
#-  - id: api
#-    type: http
#-    url: https://api.example.com/healthz
#-    headers:
#-      Authorization: "Bearer ${API_TOKEN}"
#-    expect:
#-      status: [200, 204]
#-      json:
#-        $.db: up
#-        $.queue.depth: "< 100"
#-        $.services[*].status: "!= down"

  # A TCP port.
#-  - id: database
#-    type: tcp
#-    address: db.internal:5432
#-    failures_to_down: 3

  # A DNS record, asked of a given resolver.
#-  - id: mx
#-    type: dns
#-    name: Mail exchanger of example.com
#-    query: example.com
#-    record_type: MX
#-    resolver: 1.1.1.1
#-    expect: [mail.example.com.]

  # A certificate's expiry: degraded 21 days before, down 3 days before.
#-  - id: certificate
#-    type: tls
#-    address: example.com:443
#-    interval: 1h
#-    warn_before: 21d
#-    down_before: 3d

  # A host that must answer ping.
#-  - id: gateway
#-    type: icmp
#-    host: 192.0.2.1
#-    count: 3

  # A nightly backup job that calls /ping/{token} when it is done
  # (with its size, so that a backup that suddenly shrinks is noticed).
#-  - id: backup
#-    type: heartbeat
#-    every: 1d
#-    grace: 2h
#-    token: ${BACKUP_TOKEN}
#-    min_size: 100MB
#-    max_shrink: 50%

# Components are what users care about, shown on status pages in groups. A
# component's status comes from its monitors: any degraded is
# degraded_performance, some down partial_outage, all down major_outage.
#-components:
#-  - id: website
#-    name: Website
#-    group: Public services
#-    monitors: [website]
#-  - id: api
#-    name: API
#-    group: Public services
#-    description: The API our apps use
#-    monitors: [api, database]
#-    rule: {some_down: major_outage}   # useless when any of its parts is down
#-    incidents: {auto_open_after: 5m}  # this component's own incident settings

# Status pages: the first is served at /, each at /{slug}/. Without any,
# sitrep serves one page at / with every group.
#-pages:
#-  - slug: main
#-    title: Example status
#-    groups: [Public services]
#-    time_zone: Europe/Oslo
#-    branding:
#-      name: Example
#-      accent: "#0055aa"                 # quoted: # starts a YAML comment
#-      links:
#-        - {title: Help, url: "https://help.example.com/"}
#-    # domain: status.example.com        # serve this page at / for that Host
#-    # password: ${PAGE_PASSWORD}        # ask for a password first

# What sitrep does about incidents by itself (these are the defaults).
incidents:
  auto_open_after: 2m      # open one when a component has been in outage this long
  auto_resolve_after: off  # resolve after recovery lasted this long; off: a person decides
  nudge_after: 30m         # remind staff when customers have heard nothing for this long

maintenance:
  reminders: [24h, 1h]     # remind subscribers this long before a window starts
`
