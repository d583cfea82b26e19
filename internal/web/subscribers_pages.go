package web

import (
	"net/http"
	"strings"

	"sitrep"
)

// subView is what templates/subscribers.html renders: one small page per
// step (form, check your inbox, confirm, manage, unsubscribed, a message).
type subView struct {
	View    string // "form", "manage", "confirm", "unsubscribe", "message"
	Name    string // page name for the header and title
	Home    string // the status page
	CSS     string
	Heading string
	Text    string
	// Action is where the form posts; Components are offered with Chosen
	// ticked (none ticked = whole page).
	Action     string
	Address    string
	Components []subComponent
	Error      string
}

type subComponent struct {
	ID, Name, Group string
	Chosen          bool
}

func (sr *subscriberRoutes) render(w http.ResponseWriter, r *http.Request, status int, v subView) {
	v.CSS = sr.css
	if v.Name == "" {
		v.Name = "Status"
	}
	if v.Home == "" {
		v.Home = "/"
	}
	var bw appendWriter
	if err := sr.s.pages.ExecuteTemplate(&bw, "subscribers.html", v); err != nil {
		sr.s.logger.ErrorContext(r.Context(), "render subscription page", "view", v.View, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentTypeHTML)
	w.Header().Set("Cache-Control", "no-store")
	// Token pages must not leak their URL to the links on them.
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(bw) //nolint:errcheck // the client went away
	}
}

func (sr *subscriberRoutes) message(w http.ResponseWriter, r *http.Request, status int, slug, heading, text string) {
	v := subView{View: "message", Heading: heading, Text: text}
	sr.brand(r, slug, &v)
	sr.render(w, r, status, v)
}

// brand names the page in the header when it is known.
func (sr *subscriberRoutes) brand(r *http.Request, slug string, v *subView) {
	p, _, err := sr.svc.PageOffers(r.Context(), slug)
	if err != nil {
		return
	}
	v.Name = p.Branding.Name
	if v.Name == "" {
		v.Name = p.Title
	}
	if slug != "" {
		v.Home = "/" + p.Slug + "/"
	}
}

func (sr *subscriberRoutes) failed(w http.ResponseWriter, r *http.Request, slug string, err error) {
	code := sitrep.ErrorCode(err)
	if code == sitrep.EINTERNAL {
		sr.s.logger.ErrorContext(r.Context(), "subscription", "path", r.URL.Path, "err", err)
	}
	sr.message(w, r, sitrep.HTTPStatus(code), slug, "Something went wrong", sitrep.ErrorMessage(err))
}

// pageOf resolves the form's page: by custom domain or slug, behind the
// page's password when it has one.
func (sr *subscriberRoutes) pageOf(w http.ResponseWriter, r *http.Request) (sitrep.Page, []sitrep.Component, bool) {
	slug := r.PathValue("slug")
	if sr.s.pub != nil {
		snap, err := sr.s.pub.svc.PageFor(r.Context(), r.Host, slug)
		if err != nil {
			sr.s.pageError(w, r, err)
			return sitrep.Page{}, nil, false
		}
		if snap.Page.PasswordProtected && !sr.s.pageUnlocked(w, r, snap) {
			return sitrep.Page{}, nil, false
		}
		slug = snap.Page.Slug
	}
	p, comps, err := sr.svc.PageOffers(r.Context(), slug)
	if err != nil {
		sr.failed(w, r, "", err)
		return sitrep.Page{}, nil, false
	}
	return p, comps, true
}

func (sr *subscriberRoutes) formView(r *http.Request, p sitrep.Page, comps []sitrep.Component, chosen []string) subView {
	v := subView{View: "form", Heading: "Subscribe to updates", Action: r.URL.Path}
	sr.brand(r, p.Slug, &v)
	if r.PathValue("slug") == "" {
		v.Home = "/"
	}
	v.Components = offer(comps, chosen)
	return v
}

func offer(comps []sitrep.Component, chosen []string) []subComponent {
	out := make([]subComponent, len(comps))
	for i, c := range comps {
		out[i] = subComponent{ID: c.ID, Name: c.Name, Group: c.Group}
		for _, ch := range chosen {
			if ch == c.ID {
				out[i].Chosen = true
			}
		}
	}
	return out
}

// formPage is GET /subscribe and /{slug}/subscribe: the full form with the
// choice of components.
func (sr *subscriberRoutes) formPage(w http.ResponseWriter, r *http.Request) {
	p, comps, ok := sr.pageOf(w, r)
	if !ok {
		return
	}
	sr.render(w, r, http.StatusOK, sr.formView(r, p, comps, nil))
}

