package subscribe

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"sitrep"
)

// Subscribe signs someone up. Email goes through double opt-in: the answer
// is "check your inbox" whether the address was new, pending or already
// confirmed, so the form tells nobody who is subscribed. Webhook and chat
// subscribers are active at once.
func (s *Service) Subscribe(ctx context.Context, in sitrep.SubscribeInput) (sitrep.SubscribeResult, error) {
	p, err := s.cat.Load().page(in.Page)
	if err != nil {
		return sitrep.SubscribeResult{}, err
	}
	comps, err := p.checkComponents(in.Components)
	if err != nil {
		return sitrep.SubscribeResult{}, err
	}
	switch {
	case in.Email != "" && in.URL != "":
		return sitrep.SubscribeResult{}, sitrep.Errorf(sitrep.EINVALID, "give either an email address or a webhook URL, not both")
	case in.Email != "" || in.Kind == sitrep.SubscriberEmail:
		return s.subscribeEmail(ctx, p.Slug, in.Email, comps)
	case in.URL != "":
		return s.subscribeURL(ctx, p.Slug, in.URL, in.Kind, comps)
	}
	return sitrep.SubscribeResult{}, sitrep.Errorf(sitrep.EINVALID, "give an email address (email) or a webhook URL (webhook)")
}

func (s *Service) subscribeEmail(ctx context.Context, page, email string, comps []string) (sitrep.SubscribeResult, error) {
	addr, err := normalizeEmail(email)
	if err != nil {
		return sitrep.SubscribeResult{}, err
	}
	pending := sitrep.SubscribeResult{Pending: true}
	existing, err := s.store.SubscriberByAddress(ctx, page, sitrep.SubscriberEmail, addr)
	switch sitrep.ErrorCode(err) {
	case sitrep.ENOTFOUND:
		now := s.now()
		sub := &sitrep.Subscriber{
			ID: newSubscriberID(), Page: page, Kind: sitrep.SubscriberEmail, Address: addr, Components: comps,
			CreatedAt: now,
		}
		sub.ManageHash = hashToken(s.manageToken(sub.ID))
		s.requestConfirmation(sub, now)
		err := s.store.CreateSubscriber(ctx, sub)
		if sitrep.ErrorCode(err) == sitrep.ECONFLICT {
			// Someone signed the same address up a moment ago; their
			// confirmation is on its way.
			return pending, nil
		}
		if err != nil {
			return sitrep.SubscribeResult{}, fmt.Errorf("subscribe: %w", err)
		}
		return pending, nil
	case "":
	default:
		return sitrep.SubscribeResult{}, fmt.Errorf("subscribe: %w", err)
	}
	if existing.Confirmed {
		// Saying so would reveal the subscription; the person already
		// has manage links in every message.
		return pending, nil
	}
	_, err = s.store.UpdateSubscriber(ctx, existing.ID, func(sub *sitrep.Subscriber) error {
		if sub.Confirmed {
			return nil
		}
		sub.Components = comps
		s.requestConfirmation(sub, s.now())
		return nil
	})
	if err != nil {
		return sitrep.SubscribeResult{}, fmt.Errorf("subscribe: %w", err)
	}
	return pending, nil
}

// requestConfirmation gives sub a fresh confirmation link and the event
// that mails it; the store writes both in one transaction.
func (s *Service) requestConfirmation(sub *sitrep.Subscriber, now time.Time) {
	sub.ConfirmRequestedAt = now.Truncate(time.Millisecond) // stored in ms; the token must match after a read
	sub.ConfirmHash = hashToken(s.confirmToken(sub.ID, sub.ConfirmRequestedAt))
	sub.ConfirmExpires = sub.ConfirmRequestedAt.Add(sitrep.ConfirmTTL)
	sub.Events = []sitrep.Event{{
		ID: newSubscriberID(), Kind: sitrep.EventSubscriberConfirm, At: now,
		OrderKey: sitrep.SubscriberOrderKey(sub.ID),
	}}
}

func (s *Service) subscribeURL(ctx context.Context, page, raw string, kind sitrep.SubscriberKind, comps []string) (sitrep.SubscribeResult, error) {
	addr, kind, err := s.checkURL(raw, kind)
	if err != nil {
		return sitrep.SubscribeResult{}, err
	}
	now := s.now()
	sub := &sitrep.Subscriber{
		ID: newSubscriberID(), Page: page, Kind: kind, Address: addr, Components: comps,
		Confirmed: true, CreatedAt: now, ConfirmedAt: now,
	}
	if kind == sitrep.SubscriberWebhook {
		sub.Secret = randomHex(32)
	}
	token := s.manageToken(sub.ID)
	sub.ManageHash = hashToken(token)
	if err := s.store.CreateSubscriber(ctx, sub); err != nil {
		if sitrep.ErrorCode(err) == sitrep.ECONFLICT {
			// Never hand out the existing subscriber's secret or links.
			return sitrep.SubscribeResult{}, sitrep.FieldErrorf(sitrep.ECONFLICT, "webhook",
				"this URL is subscribed to page %q already; use the manage link of that subscription", page)
		}
		return sitrep.SubscribeResult{}, fmt.Errorf("subscribe: %w", err)
	}
	return sitrep.SubscribeResult{ID: sub.ID, Secret: sub.Secret, ManageToken: token}, nil
}

