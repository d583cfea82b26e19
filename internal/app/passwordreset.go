package app

import (
	"context"
	"fmt"

	"sitrep"
	"sitrep/internal/config"
)

// sendPasswordReset mails a one-time reset link through the configured SMTP
// server. Without one the admin UI tells people to ask an administrator,
// who can run `sitrep user reset-password`.
func (a *App) sendPasswordReset(ctx context.Context, email, token string) error {
	cfg := a.Config()
	if cfg.SMTP == nil {
		return sitrep.Errorf(sitrep.EUNAVAILABLE, "no smtp server is configured to send reset links; ask an administrator to run sitrep user reset-password")
	}
	return sendResetMail(ctx, cfg, cfg.BaseURL(a.ln.Addr().String()), email, token)
}

func sendResetMail(ctx context.Context, cfg *config.Config, base, email, token string) error {
	sender, err := emailSender(cfg.SMTP, nil)
	if err != nil {
		return fmt.Errorf("reset mail: %w", err)
	}
	defer sender.Close()
	link := base + "/reset/" + token
	return sender.Send(ctx, email, sitrep.Message{
		Kind:  "account.password_reset",
		Title: "Reset your sitrep password",
		Text: "Someone asked to reset the password of this sitrep account.\n\n" +
			"To choose a new password, open this link within an hour:\n\n  " + link + "\n\n" +
			"If it was not you, ignore this message: your password stays as it is.\n",
		// The Message-ID derives from this; it must not carry the token.
		IdempotencyKey: "reset-" + hashToken(token)[:16],
	})
}