// formPost takes the form (from the status page or the full form) and
// answers "check your inbox" whatever became of the address.
func (sr *subscriberRoutes) formPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, subscribeBodyLimit)
	if err := r.ParseForm(); err != nil {
		sr.message(w, r, http.StatusBadRequest, "", "Could not read the form", "Please go back and try again.")
		return
	}
	p, comps, ok := sr.pageOf(w, r)
	if !ok {
		return
	}
	email := r.PostForm.Get("email")
	if !sr.throttle(w, r, p.Slug, email, false) {
		return
	}
	chosen := r.PostForm["component"]
	_, err := sr.svc.Subscribe(r.Context(), sitrep.SubscribeInput{Page: p.Slug, Email: email, Kind: sitrep.SubscriberEmail, Components: chosen})
	if sitrep.ErrorCode(err) == sitrep.EINVALID {
		v := sr.formView(r, p, comps, chosen)
		v.Address, v.Error = email, sitrep.ErrorMessage(err)
		sr.render(w, r, http.StatusBadRequest, v)
		return
	}
	if err != nil {
		sr.failed(w, r, p.Slug, err)
		return
	}
	sr.message(w, r, http.StatusOK, p.Slug, "Check your inbox",
		"If "+email+" can be subscribed, a message with a confirmation link is on its way. The link works for 48 hours; nothing is sent until it is opened.")
}

// confirmPage shows a button rather than confirming: mail scanners open
// links by themselves, and a confirmation must be a person's act.
func (sr *subscriberRoutes) confirmPage(w http.ResponseWriter, r *http.Request) {
	sr.render(w, r, http.StatusOK, subView{View: "confirm", Heading: "Confirm your subscription", Action: r.URL.Path})
}

func (sr *subscriberRoutes) confirmPost(w http.ResponseWriter, r *http.Request) {
	prefs, err := sr.svc.Confirm(r.Context(), r.PathValue("token"))
	if err != nil {
		sr.failed(w, r, "", err)
		return
	}
	sr.message(w, r, http.StatusOK, prefs.Page, "Subscription confirmed",
		"You will receive updates at "+prefs.Address+". Every message has links to choose components or unsubscribe.")
}

func (sr *subscriberRoutes) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	prefs, err := sr.svc.Preferences(r.Context(), r.PathValue("token"))
	if err != nil {
		sr.failed(w, r, "", err)
		return
	}
	v := subView{View: "unsubscribe", Heading: "Unsubscribe", Action: r.URL.Path, Address: prefs.Address}
	sr.brand(r, prefs.Page, &v)
	sr.render(w, r, http.StatusOK, v)
}

// unsubscribePost is the one-click unsubscribe (RFC 8058) and the button on
// the page. A link already used answers success too: the outcome the
// person wanted holds.
func (sr *subscriberRoutes) unsubscribePost(w http.ResponseWriter, r *http.Request) {
	err := sr.svc.Unsubscribe(r.Context(), r.PathValue("token"))
	if err != nil && sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		sr.failed(w, r, "", err)
		return
	}
	sr.message(w, r, http.StatusOK, "", "Unsubscribed", "You will not receive any more updates from this status page.")
}

func (sr *subscriberRoutes) managePage(w http.ResponseWriter, r *http.Request) {
	prefs, err := sr.svc.Preferences(r.Context(), r.PathValue("token"))
	if err != nil {
		sr.failed(w, r, "", err)
		return
	}
	sr.render(w, r, http.StatusOK, sr.manageView(r, prefs, ""))
}

func (sr *subscriberRoutes) manageView(r *http.Request, prefs sitrep.SubscriberPreferences, note string) subView {
	v := subView{View: "manage", Heading: "Your subscription", Action: r.URL.Path, Address: prefs.Address,
		Components: offer(prefs.Available, prefs.Components), Text: note}
	sr.brand(r, prefs.Page, &v)
	return v
}

func (sr *subscriberRoutes) managePost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, subscribeBodyLimit)
	if err := r.ParseForm(); err != nil {
		sr.message(w, r, http.StatusBadRequest, "", "Could not read the form", "Please go back and try again.")
		return
	}
	token := r.PathValue("token")
	if strings.EqualFold(r.PostForm.Get("action"), "unsubscribe") {
		sr.unsubscribePost(w, r)
		return
	}
	prefs, err := sr.svc.SetComponents(r.Context(), token, r.PostForm["component"])
	if err != nil {
		sr.failed(w, r, "", err)
		return
	}
	sr.render(w, r, http.StatusOK, sr.manageView(r, prefs, "Saved."))
}