var errBadLink = sitrep.Errorf(sitrep.ENOTFOUND, "this link is not valid (any more); subscribe again from the status page")

// Confirm confirms an email subscription.
func (s *Service) Confirm(ctx context.Context, token string) (sitrep.SubscriberPreferences, error) {
	if !plausibleToken(token) {
		return sitrep.SubscriberPreferences{}, errBadLink
	}
	sub, err := s.store.ConfirmSubscriber(ctx, hashToken(token), s.now())
	if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
		return sitrep.SubscriberPreferences{}, errBadLink
	}
	if err != nil {
		return sitrep.SubscriberPreferences{}, fmt.Errorf("confirm subscription: %w", err)
	}
	return s.preferences(sub), nil
}

func (s *Service) byToken(ctx context.Context, token string) (*sitrep.Subscriber, error) {
	if !plausibleToken(token) {
		return nil, errBadLink
	}
	sub, err := s.store.SubscriberByManageToken(ctx, hashToken(token))
	if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
		return nil, errBadLink
	}
	if err != nil {
		return nil, fmt.Errorf("find subscription: %w", err)
	}
	return sub, nil
}

// Unsubscribe removes the subscription; an unknown or used link answers
// ENOTFOUND, which one-click clients may ignore.
func (s *Service) Unsubscribe(ctx context.Context, token string) error {
	sub, err := s.byToken(ctx, token)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSubscriber(ctx, sub.ID); err != nil {
		if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
			return errBadLink
		}
		return fmt.Errorf("unsubscribe: %w", err)
	}
	return nil
}

// Preferences returns what the manage page shows.
func (s *Service) Preferences(ctx context.Context, token string) (sitrep.SubscriberPreferences, error) {
	sub, err := s.byToken(ctx, token)
	if err != nil {
		return sitrep.SubscriberPreferences{}, err
	}
	return s.preferences(sub), nil
}

// SetComponents changes what the subscriber hears about. Managing a
// pending email subscription from its link also confirms nothing: only the
// confirmation link does.
func (s *Service) SetComponents(ctx context.Context, token string, components []string) (sitrep.SubscriberPreferences, error) {
	sub, err := s.byToken(ctx, token)
	if err != nil {
		return sitrep.SubscriberPreferences{}, err
	}
	p, err := s.cat.Load().page(sub.Page)
	if err != nil {
		return sitrep.SubscriberPreferences{}, err
	}
	comps, err := p.checkComponents(components)
	if err != nil {
		return sitrep.SubscriberPreferences{}, err
	}
	sub, err = s.store.UpdateSubscriber(ctx, sub.ID, func(sub *sitrep.Subscriber) error {
		sub.Components = comps
		return nil
	})
	if err != nil {
		return sitrep.SubscriberPreferences{}, fmt.Errorf("change subscription: %w", err)
	}
	return s.preferences(sub), nil
}

// PageOffers returns the page and the components one can choose on it.
func (s *Service) PageOffers(ctx context.Context, slug string) (sitrep.Page, []sitrep.Component, error) {
	cat := s.cat.Load()
	if slug == "" && len(cat.order) > 0 {
		slug = cat.order[0].Slug
	}
	p, err := cat.page(slug)
	if err != nil {
		return sitrep.Page{}, nil, err
	}
	return p.Page, componentsOf(p), nil
}

func componentsOf(p *pageInfo) []sitrep.Component {
	out := make([]sitrep.Component, len(p.comps))
	for i, c := range p.comps {
		out[i] = *c
	}
	return out
}

func (s *Service) preferences(sub *sitrep.Subscriber) sitrep.SubscriberPreferences {
	prefs := sitrep.SubscriberPreferences{Page: sub.Page, Kind: sub.Kind, Address: displayAddress(sub), Components: sub.Components}
	if p, err := s.cat.Load().page(sub.Page); err == nil {
		prefs.Available = componentsOf(p)
	}
	return prefs
}

// displayAddress hides the secret part of webhook URLs (the path of a
// Slack or Discord hook is its credential).
func displayAddress(sub *sitrep.Subscriber) string {
	if sub.Kind == sitrep.SubscriberEmail {
		return sub.Address
	}
	if u, err := url.Parse(sub.Address); err == nil {
		return u.Scheme + "://" + u.Host + "/…"
	}
	return "(webhook)"
}

// WebhookSecret returns the HMAC secret of a webhook subscriber, for the
// webhook sender to sign deliveries with.
func (s *Service) WebhookSecret(ctx context.Context, subscriberID string) (string, error) {
	sub, err := s.store.Subscriber(ctx, subscriberID)
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	return sub.Secret, nil
}

// Cleanup forgets email sign-ups whose confirmation link expired, so an
// address someone else typed in does not stay on file; run it now and then
// (hourly is plenty).
func (s *Service) Cleanup(ctx context.Context) (int, error) {
	n, err := s.store.DeleteExpiredPending(ctx, s.now())
	if err != nil {
		return 0, fmt.Errorf("clean up expired sign-ups: %w", err)
	}
	return n, nil
}
