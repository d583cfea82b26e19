package web

import (
	"net/http"

	"sitrep"
)

// serveAPIv2 serves the page's pre-rendered Statuspage-compatible documents.
// Anyone may read them from any origin, as from Statuspage itself: widgets
// on other sites fetch them.
func (s *Server) serveAPIv2(w http.ResponseWriter, r *http.Request, pr pageReq, name string) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	doc, ok := pr.snap.APIv2[name]
	if !ok {
		writeErrorJSON(w, http.StatusNotFound, sitrep.ENOTFOUND, "no document "+name+" under /api/v2/; try summary.json", "")
		return
	}
	s.serveCached(w, r, pr, "api/v2/"+name, func(pageReq) (string, []byte, error) {
		return contentTypeJSON, doc, nil
	})
}
