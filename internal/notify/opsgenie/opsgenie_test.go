package opsgenie

import (
	"errors"
	"testing"

	"sitrep"
	"sitrep/internal/notify/channeltest"
)

const accepted = `{"result":"Request will be processed","took":0.2,"requestId":"43a29c5c"}`

func TestGolden(t *testing.T) {
	rcv := channeltest.NewReceiver(t, accepted)
	rcv.Answer(202, accepted)
	s, err := New(Options{APIKey: "key-123", BaseURL: rcv.URL})
	if err != nil {
		t.Fatal(err)
	}
	m := channeltest.Message()
	if err := s.Send(t.Context(), "", m); err != nil {
		t.Fatal(err)
	}
	channeltest.Golden(t, rcv.Last(t), "create.json")
	m.Resolve, m.Title = true, "Courses are back"
	if err := s.Send(t.Context(), "", m); err != nil {
		t.Fatal(err)
	}
	channeltest.Golden(t, rcv.Last(t), "close.json")
}

func TestRegion(t *testing.T) {
	tests := []struct{ region, want string }{{"", USBaseURL}, {"us", USBaseURL}, {"eu", EUBaseURL}}
	for _, tt := range tests {
		s, err := New(Options{APIKey: "k", Region: tt.region})
		if err != nil || s.opts.BaseURL != tt.want {
			t.Errorf("region %q: %v %v", tt.region, s, err)
		}
	}
	if _, err := New(Options{APIKey: "k", Region: "mars"}); err == nil {
		t.Error("region mars accepted")
	}
}

func TestEscapingAndErrors(t *testing.T) {
	rcv := channeltest.NewReceiver(t, accepted)
	s, _ := New(Options{APIKey: "k", BaseURL: rcv.URL})
	m := channeltest.Nasty()
	if err := s.Send(t.Context(), "", m); err != nil {
		t.Fatal(err)
	}
	// Opsgenie shows message and description as text: sent as written.
	v := channeltest.JSON(t, rcv.Last(t).Body)
	if v["message"] != m.Title {
		t.Errorf("message = %q", v["message"])
	}
	rcv.Answer(422, `{"message":"Request body is not processable"}`)
	if err := s.Send(t.Context(), "", m); !errors.As(err, new(*sitrep.PermanentError)) {
		t.Errorf("422: %v", err)
	}
}
