package matrix

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/notify/channeltest"
)

func TestGolden(t *testing.T) {
	rcv := channeltest.NewReceiver(t, `{"event_id":"$abc"}`)
	s, err := New(Options{Homeserver: rcv.URL, AccessToken: "syt_secret", RoomID: "!ops:example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), "", channeltest.Message()); err != nil {
		t.Fatal(err)
	}
	channeltest.Golden(t, rcv.Last(t), "incident.json")
}

func TestRetryUsesSameTransaction(t *testing.T) {
	rcv := channeltest.NewReceiver(t, `{"event_id":"$abc"}`)
	s, _ := New(Options{Homeserver: rcv.URL, AccessToken: "t", RoomID: "!ops:example.org"})
	m := channeltest.Message()
	rcv.Answer(429, `{"errcode":"M_LIMIT_EXCEEDED","error":"Too many requests","retry_after_ms":2000}`)
	err := s.Send(t.Context(), "", m)
	var ra *sitrep.RetryAfterError
	if !errors.As(err, &ra) || ra.After != 2*time.Second {
		t.Fatalf("err = %v", err)
	}
	rcv.Answer(200, `{"event_id":"$abc"}`)
	if err := s.Send(t.Context(), "", m); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.Requests()
	if len(reqs) != 2 || reqs[0].Path != reqs[1].Path || !strings.HasSuffix(reqs[0].Path, "/evt_1-sub_9") {
		t.Errorf("paths: %q", []string{reqs[0].Path, reqs[1].Path})
	}
	rcv.Answer(403, `{"errcode":"M_FORBIDDEN","error":"not in room"}`)
	if err := s.Send(t.Context(), "", m); !errors.As(err, new(*sitrep.PermanentError)) {
		t.Errorf("403: %v", err)
	}
}

func TestEscaping(t *testing.T) {
	rcv := channeltest.NewReceiver(t, `{}`)
	s, _ := New(Options{Homeserver: rcv.URL, AccessToken: "t"})
	m := channeltest.Nasty()
	if err := s.Send(t.Context(), "!other:example.org", m); err != nil {
		t.Fatal(err)
	}
	req := rcv.Last(t)
	if !strings.HasPrefix(req.Path, "/_matrix/client/v3/rooms/%21other:example.org/send/m.room.message/") {
		t.Errorf("path = %s", req.Path)
	}
	v := channeltest.JSON(t, req.Body)
	html := v["formatted_body"].(string)
	if strings.Contains(html, "<script>") || strings.Contains(html, "<b>bold") ||
		!strings.Contains(html, "<h4>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;") {
		t.Errorf("formatted_body = %q", html)
	}
	if !strings.HasPrefix(v["body"].(string), m.Title) {
		t.Errorf("body = %q", v["body"])
	}
}
