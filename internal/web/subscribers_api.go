package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"sitrep"
)

type subscribeRequest struct {
	Page       string   `json:"page"`
	Email      string   `json:"email"`
	Webhook    string   `json:"webhook"`
	Kind       string   `json:"kind"`
	Components []string `json:"components"`
}

// apiSubscribe is POST /api/v1/subscribers: public, no token, throttled.
// Email answers 202 "check your inbox" whatever the address's state;
// webhook and chat subscribers get 201 with their secret and manage link,
// shown this once.
func (sr *subscriberRoutes) apiSubscribe(w http.ResponseWriter, r *http.Request) {
	var req subscribeRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, subscribeBodyLimit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeErrorJSON(w, http.StatusRequestEntityTooLarge, sitrep.EINVALID, "the body is larger than 16 KiB", "")
			return
		}
		sr.s.writeError(w, r, sitrep.Errorf(sitrep.EINVALID,
			`the body must be JSON like {"page": "main", "email": "name@example.com"} or {"page": "main", "webhook": "https://…"}: %v`, err))
		return
	}
	if req.Page == "" {
		sr.s.writeError(w, r, sitrep.FieldErrorf(sitrep.EINVALID, "page", "is required: the slug of the status page, e.g. main"))
		return
	}
	if err := sr.checkPage(r, req.Page); err != nil {
		sr.s.writeError(w, r, err)
		return
	}
	address := req.Email
	if address == "" {
		address = req.Webhook
	}
	if !sr.throttle(w, r, req.Page, address, true) {
		return
	}
	res, err := sr.svc.Subscribe(r.Context(), sitrep.SubscribeInput{
		Page: req.Page, Email: req.Email, URL: req.Webhook, Kind: sitrep.SubscriberKind(req.Kind), Components: req.Components,
	})
	if err != nil {
		sr.s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", contentTypeJSON)
	var body any
	if res.Pending {
		w.WriteHeader(http.StatusAccepted)
		body = map[string]string{"status": "pending",
			"message": "Check your inbox: if the address can be subscribed, a confirmation link is on its way."}
	} else {
		w.WriteHeader(http.StatusCreated)
		out := map[string]string{"status": "active", "id": res.ID,
			"manage_url": "/manage/" + res.ManageToken, "unsubscribe_url": "/unsubscribe/" + res.ManageToken}
		if res.Secret != "" {
			out["secret"] = res.Secret
		}
		body = out
	}
	json.NewEncoder(w).Encode(body) //nolint:errcheck // the client went away
}

// checkPage refuses unknown and password-protected pages: a protected
// page's subscribers sign up from the page itself, behind its password.
func (sr *subscriberRoutes) checkPage(r *http.Request, slug string) error {
	p, _, err := sr.svc.PageOffers(r.Context(), slug)
	if err != nil {
		return err
	}
	if p.PasswordProtected {
		return sitrep.FieldErrorf(sitrep.EFORBIDDEN, "page", "page %q is password protected; subscribe from the page itself", slug)
	}
	return nil
}
