package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sitrep/internal/config"
)

func TestChannelSenders(t *testing.T) {
	smtp := &config.SMTPConfig{Host: "smtp.example.com", Port: 587, From: "Status <status@example.com>", TLS: "starttls"}
	channels := []config.ChannelConfig{
		{ID: "mail", Type: "email", To: []string{"oncall@example.com"}},
		{ID: "hook", Type: "webhook", URL: "https://ops.example.com/h", Secret: "s"},
		{ID: "slack", Type: "slack", URL: "https://hooks.slack.com/services/x"},
		{ID: "teams", Type: "teams", URL: "https://example.logic.azure.com/workflows/x"},
		{ID: "discord", Type: "discord", URL: "https://discord.com/api/webhooks/1/x"},
		{ID: "tg", Type: "telegram", BotToken: "1:a", ChatID: "-1"},
		{ID: "pd", Type: "pagerduty", RoutingKey: "0123456789abcdef0123456789abcdef"},
		{ID: "og", Type: "opsgenie", APIKey: "k", Region: "eu"},
		{ID: "ntfy", Type: "ntfy", URL: "https://ntfy.sh", Topic: "t"},
		{ID: "po", Type: "pushover", Token: "t", User: "u"},
		{ID: "gotify", Type: "gotify", URL: "https://g.example.com", Token: "t"},
		{ID: "mx", Type: "matrix", Homeserver: "https://m.example.org", RoomID: "!r:m", AccessToken: "t"},
	}
	senders, closers, err := channelSenders(smtp, channels)
	if err != nil {
		t.Fatal(err)
	}
	if len(closers) != 1 {
		t.Errorf("%d closers, want the email sender's", len(closers))
	}
	for _, c := range channels {
		t.Run(c.ID, func(t *testing.T) {
			got := fmt.Sprintf("%T", senders[c.ID])
			want := "*" + c.Type + ".Sender"
			if got != want {
				t.Errorf("%s: %s, want %s", c.ID, got, want)
			}
		})
	}
}

func TestEmailSenderCAFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pem")
	if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		smtp *config.SMTPConfig
		want string
	}{
		{"no smtp", nil, "needs the smtp section"},
		{"missing ca file", &config.SMTPConfig{Host: "h", From: "a@b.c", CAFile: filepath.Join(dir, "none.pem")}, "read smtp ca_file"},
		{"ca file without certificate", &config.SMTPConfig{Host: "h", From: "a@b.c", CAFile: bad}, "holds no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := emailSender(tt.smtp, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
