package telegram

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/notify/channeltest"
)

func TestGolden(t *testing.T) {
	rcv := channeltest.NewReceiver(t, `{"ok":true,"result":{"message_id":1}}`)
	s, err := New(Options{BotToken: "123:secret", ChatID: "-1001234567890", BaseURL: rcv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), "", channeltest.Message()); err != nil {
		t.Fatal(err)
	}
	channeltest.Golden(t, rcv.Last(t), "incident.json")
}

func TestEscaping(t *testing.T) {
	rcv := channeltest.NewReceiver(t, `{"ok":true}`)
	s, _ := New(Options{BotToken: "123:secret", BaseURL: rcv.URL})
	if err := s.Send(t.Context(), "@chan", channeltest.Nasty()); err != nil {
		t.Fatal(err)
	}
	v := channeltest.JSON(t, rcv.Last(t).Body)
	text := v["text"].(string)
	want := `<b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'q' *b* _i_ ~s~ ` + "`c`" + ` [l](http://e.vil) &lt;!channel&gt; @everyone</b>`
	if !strings.HasPrefix(text, want) {
		t.Errorf("text = %q", text)
	}
	if !strings.Contains(text, "a &lt; b &amp;&amp; c &gt; d &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt;") {
		t.Errorf("body not escaped: %q", text)
	}
	if v["chat_id"] != "@chan" {
		t.Errorf("chat_id = %v", v["chat_id"])
	}
}

func TestErrors(t *testing.T) {
	rcv := channeltest.NewReceiver(t, "")
	s, _ := New(Options{BotToken: "123:secret", ChatID: "1", BaseURL: rcv.URL})
	t.Run("chat not found is permanent", func(t *testing.T) {
		rcv.Answer(400, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`)
		err := s.Send(t.Context(), "", channeltest.Message())
		if !errors.As(err, new(*sitrep.PermanentError)) || !strings.Contains(err.Error(), "chat not found") {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("error shows the token: %v", err)
		}
	})
	t.Run("flood wait carries retry_after", func(t *testing.T) {
		rcv.Answer(429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 31","parameters":{"retry_after":31}}`)
		err := s.Send(t.Context(), "", channeltest.Message())
		var ra *sitrep.RetryAfterError
		if !errors.As(err, &ra) || ra.After != 31*time.Second {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("no token", func(t *testing.T) {
		if _, err := New(Options{}); err == nil {
			t.Fatal("no error")
		}
	})
}
