package admin

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"sitrep"
)

// alertPages are the alert views, with who looks at them.
var alertPages = []struct {
	name   string
	path   string
	email  string
	status int
}{
	{"alerts", "/admin/alerts", responderEmail, http.StatusOK},
	{"alerts_all", "/admin/alerts?state=all", responderEmail, http.StatusOK},
	{"alerts_resolved", "/admin/alerts?state=resolved", responderEmail, http.StatusOK},
	{"alerts_viewer", "/admin/alerts", viewerEmail, http.StatusOK},
	{"alerts_acked", "/admin/alerts?state=open&done=acked", responderEmail, http.StatusOK},
	{"alerts_bad_state", "/admin/alerts?state=firing", responderEmail, http.StatusBadRequest},
}

func TestAlertsGolden(t *testing.T) {
	e := newEnv(t, envOpts{})
	for _, tc := range alertPages {
		t.Run(tc.name, func(t *testing.T) {
			w := e.get(t, tc.path, tc.email)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			golden(t, tc.name, w.Body.Bytes())
		})
	}
	t.Run("alerts_off", func(t *testing.T) {
		bare := newEnv(t, envOpts{bare: true})
		w := bare.get(t, "/admin/alerts", responderEmail)
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
		golden(t, "alerts_off", w.Body.Bytes())
		if w := bare.post(t, "/admin/alerts/al-3/ack", responderEmail, nil, true); w.Code != http.StatusNotFound {
			t.Errorf("ack without alerting: status %d, want 404", w.Code)
		}
	})
}

// TestAlertsOrder: open alerts come first, firing before acknowledged;
// each view lists only its own; the acknowledge button is on firing rows
// only and only for roles that may acknowledge.
func TestAlertsOrder(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.alerts.alerts = append([]sitrep.Alert{{ID: "al-4", State: sitrep.AlertAcknowledged, Severity: sitrep.StateDown,
		TriggeredAt: testNow.Add(-time.Minute), AckedAt: testNow, AckedBy: adminEmail, Summary: "newest, acknowledged"}}, e.alerts.alerts...)
	cases := []struct {
		path, email string
		rows        []string
		buttons     []string
	}{
		{"/admin/alerts", responderEmail, []string{"al-3", "al-4", "al-2"}, []string{"al-3"}},
		{"/admin/alerts?state=all", adminEmail, []string{"al-3", "al-4", "al-2", "al-1"}, []string{"al-3"}},
		{"/admin/alerts?state=resolved", responderEmail, []string{"al-1"}, nil},
		{"/admin/alerts?state=all", viewerEmail, []string{"al-3", "al-4", "al-2", "al-1"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.path+" as "+tc.email, func(t *testing.T) {
			body := e.get(t, tc.path, tc.email).Body.String()
			if got := between(body, `<tr id="alert-`, `"`); !slices.Equal(got, tc.rows) {
				t.Errorf("rows %v, want %v", got, tc.rows)
			}
			if got := between(body, `action="/admin/alerts/`, `/ack"`); !slices.Equal(got, tc.buttons) {
				t.Errorf("acknowledge buttons for %v, want %v", got, tc.buttons)
			}
		})
	}
}

// between returns every text between start and the next end.
func between(s, start, end string) []string {
	var out []string
	for {
		i := strings.Index(s, start)
		if i < 0 {
			return out
		}
		s = s[i+len(start):]
		j := strings.Index(s, end)
		if j < 0 {
			return out
		}
		out = append(out, s[:j])
		s = s[j:]
	}
}

func TestAlertsPaging(t *testing.T) {
	e := newEnv(t, envOpts{})
	// 120 older resolved alerts after the fixtures, listed as the store
	// would: al-r119 is the newest of them.
	for i := 119; i >= 0; i-- {
		e.alerts.alerts = append(e.alerts.alerts, sitrep.Alert{ID: fmt.Sprintf("al-r%d", i), State: sitrep.AlertResolved,
			Severity: sitrep.StateDown, TriggeredAt: testNow.Add(-time.Duration(200-i) * time.Hour), Summary: "old"})
	}
	cases := []struct {
		query       string
		first, last string
		n           int
		caption     string
		prev, next  string
	}{
		{"state=all", "al-3", "al-r73", 50, "(1–50)", "", "state=all&amp;offset=50"},
		{"state=all&offset=50", "al-r72", "al-r23", 50, "(51–100)", "state=all&amp;offset=0", "state=all&amp;offset=100"},
		{"state=all&offset=100", "al-r22", "al-r0", 23, "(101–123)", "state=all&amp;offset=50", ""},
		{"state=resolved&offset=100", "al-r20", "al-r0", 21, "(101–121)", "state=resolved&amp;offset=50", ""},
		{"state=open", "al-3", "al-2", 2, "(1–2)", "", ""},
		{"state=resolved&offset=500", "", "", 0, "", "state=resolved&amp;offset=450", ""},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			w := e.get(t, "/admin/alerts?"+tc.query, responderEmail)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			body := w.Body.String()
			rows := between(body, `<tr id="alert-`, `"`)
			if len(rows) != tc.n || (tc.n > 0 && (rows[0] != tc.first || rows[len(rows)-1] != tc.last)) {
				t.Fatalf("%d rows %v…, want %d from %s to %s", len(rows), rows[:min(3, len(rows))], tc.n, tc.first, tc.last)
			}
			if tc.caption != "" && !strings.Contains(body, tc.caption+"</caption>") {
				t.Errorf("caption does not say %s", tc.caption)
			}
			for what, q := range map[string]string{"Previous": tc.prev, "Next": tc.next} {
				link := `href="/admin/alerts?` + q + `">` + what + `</a>`
				if has := strings.Contains(body, `">`+what+`</a>`); has != (q != "") || (q != "" && !strings.Contains(body, link)) {
					t.Errorf("%s link: want %q, page has it: %v", what, q, has)
				}
			}
		})
	}
	for _, q := range []string{"offset=-1", "offset=x", "offset=999999", "state=" + url.QueryEscape("<b>")} {
		if w := e.get(t, "/admin/alerts?"+q, responderEmail); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `role="alert"`) {
			t.Errorf("%s: status %d, want 400 with the reason shown", q, w.Code)
		}
	}
}

