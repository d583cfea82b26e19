package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

// subscriberRoutes serve subscriptions: the public API, the form on every
// status page and the pages behind the links in every message.
type subscriberRoutes struct {
	s   *Server
	svc sitrep.SubscriberService
	cop *http.CrossOriginProtection
	css string
	// perIP and perAddress throttle sign-ups: a client cannot flood the
	// form, and nobody can flood one mailbox with confirmation requests.
	perIP, perAddress *limiter
}

// Sign-up limits: a burst of 5 then one a minute per client, a burst of 2
// then one per 15 minutes per address; each map holds at most 50,000 keys.
const (
	ipBurst, ipEvery     = 5, time.Minute
	addrBurst, addrEvery = 2, 15 * time.Minute
	limiterKeys          = 50000
	subscribeBodyLimit   = 16 << 10
)

// registerSubscribers adds the subscription routes when the service is set.
// "/{slug}/subscribe" is routed by handlePage: a mux pattern for it would
// conflict with the "/api/" catch-all.
func (s *Server) registerSubscribers(mux *routeMux, opts Options) {
	if opts.Subscribers == nil {
		return
	}
	sr := &subscriberRoutes{
		s: s, svc: opts.Subscribers, cop: http.NewCrossOriginProtection(),
		css:   versionedStatic(s.static, "page.css"),
		perIP: newLimiter(ipBurst, ipEvery, limiterKeys), perAddress: newLimiter(addrBurst, addrEvery, limiterKeys),
	}
	sr.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sr.message(w, r, http.StatusForbidden, "", "Request refused", "This form only accepts submissions from its own status page.")
	}))
	s.subs = sr
	// The form exists only with subscriptions: the page template's
	// placeholder is replaced by the real form.
	if _, err := s.pages.AddParseTree("subscribe_form", s.pages.Lookup("subscribe_form_on").Tree); err != nil {
		panic("web: subscribe form template: " + err.Error())
	}
	mux.HandleFunc("POST /api/v1/subscribers", sr.apiSubscribe)
	mux.HandleFunc("GET /subscribe", sr.formPage)
	mux.Handle("POST /subscribe", sr.cop.Handler(http.HandlerFunc(sr.formPost)))
	mux.HandleFunc("GET /confirm/{token}", sr.confirmPage)
	mux.HandleFunc("POST /confirm/{token}", sr.confirmPost)
	mux.HandleFunc("GET /unsubscribe/{token}", sr.unsubscribePage)
	// RFC 8058 one-click: mail clients POST without cookies or Origin; the
	// token in the path is the credential, so no CSRF check applies.
	mux.HandleFunc("POST /unsubscribe/{token}", sr.unsubscribePost)
	mux.HandleFunc("GET /manage/{token}", sr.managePage)
	mux.Handle("POST /manage/{token}", sr.cop.Handler(http.HandlerFunc(sr.managePost)))
}

// pageSubscribe serves /{slug}/subscribe for handlePage; false when
// subscriptions are off.
func (s *Server) pageSubscribe(w http.ResponseWriter, r *http.Request, slug string) bool {
	if s.subs == nil {
		return false
	}
	r.SetPathValue("slug", slug)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s.subs.formPage(w, r)
	case http.MethodPost:
		s.subs.cop.Handler(http.HandlerFunc(s.subs.formPost)).ServeHTTP(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
	return true
}

// throttle applies the per-client and per-address limits; false when the
// request was answered with 429.
func (sr *subscriberRoutes) throttle(w http.ResponseWriter, r *http.Request, page, address string, api bool) bool {
	now := sr.s.now()
	ok, wait := sr.perIP.allow(clientKey(r.RemoteAddr), now)
	if ok && address != "" {
		ok, wait = sr.perAddress.allow(page+"\x00"+strings.ToLower(strings.TrimSpace(address)), now)
	}
	if ok {
		return true
	}
	secs := int(wait/time.Second) + 1
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	msg := "Too many subscription requests; try again in " + strconv.Itoa(secs) + " seconds."
	if api {
		writeErrorJSON(w, http.StatusTooManyRequests, "rate_limited", msg, "")
	} else {
		sr.message(w, r, http.StatusTooManyRequests, page, "Please wait", msg)
	}
	return false
}
