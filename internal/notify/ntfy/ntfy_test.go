package ntfy

import (
	"net/http"
	"testing"

	"sitrep/internal/notify/channeltest"
)

func TestGolden(t *testing.T) {
	rcv := channeltest.NewReceiver(t, `{"id":"x","event":"message"}`)
	s, err := New(Options{URL: rcv.URL, Topic: "ops-alerts", Token: "tk_secret"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), "", channeltest.Message()); err != nil {
		t.Fatal(err)
	}
	channeltest.Golden(t, rcv.Last(t), "incident.json")
}

func TestEscaping(t *testing.T) {
	rcv := channeltest.NewReceiver(t, `{}`)
	s, _ := New(Options{URL: rcv.URL + "/", Username: "u", Password: "p"})
	m := channeltest.Nasty()
	if err := s.Send(t.Context(), "mine", m); err != nil {
		t.Fatal(err)
	}
	req := rcv.Last(t)
	v := channeltest.JSON(t, req.Body)
	// Plain text: shown exactly as written, so sent exactly as written.
	if v["title"] != m.Title || v["topic"] != "mine" || v["markdown"] != nil {
		t.Errorf("body = %s", req.Body)
	}
	basic := &http.Request{Header: req.Header}
	if u, p, ok := basic.BasicAuth(); !ok || u != "u" || p != "p" {
		t.Errorf("authorization = %q", req.Header.Get("Authorization"))
	}
}
