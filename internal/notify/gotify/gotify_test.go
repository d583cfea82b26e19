package gotify

import (
	"errors"
	"testing"

	"sitrep"
	"sitrep/internal/notify/channeltest"
)

func TestGolden(t *testing.T) {
	rcv := channeltest.NewReceiver(t, `{"id":25,"appid":5}`)
	s, err := New(Options{URL: rcv.URL + "/", Token: "AWH4YbVkPVr0m1T"})
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
	s, _ := New(Options{URL: rcv.URL, Token: "t"})
	m := channeltest.Nasty()
	if err := s.Send(t.Context(), "", m); err != nil {
		t.Fatal(err)
	}
	// Sent as plain text (client::display), so as written.
	v := channeltest.JSON(t, rcv.Last(t).Body)
	if v["title"] != m.Title {
		t.Errorf("title = %q", v["title"])
	}
	rcv.Answer(401, `{"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token"}`)
	if err := s.Send(t.Context(), "", m); !errors.As(err, new(*sitrep.PermanentError)) {
		t.Errorf("401: %v", err)
	}
}
