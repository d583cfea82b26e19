package web

import (
	"encoding/json"
	"net/http"
)

type healthJSON struct {
	Status   string   `json:"status"`
	Storage  string   `json:"storage"`
	Error    string   `json:"error,omitempty"`
	Disk     diskJSON `json:"disk"`
	Monitors int      `json:"monitors"`
	Version  string   `json:"version,omitempty"`
}

type diskJSON struct {
	Bytes  int64 `json:"bytes"`
	Budget int64 `json:"budget"`
	Free   int64 `json:"free"`
	Low    bool  `json:"low"`
}

// handleHealth reports whether sitrep can do its job: 200 while storage takes
// writes (degraded when disk is low, since results are then being dropped),
// 503 when it does not, so a load balancer or orchestrator can act on it.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	h := s.health.Health(r.Context())
	body := healthJSON{
		Status:  "ok",
		Storage: "writable",
		Disk: diskJSON{
			Bytes:  h.Usage.Bytes,
			Budget: h.Usage.Budget,
			Free:   h.Usage.DiskFree,
			Low:    h.Usage.LowDisk,
		},
		Monitors: h.Monitors,
		Version:  s.version,
	}
	status := http.StatusOK
	switch {
	case h.Storage != nil:
		status = http.StatusServiceUnavailable
		body.Status = "unavailable"
		body.Storage = "unwritable"
		// The reason is the point of this endpoint for whoever is paged.
		body.Error = h.Storage.Error()
	case h.Usage.LowDisk:
		body.Status = "degraded"
	}
	b, err := json.Marshal(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentTypeJSON)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(append(b, '\n')) //nolint:errcheck // the client went away
	}
}
