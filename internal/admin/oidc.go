package admin

import (
	"net/http"

	"sitrep"
)

// oidcCookie carries the sealed sign-in flow (state, nonce, PKCE verifier)
// while the browser is at the identity provider. It is scoped to the two
// OIDC paths and lives as long as the provider's flow may take.
const (
	oidcCookie    = "sitrep_oidc"
	oidcCookieAge = 10 * 60
)

func (u *UI) setOIDCCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	// SameSite=Lax (not Strict): the provider's redirect back is a
	// cross-site top-level navigation, which must bring the cookie along.
	http.SetCookie(w, &http.Cookie{
		Name: oidcCookie, Value: value, Path: "/login/oidc", MaxAge: maxAge,
		HttpOnly: true, Secure: u.secureCookies(r), SameSite: http.SameSiteLaxMode,
	})
}

// handleOIDCStart sends the browser to the identity provider.
func (u *UI) handleOIDCStart(w http.ResponseWriter, r *http.Request) {
	if u.session(r) != nil {
		http.Redirect(w, r, "/admin/", http.StatusSeeOther)
		return
	}
	next := safeNext(r.URL.Query().Get("next"))
	to, flow, err := u.idp.Begin(r.Context(), next)
	if err != nil {
		u.logger.WarnContext(r.Context(), "single sign-on: start", "err", err)
		u.oidcFailed(w, r, next, err)
		return
	}
	u.setOIDCCookie(w, r, flow, oidcCookieAge)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// handleOIDCCallback is where the provider sends the browser back. Each
// failure shows the sign-in page with what went wrong; a failure after
// the flow was started in this browser is audited, as is everything the
// account service decides.
func (u *UI) handleOIDCCallback(w http.ResponseWriter, r *http.Request) {
	flow := ""
	if c, err := r.Cookie(oidcCookie); err == nil {
		flow = c.Value
	}
	// The flow is single-use whatever happens next.
	u.setOIDCCookie(w, r, "", -1)
	id, next, err := u.idp.Finish(r.Context(), flow, r.URL.Query())
	if err != nil {
		u.logger.WarnContext(r.Context(), "single sign-on refused", "err", err)
		if flow != "" {
			// Without a flow cookie this is a stray or forged request with
			// nobody behind it to record.
			u.auditAnon(r, "user.login_refused", "single sign-on: "+sitrep.ErrorMessage(err))
		}
		u.oidcFailed(w, r, "/admin/", err)
		return
	}
	next = safeNext(next)
	res, err := u.accounts.LoginExternal(r.Context(), *id, clientIP(r))
	if err != nil {
		if sitrep.ErrorCode(err) == sitrep.EINTERNAL {
			u.logger.ErrorContext(r.Context(), "single sign-on", "err", err)
		}
		u.oidcFailed(w, r, next, err)
		return
	}
	u.signedIn(w, r, res, next)
}

// oidcFailed shows the sign-in page with the reason; the password form
// stays usable beside it.
func (u *UI) oidcFailed(w http.ResponseWriter, r *http.Request, next string, err error) {
	v := u.newView(nil, "Sign in", "", loginData{Pre: u.preToken(w, r), Next: next})
	v.Error = "Single sign-on failed: " + errorText(err)
	status := sitrep.HTTPStatus(sitrep.ErrorCode(err))
	u.render(w, r, status, "login", v)
}

// auditAnon records what happened to someone not signed in.
func (u *UI) auditAnon(r *http.Request, action, detail string) {
	err := u.accounts.Audit(r.Context(), sitrep.AuditEntry{At: u.now(), Actor: "anonymous", Action: action, Detail: detail, IP: clientIP(r)})
	if err != nil {
		u.logger.ErrorContext(r.Context(), "write audit entry", "action", action, "err", err)
	}
}
