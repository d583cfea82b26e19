package discord

import (
	"strings"
	"testing"

	"sitrep/internal/notify/channeltest"
)

func TestGolden(t *testing.T) {
	rcv := channeltest.NewReceiver(t, "")
	s, err := New(Options{URL: rcv.URL + "/api/webhooks/1/secret", Username: "Example status"})
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
	s, _ := New(Options{})
	if err := s.Send(t.Context(), rcv.URL, channeltest.Nasty()); err != nil {
		t.Fatal(err)
	}
	v := channeltest.JSON(t, rcv.Last(t).Body)
	embed := v["embeds"].([]any)[0].(map[string]any)
	title := embed["title"].(string)
	for _, want := range []string{`\*b\*`, `\_i\_`, `\~s\~`, "\\`c\\`", `\[l\]\(http://e.vil\)`, "@\u200beveryone"} {
		if !strings.Contains(title, want) {
			t.Errorf("title %q lacks %q", title, want)
		}
	}
	if desc := embed["description"].(string); !strings.Contains(desc, `\# heading \| pipe \\ backslash`) {
		t.Errorf("description = %q", desc)
	}
	if parse := v["allowed_mentions"].(map[string]any)["parse"].([]any); len(parse) != 0 {
		t.Errorf("mentions allowed: %v", parse)
	}
}