func TestAckAlert(t *testing.T) {
	cases := []struct {
		name   string
		id     string
		email  string
		form   url.Values
		race   bool // the alert resolves just before the acknowledgement
		status int
		// location of the redirect, or text the page shows
		want string
		acks []string
	}{
		{"firing, from the list", "al-3", responderEmail, url.Values{"back": {"all"}}, false, http.StatusSeeOther,
			"/admin/alerts?done=acked&state=all", []string{"al-3 " + responderEmail}},
		{"firing, from the dashboard", "al-3", adminEmail, url.Values{"back": {"dashboard"}}, false, http.StatusSeeOther,
			"/admin/?done=acked", []string{"al-3 " + adminEmail}},
		{"back elsewhere is ignored", "al-3", responderEmail, url.Values{"back": {"https://evil.example/"}}, false, http.StatusSeeOther,
			"/admin/alerts?done=acked&state=open", []string{"al-3 " + responderEmail}},
		{"already acknowledged", "al-2", responderEmail, nil, false, http.StatusSeeOther,
			"/admin/alerts?done=already&state=open", nil},
		{"resolved", "al-1", responderEmail, nil, false, http.StatusConflict,
			"This alert is resolved: its monitors recovered at 20 Nov 2026, 11:00 UTC, so there is nothing to acknowledge.", nil},
		{"resolved meanwhile", "al-3", responderEmail, nil, true, http.StatusConflict,
			"This alert is resolved: its monitors recovered at 21 Nov 2026, 12:00 UTC, so there is nothing to acknowledge.", nil},
		{"unknown", "al-9", responderEmail, nil, false, http.StatusNotFound, `there is no alert &#34;al-9&#34;`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			e.alerts.resolveOnAck = tc.race
			w := e.post(t, "/admin/alerts/"+tc.id+"/ack", tc.email, clone(tc.form), true)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if tc.status == http.StatusSeeOther {
				if got := w.Header().Get("Location"); got != tc.want {
					t.Errorf("redirect to %q, want %q", got, tc.want)
				}
			} else if !strings.Contains(w.Body.String(), tc.want) {
				t.Errorf("the page does not say %q:\n%s", tc.want, w.Body)
			}
			if got := e.alerts.ackLog(); !slices.Equal(got, tc.acks) {
				t.Errorf("acknowledgements %v, want %v", got, tc.acks)
			}
		})
	}
}

