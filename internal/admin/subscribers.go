package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

const (
	subscribersPerPage = 50
	// exportBatch is how many subscribers one store query reads while
	// exporting; the export streams, so memory stays flat.
	exportBatch = 500
)

type subscribersData struct {
	Q, Kind, Page, Confirmed string
	Kinds                    []sitrep.SubscriberKind
	Subscribers              []*sitrep.Subscriber
	Total                    int
	From, To                 int
	Prev, Next               string // URLs of the neighbour pages, "" at the ends
	Export                   string // query string of the export link
}

// subscriberFilter reads the search form; unknown values are refused with
// the field named rather than silently ignored.
func subscriberFilter(q url.Values) (sitrep.SubscriberFilter, error) {
	f := sitrep.SubscriberFilter{Search: strings.TrimSpace(q.Get("q")), Page: strings.TrimSpace(q.Get("page")),
		Kind: sitrep.SubscriberKind(q.Get("kind"))}
	if f.Kind != "" && !f.Kind.Valid() {
		return f, sitrep.FieldErrorf(sitrep.EINVALID, "kind", "unknown kind %q; valid: email, webhook, slack, teams, discord", f.Kind)
	}
	switch q.Get("confirmed") {
	case "":
	case "yes", "no":
		c := q.Get("confirmed") == "yes"
		f.Confirmed = &c
	default:
		return f, sitrep.FieldErrorf(sitrep.EINVALID, "confirmed", "use yes, no or nothing")
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, sitrep.FieldErrorf(sitrep.EINVALID, "offset", "%q is not a position in the list", v)
		}
		f.Offset = n
	}
	return f, nil
}

func (u *UI) handleSubscribers(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	q := r.URL.Query()
	d := subscribersData{Q: q.Get("q"), Kind: q.Get("kind"), Page: q.Get("page"), Confirmed: q.Get("confirmed"), Kinds: sitrep.SubscriberKinds}
	f, err := subscriberFilter(q)
	if err != nil {
		u.formFailed(w, r, s, "subscribers", "Subscribers", "subscribers", d, err)
		return
	}
	f.Limit = subscribersPerPage
	if d.Subscribers, d.Total, err = u.subs.FindSubscribers(r.Context(), f); err != nil {
		u.fail(w, r, s, err)
		return
	}
	keep := url.Values{}
	for _, k := range []string{"q", "kind", "page", "confirmed"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	// Whole URLs, not query strings: html/template escapes a value placed
	// after "?" as one query component, which turned "&" and "=" into %26 and %3d.
	d.Export = "/admin/subscribers.csv"
	if len(keep) > 0 {
		d.Export += "?" + keep.Encode()
	}
	if len(d.Subscribers) > 0 {
		d.From, d.To = f.Offset+1, f.Offset+len(d.Subscribers)
	}
	if f.Offset > 0 {
		keep.Set("offset", strconv.Itoa(max(0, f.Offset-subscribersPerPage)))
		d.Prev = "/admin/subscribers?" + keep.Encode()
	}
	if d.To < d.Total && len(d.Subscribers) > 0 {
		keep.Set("offset", strconv.Itoa(d.To))
		d.Next = "/admin/subscribers?" + keep.Encode()
	}
	v := u.newView(s, "Subscribers", "subscribers", d)
	switch q.Get("done") {
	case "removed":
		v.Notice = "The subscriber was removed."
	}
	u.render(w, r, http.StatusOK, "subscribers", v)
}

// handleSubscribersCSV exports every subscriber the search matches.
func (u *UI) handleSubscribersCSV(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	f, err := subscriberFilter(r.URL.Query())
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	f.Offset, f.Limit = 0, exportBatch
	// The first batch is read before anything is written, so a failing
	// store still gets a proper error page.
	batch, _, err := u.subs.FindSubscribers(r.Context(), f)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.audit(r, s, "subscriber.export", "subscribers", r.URL.RawQuery)
	c := newCSV(w, "subscribers-"+u.now().UTC().Format("20060102")+".csv",
		"id", "page", "kind", "address", "components", "confirmed", "created_at", "confirmed_at")
	for {
		for _, sub := range batch {
			c.row(sub.ID, sub.Page, string(sub.Kind), sub.Address, strings.Join(sub.Components, " "),
				strconv.FormatBool(sub.Confirmed), csvTime(sub.CreatedAt), csvTime(sub.ConfirmedAt))
		}
		if len(batch) < exportBatch {
			break
		}
		f.Offset += len(batch)
		if batch, _, err = u.subs.FindSubscribers(r.Context(), f); err != nil {
			// Too late for an error page: cut the file short and say so in the log.
			u.logger.ErrorContext(r.Context(), "export subscribers", "err", err)
			break
		}
	}
	if err := c.flush(); err != nil {
		u.logger.DebugContext(r.Context(), "write export", "err", err)
	}
}

func (u *UI) handleRemoveSubscriber(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	id := r.PathValue("id")
	sub, err := u.subs.Subscriber(r.Context(), id)
	if err == nil {
		err = u.subs.DeleteSubscriber(r.Context(), id)
	}
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.audit(r, s, "subscriber.remove", "subscriber/"+id, string(sub.Kind)+" "+sub.Page)
	http.Redirect(w, r, "/admin/subscribers?done=removed", http.StatusSeeOther)
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
