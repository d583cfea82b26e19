package web

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"

	"sitrep"
)

// ackTemplate is the page behind an alert's signed link. It is parsed at
// start (mustAckTemplate), so a broken template stops the server starting.
const ackTemplate = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{.Heading}} · sitrep</title></head>
<body><main style="max-width:36rem;margin:2rem auto;padding:0 1rem;font-family:system-ui,sans-serif">
<h1>{{.Heading}}</h1>
{{with .Alert}}<p><strong>{{.Summary}}</strong></p>
<dl><dt>State</dt><dd>{{.State}}</dd><dt>Triggered</dt><dd>{{.TriggeredAt.UTC.Format "2006-01-02 15:04 MST"}}</dd>
{{if .AckedBy}}<dt>Acknowledged by</dt><dd>{{.AckedBy}}</dd>{{end}}</dl>{{end}}
{{with .Text}}<p>{{.}}</p>{{end}}
{{if .Form}}<form method="post"><p><label for="by">Your name</label><br>
<input id="by" name="by" autocomplete="name" maxlength="100"></p>
<p><button type="submit">Acknowledge</button></p></form>{{end}}
</main></body></html>`

type ackView struct {
	Heading string
	Text    string
	Alert   *sitrep.Alert
	Form    bool
}

func mustAckTemplate() *template.Template {
	return template.Must(template.New("ack").Parse(ackTemplate))
}

// ackPage shows what the link acknowledges and asks for a POST: fetching a
// link (a mail scanner, a chat preview) must not acknowledge anything.
func (ar *alertRoutes) ackPage(w http.ResponseWriter, r *http.Request) {
	a, err := ar.svc.AlertForToken(r.Context(), r.PathValue("token"))
	if err != nil {
		ar.ackFailed(w, r, err)
		return
	}
	v := ackView{Heading: "Acknowledge alert", Alert: &a, Form: a.State == sitrep.AlertTriggered}
	switch a.State {
	case sitrep.AlertAcknowledged:
		v.Heading = "Already acknowledged"
	case sitrep.AlertResolved:
		v.Heading, v.Text = "Alert resolved", "This alert is resolved; there is nothing to acknowledge."
	}
	ar.renderAck(w, http.StatusOK, v)
}

func (ar *alertRoutes) ackPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	by := "ack link"
	if err := r.ParseForm(); err == nil {
		if name := strings.TrimSpace(r.PostForm.Get("by")); name != "" {
			by = name
		}
	}
	if len(by) > 100 {
		by = by[:100]
	}
	a, err := ar.svc.AckToken(r.Context(), r.PathValue("token"), by)
	if err != nil {
		ar.ackFailed(w, r, err)
		return
	}
	ar.renderAck(w, http.StatusOK, ackView{Heading: "Acknowledged", Alert: &a,
		Text: "Escalation and reminders have stopped. The alert resolves by itself when its monitors recover."})
}

func (ar *alertRoutes) ackFailed(w http.ResponseWriter, r *http.Request, err error) {
	code := sitrep.ErrorCode(err)
	if code == sitrep.EINTERNAL {
		ar.s.logger.ErrorContext(r.Context(), "acknowledge alert", "err", err)
	}
	ar.renderAck(w, sitrep.HTTPStatus(code), ackView{Heading: "Cannot acknowledge", Text: sitrep.ErrorMessage(err)})
}

func (ar *alertRoutes) renderAck(w http.ResponseWriter, status int, v ackView) {
	var buf bytes.Buffer
	if err := ar.tmpl.Execute(&buf, v); err != nil {
		ar.s.logger.Error("render ack page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// The token is in the path: keep it out of any Referer.
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
