// Package config reads sitrep's configuration file: YAML with ${ENV}
// interpolation, defaults, and validation whose every message carries the
// FILE:LINE:COL of the problem and says what would be valid.
//
// The file is described once, by the field tables in sections.go; decoding,
// the JSON Schema (Schema) and docs/configuration.md are all derived from
// them.
package config

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"time"

	"gopkg.in/yaml.v3"

	"sitrep"
)

// Config is a loaded, validated configuration file.
type Config struct {
	Path     string // file it came from
	Location string // this node's location label, default "local"
	Storage  Storage
	Defaults MonitorDefaults  // as resolved
	Monitors []sitrep.Monitor // validated, defaults applied, in file order
	Hash     string           // sha256 of the file bytes, to notice changes

	// PublicURL is public_url without a trailing slash, or "" when unset:
	// BaseURL then falls back to the listen address.
	PublicURL string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed; empty means none are.
	TrustedProxies []netip.Prefix
	// Components in file order. A zero Rule field means the default rule's
	// (ComponentRule.WithDefaults); Automation is nil unless the component
	// overrides a setting, and then has pointers only for those it sets.
	Components []sitrep.Component
	// Pages as declared, in file order (the first is served at /); see
	// EffectivePages for the page served when none are declared.
	Pages []PageConfig
	// Incidents are the settings of incident automation, defaults applied;
	// a component's own are Incidents.With(component.Automation).
	Incidents sitrep.IncidentAutomation
	// MaintenanceReminders are how long before a window starts to remind
	// subscribers of it, longest first, without repeats. Default 24h, 1h.
	MaintenanceReminders []time.Duration
	// Routes, EscalationPolicies and Schedules are staff alerting, in file
	// order (alerts_build.go); a route's ID defaults to "route-N".
	Routes             []sitrep.AlertRoute
	EscalationPolicies []sitrep.EscalationPolicy
	Schedules          []sitrep.Schedule
	// SMTP is the mail server, nil when not configured; Channels are the
	// declared channels in file order (sections_channels.go).
	SMTP     *SMTPConfig
	Channels []ChannelConfig
	// OIDC is staff sign-in through an identity provider, nil when not
	// configured (sections_oidc.go).
	OIDC *OIDCConfig
}

// Storage says where data is kept.
type Storage struct {
	Driver string // "sqlite" (default) or "postgres"
	// Path is the SQLite file, made absolute relative to the configuration
	// file's directory; "" when unset, and the app picks its data directory.
	Path          string
	URL           string        // postgres URL
	Budget        int64         // bytes, default 1 GiB
	MinFreeDisk   int64         // below this free space raw results are dropped; default 256 MiB
	FlushInterval time.Duration // how often buffered results are written; default 1s
}

// MonitorDefaults are the values monitors take unless they set their own.
type MonitorDefaults struct {
	Interval       time.Duration
	Timeout        time.Duration // at most Interval for a monitor that inherits it
	FailuresToDown int
	SuccessesToUp  int
}

// Load reads and parses the file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	return Parse(path, data)
}

// Parse parses data, the contents of the file at path; path is used for
// messages and to resolve relative paths. ${VAR} references are read from
// the process environment. When anything is wrong it returns a nil Config and
// an *Errors listing every problem, in file order.
func Parse(path string, data []byte) (*Config, error) {
	return parse(path, data, os.LookupEnv)
}

func parse(path string, data []byte, lookup func(string) (string, bool)) (*Config, error) {
	return parseFrom(path, data, lookup, streamMin)
}

// parseFrom parses monitors one at a time when the file has at least
// streamFrom bytes and can be split safely (stream.go). Only a file without
// problems is taken from that path: problems are reported by the whole-tree
// path, so that every message and position is the same either way.
func parseFrom(path string, data []byte, lookup func(string) (string, bool), streamFrom int) (*Config, error) {
	if len(data) >= streamFrom {
		if s, ok := splitMonitors(data); ok {
			if cfg, err := decode(path, data, lookup, s); err == nil {
				return cfg, nil
			}
		}
	}
	return decode(path, data, lookup, nil)
}

// errStreamFailed sends a file back to the whole-tree path.
var errStreamFailed = errors.New("monitors could not be parsed one at a time")

// decode parses data, or with stream its rest and then its monitors one
// entry at a time.
func decode(path string, data []byte, lookup func(string) (string, bool), stream *monitorStream) (*Config, error) {
	p := &problems{file: path}
	sum := sha256.Sum256(data)
	cfg := &Config{Path: path, Hash: hex.EncodeToString(sum[:])}

	text := data
	if stream != nil {
		text = stream.rest
	}
	root := parseYAML(p, text)
	if root == nil {
		if stream != nil {
			return nil, errStreamFailed
		}
		return nil, p.err()
	}
	interpolate(p, root, lookup)

	dir := filepath.Dir(path)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	d := &decoder{p: p, dir: dir, budget: 100000}
	s := newSpec()
	var body *yaml.Node
	if len(root.Content) > 0 {
		body = root.Content[0]
	}
	if stream != nil && !stream.isKeyAt(body) {
		return nil, errStreamFailed
	}
	top := d.mapping(body, s.top, mappingOptions{where: "at the top level"})

	cfg.Location = top.str("location")
	if msg := checkLabel(cfg.Location); msg != "" {
		p.at(top.at("location"), "location: %s", msg)
	}
	cfg.Storage = d.storage(top.sub("storage"))
	cfg.Defaults = d.defaults(top.sub("defaults"))
	if stream != nil {
		var ok bool
		if cfg.Monitors, ok = d.streamMonitors(s, stream, cfg.Defaults, lookup); !ok {
			return nil, errStreamFailed
		}
	} else if n, ok := top.m["monitors"].val.(*yaml.Node); ok {
		cfg.Monitors = d.monitors(s, n, cfg.Defaults)
	}
	cfg.PublicURL = d.publicURL(top)
	cfg.TrustedProxies = d.trustedProxies(top)
	cfg.Incidents = d.incidents(top.sub("incidents"))
	cfg.MaintenanceReminders = d.reminders(top.sub("maintenance"))
	cfg.Components = d.components(top.list("components"))
	cfg.Pages = d.pages(top.list("pages"))
	cfg.SMTP = d.smtp(top)
	// channelIDs are every channel id written, even of entries with
	// problems, so that routes referring to them are not blamed too.
	var channelIDs []string
	cfg.Channels, channelIDs = d.channels(top.list("channels"), cfg.SMTP)
	d.checkChannelRefs(d.alerting(top, cfg), channelIDs)
	cfg.OIDC = d.oidc(top)

	if len(p.list) > 0 {
		if stream != nil {
			return nil, errStreamFailed
		}
		slices.SortStableFunc(p.list, func(a, b *Error) int {
			return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
		})
		return nil, p.err()
	}
	return cfg, nil
}

// parseYAML returns the document node, or nil after recording why there is
// none. An empty file is an empty document.
func parseYAML(p *problems, data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{Kind: yaml.DocumentNode}
		}
		p.syntax(data, err)
		return nil
	}
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		switch {
		case errors.Is(err, io.EOF):
			return &doc
		case err != nil:
			p.syntax(data, err)
			return nil
		case len(next.Content) > 0 && !isNull(next.Content[0]):
			p.at(&next, "a second YAML document (after ---) is not supported; keep everything in one document")
			return nil
		}
	}
}
