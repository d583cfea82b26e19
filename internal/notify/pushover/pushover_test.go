package pushover

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"sitrep"
	"sitrep/internal/notify/channeltest"
)

const ok = `{"status":1,"request":"647d2300-702c-4b38-8b2f-d56326ae460b"}`

func TestGolden(t *testing.T) {
	rcv := channeltest.NewReceiver(t, ok)
	s, err := New(Options{Token: "azGDORePK8gMaC0QOYAMyEEuzJnyUi", User: "uQiRzpo4DXghDmr9QzzfQu27cmVRsG", URL: rcv.URL + "/1/messages.json"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), "", channeltest.Message()); err != nil {
		t.Fatal(err)
	}
	channeltest.Golden(t, rcv.Last(t), "incident.json")
}

func TestEscaping(t *testing.T) {
	rcv := channeltest.NewReceiver(t, ok)
	s, _ := New(Options{Token: "t", URL: rcv.URL})
	m := channeltest.Nasty()
	m.Text = strings.Repeat("<&>", 600)
	if err := s.Send(t.Context(), "someone", m); err != nil {
		t.Fatal(err)
	}
	form, err := url.ParseQuery(string(rcv.Last(t).Body))
	if err != nil {
		t.Fatal(err)
	}
	msg := form.Get("message")
	if len(msg) > 1024 || strings.Contains(msg, "<&>") || !strings.HasPrefix(msg, "&lt;&amp;&gt;") {
		t.Errorf("message (%d bytes) = %q", len(msg), msg)
	}
	if !strings.Contains(msg, `<b>&lt;Name&gt;:</b> *v* &amp; &quot;w&quot;`) || !strings.HasSuffix(msg, `">Acknowledge</a>`) {
		t.Errorf("fields or link missing: %q", msg)
	}
	if form.Get("user") != "someone" || form.Get("title") != m.Title {
		t.Errorf("form = %v", form)
	}
}

func TestInvalidUserIsPermanent(t *testing.T) {
	rcv := channeltest.NewReceiver(t, "")
	rcv.Answer(400, `{"user":"invalid","errors":["user identifier is invalid"],"status":0}`)
	s, _ := New(Options{Token: "t", User: "u", URL: rcv.URL})
	if err := s.Send(t.Context(), "", channeltest.Message()); !errors.As(err, new(*sitrep.PermanentError)) {
		t.Fatalf("err = %v", err)
	}
}
