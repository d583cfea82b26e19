package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// SMTPConfig is the mail server email channels and subscriber mail go
// through.
type SMTPConfig struct {
	Host     string
	Port     int // as written, or 587/465/25 by TLS
	Username string
	Password string // secret: never log or show it
	From     string // "Example status <status@example.com>"
	// TLS is "starttls" (default), "tls" (implicit, port 465) or "none".
	TLS string
	// CAFile is a PEM file of extra authorities to trust, absolute; "" for
	// the system roots.
	CAFile string
}

// ChannelConfig is a declared notification channel. Only the keys of its
// Type are set; channelKeys lists them.
type ChannelConfig struct {
	ID   string
	Type string // one of ChannelTypes()

	To          []string          // email: addresses
	URL         string            // webhook, slack, teams, discord: endpoint; ntfy, gotify: server
	Secret      string            // webhook: HMAC signing secret
	Headers     map[string]string // webhook: extra request headers
	Username    string            // discord: display name; ntfy: basic auth user
	Password    string            // ntfy: basic auth password
	BotToken    string            // telegram
	ChatID      string            // telegram
	RoutingKey  string            // pagerduty
	APIKey      string            // opsgenie
	Region      string            // opsgenie: "us" or "eu"
	Topic       string            // ntfy
	Token       string            // ntfy: access token; pushover: application token; gotify: application token
	User        string            // pushover: user or group key
	Device      string            // pushover
	Homeserver  string            // matrix
	RoomID      string            // matrix
	AccessToken string            // matrix
}

// ChannelTypes returns the kinds of channel, in the order the docs list
// them.
func ChannelTypes() []string {
	return []string{"email", "webhook", "slack", "teams", "discord", "telegram", "pagerduty", "opsgenie", "ntfy", "pushover", "gotify", "matrix"}
}

// channelKeys are the keys each type takes besides id and type; the
// required ones come first, required[type] of them.
var channelKeys = map[string][]string{
	"email":     {"to"},
	"webhook":   {"url", "secret", "headers"},
	"slack":     {"url"},
	"teams":     {"url"},
	"discord":   {"url", "username"},
	"telegram":  {"bot_token", "chat_id"},
	"pagerduty": {"routing_key"},
	"opsgenie":  {"api_key", "region"},
	"ntfy":      {"url", "topic", "token", "username", "password"},
	"pushover":  {"token", "user", "device"},
	"gotify":    {"url", "token"},
	"matrix":    {"homeserver", "room_id", "access_token"},
}

var channelRequired = map[string]int{
	"email": 1, "webhook": 1, "slack": 1, "teams": 1, "discord": 1, "telegram": 2, "pagerduty": 1,
	"opsgenie": 1, "ntfy": 2, "pushover": 2, "gotify": 2, "matrix": 3,
}

var channelExamples = map[string]string{
	"to": "[oncall@example.com]", "url": "https://hooks.example.com/…", "bot_token": "${TELEGRAM_BOT_TOKEN}",
	"chat_id": "\"-1001234567890\"", "routing_key": "${PAGERDUTY_ROUTING_KEY}", "api_key": "${OPSGENIE_API_KEY}",
	"topic": "ops-alerts", "token": "${TOKEN}", "user": "${PUSHOVER_USER_KEY}",
	"homeserver": "https://matrix.example.org", "room_id": "\"!abcdef:example.org\"", "access_token": "${MATRIX_TOKEN}",
}

var (
	routingKeyForm = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)
	botTokenForm   = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)
	chatIDForm     = regexp.MustCompile(`^(-?[0-9]+|@[A-Za-z][A-Za-z0-9_]{4,})$`)
	pushoverForm   = regexp.MustCompile(`^[A-Za-z0-9]{30}$`)
	roomIDForm     = regexp.MustCompile(`^![^:]+:.+$`)
)

