package web

import (
	"net/http"
	"strings"

	"sitrep"
)

// pageUnlocked guards a password-protected page with HTTP Basic
// authentication: any user name, the page's password. Browsers show their
// own prompt and remember the answer for the session, and feed readers and
// scripts can pass it in the URL or a header, which a form-and-cookie
// sign-in would not allow. It writes the refusal itself and reports whether
// the request may proceed.
func (s *Server) pageUnlocked(w http.ResponseWriter, r *http.Request, snap *sitrep.StatusPage) bool {
	checker, ok := s.pub.svc.(sitrep.PagePasswordChecker)
	if !ok {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "This status page is password protected.", http.StatusUnauthorized)
		return false
	}
	if _, password, ok := r.BasicAuth(); ok && checker.CheckPagePassword(snap.Page.Slug, password) {
		// A protected page must not be kept by shared caches.
		w.Header().Set("Cache-Control", "private, no-cache")
		return true
	}
	realm := strings.NewReplacer(`"`, "", `\`, "").Replace(snap.Page.Title)
	w.Header().Set("WWW-Authenticate", `Basic realm="`+realm+`", charset="UTF-8"`)
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "This status page is password protected: sign in with any user name and the page's password.", http.StatusUnauthorized)
	return false
}
