package app

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"

	"sitrep"
	"sitrep/internal/config"
	"sitrep/internal/notify/discord"
	"sitrep/internal/notify/email"
	"sitrep/internal/notify/gotify"
	"sitrep/internal/notify/matrix"
	"sitrep/internal/notify/ntfy"
	"sitrep/internal/notify/opsgenie"
	"sitrep/internal/notify/pagerduty"
	"sitrep/internal/notify/pushover"
	"sitrep/internal/notify/slack"
	"sitrep/internal/notify/teams"
	"sitrep/internal/notify/telegram"
	"sitrep/internal/notify/webhook"
)

// channelSenders builds one sitrep.Sender per declared channel, by channel
// id. Close the returned closers (email connection pools) on shutdown;
// they are returned even when an error stops the building part-way.
func channelSenders(smtp *config.SMTPConfig, channels []config.ChannelConfig) (map[string]sitrep.Sender, []io.Closer, error) {
	senders := make(map[string]sitrep.Sender, len(channels))
	var closers []io.Closer
	for _, c := range channels {
		s, err := channelSender(smtp, c)
		if err != nil {
			return nil, closers, fmt.Errorf("channel %s: %w", c.ID, err)
		}
		if cl, ok := s.(io.Closer); ok {
			closers = append(closers, cl)
		}
		senders[c.ID] = s
	}
	return senders, closers, nil
}

// channelSender maps one channel's configuration onto its adapter.
func channelSender(smtp *config.SMTPConfig, c config.ChannelConfig) (sitrep.Sender, error) {
	switch c.Type {
	case "email":
		return emailSender(smtp, c.To)
	case "webhook":
		return webhook.New(webhook.Options{URL: c.URL, Secret: c.Secret, Headers: c.Headers})
	case "slack":
		return slack.New(slack.Options{URL: c.URL})
	case "teams":
		return teams.New(teams.Options{URL: c.URL})
	case "discord":
		return discord.New(discord.Options{URL: c.URL, Username: c.Username})
	case "telegram":
		return telegram.New(telegram.Options{BotToken: c.BotToken, ChatID: c.ChatID})
	case "pagerduty":
		return pagerduty.New(pagerduty.Options{RoutingKey: c.RoutingKey})
	case "opsgenie":
		return opsgenie.New(opsgenie.Options{APIKey: c.APIKey, Region: c.Region})
	case "ntfy":
		return ntfy.New(ntfy.Options{URL: c.URL, Topic: c.Topic, Token: c.Token, Username: c.Username, Password: c.Password})
	case "pushover":
		return pushover.New(pushover.Options{Token: c.Token, User: c.User, Device: c.Device})
	case "gotify":
		return gotify.New(gotify.Options{URL: c.URL, Token: c.Token})
	case "matrix":
		return matrix.New(matrix.Options{Homeserver: c.Homeserver, RoomID: c.RoomID, AccessToken: c.AccessToken})
	}
	return nil, fmt.Errorf("unknown channel type %q", c.Type)
}

// emailSender returns a mail sender through the smtp section: for an email
// channel with its recipients, or with no recipients for subscriber mail
// (each Send names the address).
func emailSender(smtp *config.SMTPConfig, to []string) (*email.Sender, error) {
	if smtp == nil {
		return nil, errors.New("email needs the smtp section")
	}
	var tlsConfig *tls.Config
	if smtp.CAFile != "" {
		pem, err := os.ReadFile(smtp.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read smtp ca_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("smtp ca_file %s holds no PEM certificate", smtp.CAFile)
		}
		tlsConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return email.New(email.Options{
		Host: smtp.Host, Port: smtp.Port, Username: smtp.Username, Password: smtp.Password,
		From: smtp.From, Security: email.Security(smtp.TLS), TLSConfig: tlsConfig, To: to,
	})
}