// TestAckAlertShown follows an acknowledgement to the page it lands on.
func TestAckAlertShown(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.clock.Advance(3 * time.Minute)
	w := e.post(t, "/admin/alerts/al-3/ack", responderEmail, url.Values{"back": {"open"}}, true)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	e.clock.Advance(2 * time.Minute)
	body := e.get(t, w.Header().Get("Location"), responderEmail).Body.String()
	row := body[strings.Index(body, `<tr id="alert-al-3"`):]
	row = row[:strings.Index(row, "</tr>")]
	for _, want := range []string{"Acknowledged</span>", responderEmail, "2 min ago", "21 Nov 2026, 12:03 UTC"} {
		if !strings.Contains(row, want) {
			t.Errorf("the row does not say %q:\n%s", want, row)
		}
	}
	if strings.Contains(row, "<form") {
		t.Errorf("an acknowledged alert still offers the button:\n%s", row)
	}
	if !strings.Contains(body, "Acknowledged: escalation and reminders for this alert have stopped.") {
		t.Error("no notice after acknowledging")
	}
	// The dashboard has nothing paging any more.
	dash := e.get(t, "/admin/", responderEmail).Body.String()
	if !strings.Contains(dash, "Nothing is paging.") {
		t.Errorf("dashboard still pages:\n%s", dash)
	}
}

// TestAckAlertViewerRefused: a viewer sees the list without buttons, and a
// POST anyway gets the refusal page every other forbidden change gets.
func TestAckAlertViewerRefused(t *testing.T) {
	e := newEnv(t, envOpts{})
	for _, p := range []string{"/admin/alerts?state=all", "/admin/"} {
		if body := e.get(t, p, viewerEmail).Body.String(); strings.Contains(body, "/ack\"") || strings.Contains(body, ">Acknowledge<") {
			t.Errorf("%s shows a viewer the acknowledge button", p)
		}
	}
	w := e.post(t, "/admin/alerts/al-3/ack", viewerEmail, nil, true)
	if w.Code != http.StatusForbidden {
		t.Fatalf("status %d, want 403", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{"<h1>Not allowed</h1>", "your role (viewer) may not do this", `href="/admin/">Back to the dashboard`} {
		if !strings.Contains(body, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, body)
		}
	}
	if got := e.alerts.ackLog(); len(got) != 0 {
		t.Errorf("a viewer acknowledged: %v", got)
	}
}

func TestDashboardPaging(t *testing.T) {
	e := newEnv(t, envOpts{})
	body := e.get(t, "/admin/", responderEmail).Body.String()
	i := strings.Index(body, `<section aria-labelledby="paging-h">`)
	if i < 0 {
		t.Fatalf("no paging block:\n%s", body)
	}
	block := body[i : i+strings.Index(body[i:], "</section>")]
	for _, want := range []string{"API is down", "step 2", "20 min ago", `action="/admin/alerts/al-3/ack"`,
		`name="back" value="dashboard"`, `href="/admin/alerts"`} {
		if !strings.Contains(block, want) {
			t.Errorf("the paging block does not say %q:\n%s", want, block)
		}
	}
	// Acknowledged and resolved alerts are not paging.
	for _, not := range []string{"al-2", "al-1", "degraded: Web", "Nightly backup"} {
		if strings.Contains(block, not) {
			t.Errorf("the paging block shows %q:\n%s", not, block)
		}
	}
	if strings.Index(body, "paging-h") > strings.Index(body, "mon-h") {
		t.Error("the paging block is not the first thing on the dashboard")
	}
	bare := newEnv(t, envOpts{bare: true})
	if body := bare.get(t, "/admin/", responderEmail).Body.String(); strings.Contains(body, "Paging now") {
		t.Error("the dashboard shows paging without alerting configured")
	}
}

func TestAlertsInjectionInert(t *testing.T) {
	e := newEnv(t, envOpts{payload: payload})
	for _, tc := range alertPages {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if tc.status == http.StatusBadRequest {
				// The refused value itself is shown back.
				path = "/admin/alerts?state=" + url.QueryEscape(payload)
			}
			assertInert(t, e.get(t, path, tc.email).Body.String())
		})
	}
	t.Run("dashboard", func(t *testing.T) {
		assertInert(t, e.get(t, "/admin/", responderEmail).Body.String())
	})
	t.Run("resolved conflict", func(t *testing.T) {
		w := e.post(t, "/admin/alerts/al-1/ack", responderEmail, nil, true)
		if w.Code != http.StatusConflict {
			t.Fatalf("status %d", w.Code)
		}
		assertInert(t, w.Body.String())
	})
	t.Run("alert id in the path", func(t *testing.T) {
		w := e.post(t, "/admin/alerts/"+url.PathEscape(payload)+"/ack", responderEmail, nil, true)
		if w.Code != http.StatusNotFound {
			t.Fatalf("status %d", w.Code)
		}
		assertInert(t, w.Body.String())
	})
}