func smtpSection() *section {
	return &section{
		Path: "smtp",
		Doc:  "The mail server that `email` channels and subscriber mail are sent through.",
		Fields: []field{
			{Key: "host", Kind: kindString, Required: true, Example: "smtp.example.com", Doc: "Host name of the server."},
			{Key: "port", Kind: kindInt, DefaultDoc: "587 for `starttls`, 465 for `tls`, 25 for `none`", Min: "1", Max: "65535", Doc: "TCP port."},
			{Key: "username", Kind: kindString, Doc: "User to authenticate as (AUTH PLAIN, or LOGIN when the server offers only that). Leave out for a relay that needs no login."},
			{Key: "password", Kind: kindString, Example: "${SMTP_PASSWORD}", Doc: "Password of `username`. Keep it out of the file with `${VAR}`."},
			{Key: "from", Kind: kindString, Required: true, Example: "\"Example status <status@example.com>\"", Doc: "Sender of every mail: an address, optionally with a name."},
			{Key: "tls", Kind: kindEnum, Enum: []string{"starttls", "tls", "none"}, Default: "starttls",
				Doc: "`starttls` connects in plain text and requires the server to switch to TLS (a server that does not offer it is an error, never a silent downgrade); `tls` speaks TLS from the start (port 465); `none` sends in clear text, for a relay on the same machine."},
			{Key: "ca_file", Kind: kindString, Doc: "PEM file of extra certificate authorities to trust, e.g. a private CA. Relative to this file's directory."},
		},
	}
}

func channelsSection() *section {
	of := func(types ...string) string { return " (" + strings.Join(types, ", ") + ")" }
	return &section{
		Path: "channels[]",
		Doc: "Each entry of `channels` is a way to reach staff, referred to by routes, escalation policies and schedules. " +
			"Which keys a channel takes depends on its type, shown after each key; a key of another type is an error.",
		Fields: []field{
			{Key: "id", Kind: kindString, Required: true, Example: "oncall-email", Doc: "Unique identifier, in the same form as a monitor id."},
			{Key: "type", Kind: kindEnum, Enum: ChannelTypes(), Required: true, Example: "email", Doc: "What kind of channel this is."},
			{Key: "to", Kind: kindStrings, Doc: "Addresses to mail" + of("email", "required") + ". Needs the top-level `smtp`."},
			{Key: "url", Kind: kindString, Doc: "The http or https URL" + of("webhook, slack, teams, discord", "required") +
				": for `slack` an incoming webhook, for `teams` a Workflows \"when a webhook request is received\" URL (the retired Office 365 connector URLs no longer work), for `discord` a channel webhook. " +
				"For `ntfy` and `gotify` the server's address, e.g. `https://ntfy.sh` (required)."},
			{Key: "secret", Kind: kindString, Example: "${HOOK_SECRET}", Doc: "Signs each request with HMAC-SHA256 (`Sitrep-Signature`); see docs/webhooks.md" + of("webhook") + "."},
			{Key: "headers", Kind: kindStringMap, Doc: "Extra request headers, e.g. `{Authorization: \"Bearer ${TOKEN}\"}`" + of("webhook") + "."},
			{Key: "username", Kind: kindString, Doc: "Name the messages are posted under" + of("discord") + "; user for basic authentication" + of("ntfy") + "."},
			{Key: "password", Kind: kindString, Doc: "Password for basic authentication" + of("ntfy") + "."},
			{Key: "bot_token", Kind: kindString, Doc: "Token of the bot from @BotFather, `123456:ABC…`" + of("telegram", "required") + "."},
			{Key: "chat_id", Kind: kindString, Doc: "Chat to post to: a number (groups are negative; quote it) or `@channelname`" + of("telegram", "required") + ". The bot must be a member."},
			{Key: "routing_key", Kind: kindString, Doc: "The 32-character integration key of an Events API v2 integration" + of("pagerduty", "required") + "."},
			{Key: "api_key", Kind: kindString, Doc: "Key of an API integration" + of("opsgenie", "required") + "."},
			{Key: "region", Kind: kindEnum, Enum: []string{"us", "eu"}, DefaultDoc: "`us`", Doc: "Opsgenie region of the account: `us` (api.opsgenie.com) or `eu` (api.eu.opsgenie.com)" + of("opsgenie") + "."},
			{Key: "topic", Kind: kindString, Doc: "Topic to publish to" + of("ntfy", "required") + "."},
			{Key: "token", Kind: kindString, Doc: "Access token" + of("ntfy") + "; application API token" + of("pushover", "gotify", "required") + "."},
			{Key: "user", Kind: kindString, Doc: "User or group key" + of("pushover", "required") + "."},
			{Key: "device", Kind: kindString, Doc: "Send to this device only" + of("pushover") + "."},
			{Key: "homeserver", Kind: kindString, Doc: "The homeserver's client URL, e.g. `https://matrix.example.org`" + of("matrix", "required") + "."},
			{Key: "room_id", Kind: kindString, Doc: "Room id `!…:server` (not an alias `#…`; see Settings → Advanced in Element)" + of("matrix", "required") + ". The user must have joined it."},
			{Key: "access_token", Kind: kindString, Doc: "Access token of the (bot) user that posts" + of("matrix", "required") + "."},
		},
	}
}

