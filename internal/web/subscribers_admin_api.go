package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

// subscriberAdminJSON is a subscriber as staff see it. Secrets, tokens and
// their hashes never leave; chat and webhook URLs are credentials in
// themselves, so only their scheme and host are shown.
type subscriberAdminJSON struct {
	ID          string     `json:"id"`
	Page        string     `json:"page"`
	Kind        string     `json:"kind"`
	Address     string     `json:"address"`
	Components  []string   `json:"components"`
	Confirmed   bool       `json:"confirmed"`
	CreatedAt   time.Time  `json:"created_at"`
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
}

type subscriberAdminListJSON struct {
	Subscribers []subscriberAdminJSON `json:"subscribers"`
	Total       int                   `json:"total"`
	NextCursor  *string               `json:"next_cursor"`
}

// subscriberExportMax bounds one CSV export.
const subscriberExportMax = 1_000_000

func newSubscriberAdminJSON(s *sitrep.Subscriber) subscriberAdminJSON {
	comps := s.Components
	if comps == nil {
		comps = []string{}
	}
	return subscriberAdminJSON{ID: s.ID, Page: s.Page, Kind: string(s.Kind), Address: shownAddress(s),
		Components: comps, Confirmed: s.Confirmed, CreatedAt: s.CreatedAt, ConfirmedAt: optTime(s.ConfirmedAt)}
}

func shownAddress(s *sitrep.Subscriber) string {
	if s.Kind == sitrep.SubscriberEmail {
		return s.Address
	}
	u, err := url.Parse(s.Address)
	if err != nil || u.Host == "" {
		return "(hidden)"
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// subscriberFilter reads q, page, kind and confirmed.
func subscriberFilter(q url.Values) (sitrep.SubscriberFilter, error) {
	f := sitrep.SubscriberFilter{Search: strings.TrimSpace(q.Get("q")), Page: q.Get("page")}
	if k := sitrep.SubscriberKind(q.Get("kind")); k != "" {
		if !k.Valid() {
			return f, sitrep.FieldErrorf(sitrep.EINVALID, "kind", "unknown kind %q; valid: %s", k, kindNames())
		}
		f.Kind = k
	}
	if c := q.Get("confirmed"); c != "" {
		b, err := strconv.ParseBool(c)
		if err != nil {
			return f, sitrep.FieldErrorf(sitrep.EINVALID, "confirmed", "expected true or false, got %q", c)
		}
		f.Confirmed = &b
	}
	return f, nil
}

func kindNames() string {
	names := make([]string, len(sitrep.SubscriberKinds))
	for i, k := range sitrep.SubscriberKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

func (a *adminAPI) listSubscribers(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	q := r.URL.Query()
	f, err := subscriberFilter(q)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	limit, offset, err := parseLimitCursor(q.Get, defaultAdminLimit, maxAdminLimit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f.Limit, f.Offset = limit, offset
	subs, total, err := a.subs.FindSubscribers(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := subscriberAdminListJSON{Subscribers: make([]subscriberAdminJSON, len(subs)), Total: total}
	for i, s := range subs {
		out.Subscribers[i] = newSubscriberAdminJSON(s)
	}
	if end := offset + len(subs); len(subs) > 0 && end < total {
		c := encodeCursor(end)
		out.NextCursor = &c
	}
	a.s.writeJSON(w, r, http.StatusOK, out)
}

func (a *adminAPI) deleteSubscriber(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	id := r.PathValue("id")
	s, err := a.subs.Subscriber(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.subs.DeleteSubscriber(r.Context(), id); err != nil {
		a.fail(w, r, err)
		return
	}
	a.audit(r.Context(), p, "subscriber.delete", "subscriber/"+id, fmt.Sprintf("%s %s on page %s", s.Kind, shownAddress(s), s.Page))
	w.WriteHeader(http.StatusNoContent)
}

// audit records a change this API made itself (the account service
// records its own). The change has happened, so a lost entry is logged
// rather than failing the request.
func (a *adminAPI) audit(ctx context.Context, p *sitrep.Principal, action, target, detail string) {
	if a.accounts == nil {
		return
	}
	e := sitrep.AuditEntry{At: a.s.now(), Actor: p.Name, Action: action, Target: target, Detail: detail,
		IP: sitrep.ClientIP(ctx)}
	if err := a.accounts.Audit(ctx, e); err != nil {
		a.s.logger.ErrorContext(ctx, "audit entry lost", "action", action, "target", target, "err", err)
	}
}

// subscribersCSV exports every subscriber the filter selects, newest first.
func (a *adminAPI) subscribersCSV(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	f, err := subscriberFilter(r.URL.Query())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rows := [][]string{{"id", "page", "kind", "address", "components", "confirmed", "created_at", "confirmed_at"}}
	const batch = 1000
	for f.Offset = 0; f.Offset < subscriberExportMax; f.Offset += batch {
		f.Limit = batch
		subs, _, err := a.subs.FindSubscribers(r.Context(), f)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		for _, s := range subs {
			confirmedAt := ""
			if !s.ConfirmedAt.IsZero() {
				confirmedAt = s.ConfirmedAt.UTC().Format(time.RFC3339)
			}
			rows = append(rows, []string{s.ID, s.Page, string(s.Kind), shownAddress(s), strings.Join(s.Components, " "),
				strconv.FormatBool(s.Confirmed), s.CreatedAt.UTC().Format(time.RFC3339), confirmedAt})
		}
		if len(subs) < batch {
			break
		}
	}
	a.writeCSV(w, r, "sitrep-subscribers.csv", rows)
}
