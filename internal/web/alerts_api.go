package web

import (
	"html/template"
	"net/http"
	"strings"
	"time"

	"sitrep"
)

// alertRoutes serves staff alerting: the signed acknowledgement link and
// the alerts and on-call API.
type alertRoutes struct {
	s    *Server
	svc  sitrep.AlertService
	api  *recordsAPI
	tmpl *template.Template
}

// registerAlerts adds the alert routes when Options.Alerts is set.
func (s *Server) registerAlerts(mux *routeMux, opts Options) {
	if opts.Alerts == nil {
		return
	}
	ar := &alertRoutes{s: s, svc: opts.Alerts, tmpl: mustAckTemplate(),
		api: &recordsAPI{s: s, auth: opts.Auth, cop: http.NewCrossOriginProtection()}}
	ar.api.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeErrorJSON(w, http.StatusForbidden, sitrep.EFORBIDDEN,
			"cross-origin request refused: writes are accepted from this site or from API clients only", "")
	}))
	ar.api.handle(mux, "GET /api/v1/alerts", false, ar.list)
	ar.api.handle(mux, "GET /api/v1/alerts/{id}", false, ar.get)
	ar.api.handle(mux, "POST /api/v1/alerts/{id}/ack", true, ar.ack)
	ar.api.handle(mux, "GET /api/v1/oncall", false, ar.onCall)
	// The signed token is the credential, so the link works from a phone
	// with no session; acknowledging needs a POST, which a link preview or
	// a mail scanner fetching the GET does not send.
	mux.HandleFunc("GET /ack/{token}", ar.ackPage)
	mux.HandleFunc("POST /ack/{token}", ar.ackPost)
}

// alertJSON is an alert as the API shows it.
type alertJSON struct {
	ID             string     `json:"id"`
	State          string     `json:"state"`
	Severity       string     `json:"severity"`
	Summary        string     `json:"summary"`
	Level          int        `json:"level"`
	Monitors       []string   `json:"monitors"`
	Components     []string   `json:"components"`
	Route          string     `json:"route"`
	Policy         string     `json:"policy,omitempty"`
	Key            string     `json:"key"`
	TriggeredAt    time.Time  `json:"triggered_at"`
	LastNotifiedAt time.Time  `json:"last_notified_at"`
	AckedAt        *time.Time `json:"acked_at,omitempty"`
	AckedBy        string     `json:"acked_by,omitempty"`
	ResolvedAt     *time.Time `json:"resolved_at,omitempty"`
}

func newAlertJSON(a sitrep.Alert) alertJSON {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		u := t.UTC()
		return &u
	}
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	return alertJSON{
		ID: a.ID, State: string(a.State), Severity: string(a.Severity), Summary: a.Summary, Level: a.Level,
		Monitors: nonNil(a.MonitorIDs), Components: nonNil(a.ComponentIDs), Route: a.Route, Policy: a.Policy, Key: a.Key,
		TriggeredAt: a.TriggeredAt.UTC(), LastNotifiedAt: a.LastNotifiedAt.UTC(),
		AckedAt: opt(a.AckedAt), AckedBy: a.AckedBy, ResolvedAt: opt(a.ResolvedAt),
	}
}

func (ar *alertRoutes) list(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	f := sitrep.AlertFilter{OpenOnly: true}
	switch st := r.URL.Query().Get("state"); st {
	case "", "open":
	case "all":
		f.OpenOnly = false
	default:
		ar.api.fail(w, r, sitrep.FieldErrorf(sitrep.EINVALID, "state", "unknown state %q; use open (the default) or all", st))
		return
	}
	limit, offset, err := parseLimitCursor(r.URL.Query().Get, maxListLimit, maxListLimit)
	if err != nil {
		ar.api.fail(w, r, err)
		return
	}
	alerts, err := ar.svc.Alerts(r.Context(), f)
	if err != nil {
		ar.api.fail(w, r, err)
		return
	}
	alerts, next := pageOf(alerts, offset, limit)
	out := make([]alertJSON, len(alerts))
	for i, a := range alerts {
		out[i] = newAlertJSON(a)
	}
	ar.s.writeJSON(w, r, http.StatusOK, alertListJSON{Alerts: out, NextCursor: next})
}

func (ar *alertRoutes) get(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	a, err := ar.svc.Alert(r.Context(), r.PathValue("id"))
	ar.answer(w, r, a, err)
}

type ackBody struct {
	By string `json:"by"`
}

func (ar *alertRoutes) ack(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	var body ackBody
	if r.ContentLength != 0 {
		if err := decodeBody(w, r, &body); err != nil {
			ar.api.fail(w, r, err)
			return
		}
	}
	by := strings.TrimSpace(body.By)
	if by == "" {
		by = p.Name
	}
	a, err := ar.svc.Ack(r.Context(), r.PathValue("id"), by)
	ar.answer(w, r, a, err)
}

func (ar *alertRoutes) answer(w http.ResponseWriter, r *http.Request, a sitrep.Alert, err error) {
	if err != nil {
		if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
			err = sitrep.Errorf(sitrep.ENOTFOUND, "no alert %q; GET /api/v1/alerts?state=all lists them", r.PathValue("id"))
		}
		ar.api.fail(w, r, err)
		return
	}
	ar.s.writeJSON(w, r, http.StatusOK, newAlertJSON(a))
}

// onCallJSON is one person on call.
type onCallJSON struct {
	Schedule string    `json:"schedule"`
	Rotation string    `json:"rotation"`
	Member   string    `json:"member"`
	Channel  string    `json:"channel"`
	From     time.Time `json:"from"`
	Until    time.Time `json:"until"`
	Override bool      `json:"override"`
}

func (ar *alertRoutes) onCall(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	q := r.URL.Query()
	at := ar.s.now()
	if s := q.Get("at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			ar.api.fail(w, r, sitrep.FieldErrorf(sitrep.EINVALID, "at", "%q is not an RFC 3339 time like 2025-12-24T09:00:00Z", s))
			return
		}
		at = t
	}
	list, err := ar.svc.OnCall(r.Context(), q.Get("schedule"), at)
	if err != nil {
		ar.api.fail(w, r, err)
		return
	}
	out := make([]onCallJSON, len(list))
	for i, oc := range list {
		out[i] = onCallJSON{Schedule: oc.Schedule, Rotation: oc.Rotation, Member: oc.Member.Name, Channel: oc.Member.Channel,
			From: oc.From.UTC(), Until: oc.Until.UTC(), Override: oc.Override}
	}
	ar.s.writeJSON(w, r, http.StatusOK, onCallListJSON{At: at.UTC(), OnCall: out})
}