// smtp builds the smtp section, nil when it is absent.
func (d *decoder) smtp(top *values) *SMTPConfig {
	if !top.has("smtp") {
		return nil
	}
	v := top.sub("smtp")
	c := &SMTPConfig{
		Host: v.str("host"), Port: v.integer("port"), Username: v.str("username"), Password: v.str("password"),
		From: v.str("from"), TLS: v.str("tls"), CAFile: d.path(v.str("ca_file")),
	}
	if c.Port == 0 {
		c.Port = map[string]int{"starttls": 587, "tls": 465, "none": 25}[c.TLS]
	}
	if v.has("host") && (strings.TrimSpace(c.Host) == "" || strings.ContainsAny(c.Host, "/: ")) {
		d.p.at(v.at("host"), "host: %q is not a host name; write the port under port, e.g. host: smtp.example.com", c.Host)
	}
	if v.has("from") {
		if _, err := mail.ParseAddress(c.From); err != nil {
			d.p.at(v.at("from"), "from: %q is not a mail address; write e.g. \"Example status <status@example.com>\"", c.From)
		}
	}
	switch {
	case v.has("password") && c.Username == "":
		d.p.at(v.at("password"), "password: is set without username; add username, or remove password for a relay that needs no login")
	case v.has("username") && c.Password == "":
		d.p.at(v.at("password"), "password: username %q needs a password (an empty ${VAR}?)", c.Username)
	}
	return c
}

// channels builds the declared channels; bad entries are reported and left
// out. It returns every id written, for reference checks.
func (d *decoder) channels(items []*values, smtp *SMTPConfig) ([]ChannelConfig, []string) {
	var out []ChannelConfig
	var ids []string
	seen := map[string]*yaml.Node{}
	for _, v := range items {
		before := len(d.p.list)
		c := ChannelConfig{ID: v.str("id"), Type: v.str("type")}
		if v.has("id") {
			ids = append(ids, c.ID)
			if msg := checkLabel(c.ID); msg != "" {
				d.p.at(v.at("id"), "id: %s", msg)
			} else if first, dup := seen[c.ID]; dup {
				d.p.at(v.at("id"), "id: channel %q is already declared at %s; ids must be unique", c.ID, d.p.pos(first))
			} else {
				seen[c.ID] = v.at("id")
			}
		}
		if keys, ok := channelKeys[c.Type]; ok {
			d.channelKeys(v, c.Type, keys)
			d.channel(v, &c, smtp)
		}
		if len(d.p.list) == before {
			out = append(out, c)
		}
	}
	return out, ids
}

// channelKeys reports keys of other types and missing required keys.
func (d *decoder) channelKeys(v *values, typ string, keys []string) {
	for _, f := range channelsSection().Fields {
		k := f.Key
		if k == "id" || k == "type" || !v.has(k) || slices.Contains(keys, k) {
			continue
		}
		hint := "they take " + strings.Join(keys, ", ")
		if s := didYouMean(k, keys); s != "" {
			hint = "did you mean " + s + "?"
		}
		d.p.at(v.m[k].key, "unknown key %q for %s channels; %s", k, typ, hint)
	}
	for _, k := range keys[:channelRequired[typ]] {
		if !v.has(k) {
			d.p.at(v.node, "missing required key %s for %s channels, e.g. %s: %s", k, typ, k, channelExamples[k])
		} else if s, ok := v.m[k].val.(string); ok && strings.TrimSpace(s) == "" {
			d.p.at(v.at(k), "%s: is empty (an unset ${VAR}?)", k)
		}
	}
}

