package config

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseChannels(t *testing.T) {
	src := `smtp: {host: smtp.example.com, username: status, password: "${SMTP_PASSWORD}", from: "Example status <status@example.com>", ca_file: ca.pem}
channels:
  - {id: oncall-email, type: email, to: [oncall@example.com, "Boss <boss@example.com>"]}
  - {id: ops-hook, type: webhook, url: "https://ops.example.com/hooks/sitrep", secret: "${HOOK_SECRET}", headers: {X-Team: ops}}
  - {id: chat, type: slack, url: "https://hooks.slack.com/services/T0/B0/x"}
  - {id: teams, type: teams, url: "https://prod.westeurope.logic.azure.com/workflows/abc"}
  - {id: disc, type: discord, url: "https://discord.com/api/webhooks/1/x", username: Status}
  - {id: tg, type: telegram, bot_token: "123456:ABC-def_1", chat_id: "-1001234567890"}
  - {id: pager, type: pagerduty, routing_key: "${PD_KEY}"}
  - {id: genie, type: opsgenie, api_key: k, region: eu}
  - {id: genie-us, type: opsgenie, api_key: k}
  - {id: push, type: ntfy, url: "https://ntfy.sh", topic: ops, token: tk}
  - {id: po, type: pushover, token: azGDORePK8gMaC0QOYAMyEEuzJnyUi, user: uQiRzpo4DXghDmr9QzzfQu27cmVRsG, device: phone}
  - {id: got, type: gotify, url: "https://gotify.example.com", token: AWH4YbVkPVr0m1T}
  - {id: mx, type: matrix, homeserver: "https://matrix.example.org", room_id: "!abc:example.org", access_token: syt}
`
	cfg, err := parseEnv(src, map[string]string{"SMTP_PASSWORD": "pw", "HOOK_SECRET": "hs", "PD_KEY": "0123456789abcdef0123456789ABCDEF"})
	if err != nil {
		t.Fatal(err)
	}
	wantSMTP := &SMTPConfig{Host: "smtp.example.com", Port: 587, Username: "status", Password: "pw",
		From: "Example status <status@example.com>", TLS: "starttls", CAFile: filepath.Join(filepath.Dir(cfg.Path), "ca.pem")}
	if abs, _ := filepath.Abs(wantSMTP.CAFile); abs != "" {
		wantSMTP.CAFile = abs
	}
	if !reflect.DeepEqual(cfg.SMTP, wantSMTP) {
		t.Errorf("smtp = %+v\nwant %+v", cfg.SMTP, wantSMTP)
	}
	want := []ChannelConfig{
		{ID: "oncall-email", Type: "email", To: []string{"oncall@example.com", "Boss <boss@example.com>"}},
		{ID: "ops-hook", Type: "webhook", URL: "https://ops.example.com/hooks/sitrep", Secret: "hs", Headers: map[string]string{"X-Team": "ops"}},
		{ID: "chat", Type: "slack", URL: "https://hooks.slack.com/services/T0/B0/x"},
		{ID: "teams", Type: "teams", URL: "https://prod.westeurope.logic.azure.com/workflows/abc"},
		{ID: "disc", Type: "discord", URL: "https://discord.com/api/webhooks/1/x", Username: "Status"},
		{ID: "tg", Type: "telegram", BotToken: "123456:ABC-def_1", ChatID: "-1001234567890"},
		{ID: "pager", Type: "pagerduty", RoutingKey: "0123456789abcdef0123456789ABCDEF"},
		{ID: "genie", Type: "opsgenie", APIKey: "k", Region: "eu"},
		{ID: "genie-us", Type: "opsgenie", APIKey: "k", Region: "us"},
		{ID: "push", Type: "ntfy", URL: "https://ntfy.sh", Topic: "ops", Token: "tk"},
		{ID: "po", Type: "pushover", Token: "azGDORePK8gMaC0QOYAMyEEuzJnyUi", User: "uQiRzpo4DXghDmr9QzzfQu27cmVRsG", Device: "phone"},
		{ID: "got", Type: "gotify", URL: "https://gotify.example.com", Token: "AWH4YbVkPVr0m1T"},
		{ID: "mx", Type: "matrix", Homeserver: "https://matrix.example.org", RoomID: "!abc:example.org", AccessToken: "syt"},
	}
	if !reflect.DeepEqual(cfg.Channels, want) {
		t.Errorf("channels:\n%+v\nwant\n%+v", cfg.Channels, want)
	}
	for _, tc := range []struct{ tls, port string }{{"tls", "465"}, {"none", "25"}} {
		cfg, err := parseEnv("smtp: {host: h, from: a@b.c, tls: "+tc.tls+"}\n", nil)
		if err != nil || cfg.SMTP.Port != map[string]int{"465": 465, "25": 25}[tc.port] {
			t.Errorf("tls %s: %+v %v", tc.tls, cfg, err)
		}
	}
	if cfg, err := parseEnv("location: x\n", nil); err != nil || cfg.SMTP != nil || cfg.Channels != nil {
		t.Errorf("no channels: %+v %v", cfg, err)
	}
}

func TestChannelErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		env  map[string]string
		want []string
	}{
		{
			name: "smtp",
			src:  "smtp: {host: \"smtp.example.com:587\", from: nobody, password: x, tls: ssl}\n",
			want: []string{
				`sitrep.yaml:1:14: host: "smtp.example.com:587" is not a host name; write the port under port, e.g. host: smtp.example.com`,
				`sitrep.yaml:1:44: from: "nobody" is not a mail address; write e.g. "Example status <status@example.com>"`,
				`sitrep.yaml:1:62: password: is set without username; add username, or remove password for a relay that needs no login`,
				`sitrep.yaml:1:70: tls: unknown value "ssl"; valid: starttls, tls, none`,
			},
		},
		{
			name: "types and keys",
			src: `channels:
  - {id: a, type: emial, to: [x@example.com]}
  - {id: b, type: email, to: [not-an-address], routing_key: x}
  - {id: c, type: slack, urll: "https://x"}
  - {id: c, type: webhook, url: "ftp://files.example.com/secret/path", secret: ""}
  - {id: e, type: pagerduty, routing_key: "${PD}"}
  - {id: f, type: telegram, bot_token: nope, chat_id: "my chat"}
  - {id: g, type: matrix, homeserver: "https://m.example.org", room_id: "#ops:example.org"}
  - {id: h, type: opsgenie, api_key: k, region: asia}
  - {id: i, type: pushover, token: short, user: uQiRzpo4DXghDmr9QzzfQu27cmVRsG}
  - {id: j, type: ntfy, url: "https://ntfy.sh"}
  - {id: K, type: gotify, url: "https://g.example.com", token: t, topic: x}
`,
			env: map[string]string{"PD": "tooshort"},
			want: []string{
				`sitrep.yaml:2:19: type: unknown value "emial"; valid: email, webhook, slack, teams, discord, telegram, pagerduty, opsgenie, ntfy, pushover, gotify, matrix`,
				`sitrep.yaml:3:19: type: email channels need the top-level smtp section, e.g. smtp: {host: smtp.example.com, from: "Status <status@example.com>"}`,
				`sitrep.yaml:3:31: to: "not-an-address" is not a mail address, e.g. oncall@example.com`,
				`sitrep.yaml:3:48: unknown key "routing_key" for email channels; they take to`,
				`sitrep.yaml:4:5: missing required key url for slack channels, e.g. url: https://hooks.example.com/…`,
				`sitrep.yaml:4:26: unknown key "urll" in channels; did you mean url?`,
				`sitrep.yaml:5:10: id: channel "c" is already declared at sitrep.yaml:4:10; ids must be unique`,
				`sitrep.yaml:5:33: url: "ftp://files.example.com/…" is not an http or https URL with a host, e.g. https://hooks.example.com/…`,
				`sitrep.yaml:6:43: routing_key: must be the 32 letters and digits of an Events API v2 integration key, got 8 characters`,
				`sitrep.yaml:7:40: bot_token: does not look like a bot token (digits, a colon, then letters), as @BotFather gives it`,
				`sitrep.yaml:7:55: chat_id: "my chat" is neither a chat number (e.g. "-1001234567890") nor @channelname`,
				`sitrep.yaml:8:5: missing required key access_token for matrix channels, e.g. access_token: ${MATRIX_TOKEN}`,
				`sitrep.yaml:8:73: room_id: "#ops:example.org" is not a room id like "!abcdef:example.org"; an alias (#room:server) will not do`,
				`sitrep.yaml:9:49: region: unknown value "asia"; valid: us, eu`,
				`sitrep.yaml:10:36: token: must be 30 letters and digits, got 5 characters`,
				`sitrep.yaml:11:5: missing required key topic for ntfy channels, e.g. topic: ops-alerts`,
				`sitrep.yaml:12:10: id: must start with a lower-case letter or digit`,
				`sitrep.yaml:12:67: unknown key "topic" for gotify channels; they take url, token`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseEnv(tt.src, tt.env)
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("err = %v", err)
			}
			var got []string
			for _, e := range errs.List {
				got = append(got, e.Error())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
