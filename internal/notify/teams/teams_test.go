package teams

import (
	"strings"
	"testing"

	"sitrep/internal/notify/channeltest"
)

func TestGolden(t *testing.T) {
	// Workflows webhooks answer 202 Accepted.
	rcv := channeltest.NewReceiver(t, "")
	rcv.Answer(202, "")
	s, err := New(Options{URL: rcv.URL + "/workflows/abc/triggers/manual/paths/invoke?sig=secret"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), "", channeltest.Message()); err != nil {
		t.Fatal(err)
	}
	channeltest.Golden(t, rcv.Last(t), "incident.json")
}

func TestEscaping(t *testing.T) {
	rcv := channeltest.NewReceiver(t, "")
	s, _ := New(Options{URL: rcv.URL})
	if err := s.Send(t.Context(), "", channeltest.Nasty()); err != nil {
		t.Fatal(err)
	}
	v := channeltest.JSON(t, rcv.Last(t).Body)
	card := v["attachments"].([]any)[0].(map[string]any)["content"].(map[string]any)
	title := card["body"].([]any)[0].(map[string]any)["text"].(string)
	for _, want := range []string{`<script\>alert\("x"\)<`, `\*b\*`, `\_i\_`, `\[l\]\(http://e.vil\)`} {
		if !strings.Contains(title, want) {
			t.Errorf("title %q lacks %q", title, want)
		}
	}
	facts := card["body"].([]any)[2].(map[string]any)["facts"].([]any)
	if v := facts[1].(map[string]any)["value"]; v != `\*v\* & "w"` {
		t.Errorf("fact value = %q", v)
	}
}
