package admin

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"

	"sitrep"
)

const (
	sessionCookie = "sitrep_session"
	// preCookie carries a random value that forms shown before sign-in
	// (login, second factor, setup) echo in a hidden field: those forms have
	// no session to bind a CSRF token to yet.
	preCookie = "sitrep_pre"
	csrfField = "csrf"
	// maxFormBytes bounds what a form may send; a postmortem is the longest.
	maxFormBytes = 1 << 20
)

// sessionHandler is a page handler that runs for a signed-in session.
type sessionHandler func(w http.ResponseWriter, r *http.Request, s *sitrep.Session)

func (u *UI) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: u.secureCookies(r), SameSite: http.SameSiteLaxMode,
	})
}

// secureCookies reports whether cookies set in answer to r are marked
// Secure: always when sitrep is known to be served over HTTPS, and also
// whenever this request came over TLS, directly or through a trusted
// TLS-terminating proxy, so that a session token is never sent in clear.
func (u *UI) secureCookies(r *http.Request) bool {
	return u.secure || r.TLS != nil || sitrep.ViaHTTPS(r.Context())
}

// session returns the signed-in session of the request, or nil.
func (u *UI) session(r *http.Request) *sitrep.Session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	s, err := u.accounts.Session(r.Context(), c.Value)
	if err != nil {
		if sitrep.ErrorCode(err) != sitrep.EUNAUTHORIZED {
			u.logger.ErrorContext(r.Context(), "look up session", "err", err)
		}
		return nil
	}
	return s
}

// read wraps a page that needs a signed-in session; without one the browser
// is sent to sign in and brought back afterwards.
func (u *UI) read(h sessionHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := u.session(r)
		if s == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r, s)
	}
}

// write wraps a state-changing request. It passes the cross-origin check
// and the session's CSRF token, and, when needsWrite, the principal's role;
// each failure is a 403 page. Both checks are made because
// CrossOriginProtection lets requests without Origin or Sec-Fetch-Site
// through (old browsers, proxies that strip them), and the token does not.
func (u *UI) write(h sessionHandler, needsWrite bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := u.cop.Check(r); err != nil {
			u.fail(w, r, nil, sitrep.Errorf(sitrep.EFORBIDDEN, "this form was sent from another site; open the page again and resend it"))
			return
		}
		s := u.session(r)
		if s == nil {
			u.fail(w, r, nil, sitrep.Errorf(sitrep.EUNAUTHORIZED, "your session has ended; sign in again"))
			return
		}
		if !sameToken(r.PostFormValue(csrfField), s.CSRFToken) {
			u.fail(w, r, s, sitrep.Errorf(sitrep.EFORBIDDEN, "the form's security token is missing or out of date; open the page again and resend it"))
			return
		}
		if needsWrite && !s.Principal.Can(true) {
			u.fail(w, r, s, sitrep.Errorf(sitrep.EFORBIDDEN, "your role (%s) may look but not change anything", s.Principal.Role))
			return
		}
		h(w, r, s)
	}
}

// guardAnon protects the forms shown before sign-in with the cross-origin
// check and the pre-session double-submit value.
func (u *UI) guardAnon(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := u.cop.Check(r); err != nil {
			u.fail(w, r, nil, sitrep.Errorf(sitrep.EFORBIDDEN, "this form was sent from another site; open the page again and resend it"))
			return
		}
		c, err := r.Cookie(preCookie)
		if err != nil || !sameToken(r.PostFormValue(csrfField), c.Value) {
			u.fail(w, r, nil, sitrep.Errorf(sitrep.EFORBIDDEN, "the form's security token is missing or out of date; open the page again and resend it"))
			return
		}
		h(w, r)
	}
}

// preToken returns the pre-session value for a form, setting the cookie
// when the browser has none yet.
func (u *UI) preToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	v := u.newToken()
	u.setCookie(w, r, preCookie, v, 0)
	return v
}

func sameToken(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// clientIP is the peer address; the app puts a trusted proxy's answer in
// RemoteAddr before the UI sees the request, if there is one.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// safeNext keeps a post-login redirect on this site and under /admin/, so
// the login form cannot be used to bounce people elsewhere.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || len(next) < 7 || next[:7] != "/admin/" {
		return "/admin/"
	}
	return u.RequestURI()
}
