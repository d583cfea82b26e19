package slack

import (
	"errors"
	"strings"
	"testing"

	"sitrep"
	"sitrep/internal/notify/channeltest"
)

func TestGolden(t *testing.T) {
	rcv := channeltest.NewReceiver(t, "ok")
	s, err := New(Options{URL: rcv.URL + "/services/T0/B0/secret"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), "", channeltest.Message()); err != nil {
		t.Fatal(err)
	}
	channeltest.Golden(t, rcv.Last(t), "incident.json")
}

func TestEscaping(t *testing.T) {
	rcv := channeltest.NewReceiver(t, "ok")
	s, _ := New(Options{})
	if err := s.Send(t.Context(), rcv.URL, channeltest.Nasty()); err != nil {
		t.Fatal(err)
	}
	body := string(rcv.Last(t).Body)
	v := channeltest.JSON(t, rcv.Last(t).Body)
	text := v["text"].(string)
	for _, bad := range []string{"<script>", "<!channel>", "<b>", " & "} {
		if strings.Contains(text, bad) || strings.Contains(body, `"mrkdwn","text":"`+bad) {
			t.Errorf("unescaped %q in %s", bad, body)
		}
	}
	if !strings.Contains(text, "&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; 'q'") || !strings.Contains(text, "&lt;!channel&gt;") {
		t.Errorf("text = %q", text)
	}
	if !strings.Contains(body, "a &lt; b &amp;&amp; c &gt; d") {
		t.Errorf("section text not escaped: %s", body)
	}
}

func TestErrors(t *testing.T) {
	rcv := channeltest.NewReceiver(t, "")
	s, _ := New(Options{URL: rcv.URL})
	tests := []struct {
		name      string
		status    int
		body      string
		permanent bool
	}{
		{"invalid payload", 400, "invalid_payload", true},
		{"channel archived", 410, "channel_is_archived", true},
		{"rate limited", 429, "", false},
		{"server error", 500, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rcv.Answer(tt.status, tt.body)
			err := s.Send(t.Context(), "", channeltest.Message())
			var perm *sitrep.PermanentError
			if err == nil || errors.As(err, &perm) != tt.permanent {
				t.Fatalf("err = %v, permanent want %v", err, tt.permanent)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error shows the URL: %v", err)
			}
		})
	}
	if err := s.Send(t.Context(), "ftp://x", channeltest.Message()); !errors.As(err, new(*sitrep.PermanentError)) {
		t.Errorf("bad target: %v", err)
	}
}