// channel reads and checks the keys of c's type.
func (d *decoder) channel(v *values, c *ChannelConfig, smtp *SMTPConfig) {
	c.To, c.URL, c.Secret, c.Headers = v.strs("to"), v.str("url"), v.str("secret"), v.strMap("headers")
	c.Username, c.Password = v.str("username"), v.str("password")
	c.BotToken, c.ChatID, c.RoutingKey = v.str("bot_token"), v.str("chat_id"), v.str("routing_key")
	c.APIKey, c.Region, c.Topic = v.str("api_key"), v.str("region"), v.str("topic")
	c.Token, c.User, c.Device = v.str("token"), v.str("user"), v.str("device")
	c.Homeserver, c.RoomID, c.AccessToken = v.str("homeserver"), v.str("room_id"), v.str("access_token")
	bad := func(key, format string, args ...any) { d.p.at(v.at(key), key+": "+format, args...) }
	httpURL := func(key, u string) {
		if msg := checkChannelURL(u); u != "" && msg != "" {
			bad(key, "%s", msg)
		}
	}
	switch c.Type {
	case "email":
		if smtp == nil {
			bad("type", "email channels need the top-level smtp section, e.g. smtp: {host: smtp.example.com, from: \"Status <status@example.com>\"}")
		}
		if v.has("to") && len(c.To) == 0 {
			bad("to", "must list at least one address")
		}
		for i, a := range c.To {
			if _, err := mail.ParseAddress(a); err != nil {
				d.p.at(v.listItems("to")[i], "to: %q is not a mail address, e.g. oncall@example.com", a)
			}
		}
	case "webhook", "slack", "teams", "discord", "ntfy", "gotify":
		httpURL("url", c.URL)
	case "telegram":
		if c.BotToken != "" && !botTokenForm.MatchString(c.BotToken) {
			bad("bot_token", "does not look like a bot token (digits, a colon, then letters), as @BotFather gives it")
		}
		if c.ChatID != "" && !chatIDForm.MatchString(c.ChatID) {
			bad("chat_id", "%q is neither a chat number (e.g. \"-1001234567890\") nor @channelname", c.ChatID)
		}
	case "pagerduty":
		if c.RoutingKey != "" && !routingKeyForm.MatchString(c.RoutingKey) {
			bad("routing_key", "must be the 32 letters and digits of an Events API v2 integration key, got %d characters", len(c.RoutingKey))
		}
	case "opsgenie":
		if c.Region == "" {
			c.Region = "us"
		}
	case "pushover":
		for _, k := range []string{"token", "user"} {
			if s := v.str(k); s != "" && !pushoverForm.MatchString(s) {
				bad(k, "must be 30 letters and digits, got %d characters", len(s))
			}
		}
	case "matrix":
		httpURL("homeserver", c.Homeserver)
		if c.RoomID != "" && !roomIDForm.MatchString(c.RoomID) {
			bad("room_id", "%q is not a room id like \"!abcdef:example.org\"; an alias (#room:server) will not do", c.RoomID)
		}
	}
}

// checkChannelURL returns what is wrong with u as an http(s) URL, or "",
// without repeating the secret part of the URL.
func checkChannelURL(u string) string {
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Hostname() == "" {
		return fmt.Sprintf("%q is not an http or https URL with a host, e.g. https://hooks.example.com/…", redactURL(u))
	}
	return ""
}

// redactURL hides what follows the host: webhook URLs carry secrets, and
// messages end up in logs.
func redactURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		if len(u) > 12 {
			return u[:12] + "…"
		}
		return u
	}
	host, _, cut := strings.Cut(rest, "/")
	if cut {
		return scheme + "://" + host + "/…"
	}
	return u
}
