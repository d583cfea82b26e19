package pagerduty

import (
	"errors"
	"strings"
	"testing"

	"sitrep"
	"sitrep/internal/notify/channeltest"
)

const key = "0123456789abcdef0123456789abcdef"

func TestGolden(t *testing.T) {
	rcv := channeltest.NewReceiver(t, `{"status":"success","message":"Event processed","dedup_key":"incident:inc_42"}`)
	rcv.Answer(202, `{"status":"success","message":"Event processed","dedup_key":"incident:inc_42"}`)
	s, err := New(Options{RoutingKey: key, URL: rcv.URL + "/v2/enqueue"})
	if err != nil {
		t.Fatal(err)
	}
	m := channeltest.Message()
	if err := s.Send(t.Context(), "", m); err != nil {
		t.Fatal(err)
	}
	channeltest.Golden(t, rcv.Last(t), "trigger.json")
	m.Resolve, m.Severity = true, "resolved"
	if err := s.Send(t.Context(), "", m); err != nil {
		t.Fatal(err)
	}
	channeltest.Golden(t, rcv.Last(t), "resolve.json")
}

func TestSummaryAndSeverity(t *testing.T) {
	rcv := channeltest.NewReceiver(t, `{}`)
	s, _ := New(Options{RoutingKey: key, URL: rcv.URL})
	tests := []struct{ ours, theirs string }{
		{"critical", "critical"}, {"major", "error"}, {"minor", "warning"}, {"info", "info"}, {"", "info"},
	}
	for _, tt := range tests {
		t.Run(tt.ours, func(t *testing.T) {
			m := channeltest.Nasty()
			m.Title = strings.Repeat("x", 2000)
			m.Severity = tt.ours
			if err := s.Send(t.Context(), "", m); err != nil {
				t.Fatal(err)
			}
			p := channeltest.JSON(t, rcv.Last(t).Body)["payload"].(map[string]any)
			if p["severity"] != tt.theirs || len(p["summary"].(string)) > 1024 {
				t.Errorf("severity %v, summary length %d", p["severity"], len(p["summary"].(string)))
			}
		})
	}
	// JSON carries markup as is: PagerDuty shows summaries as text.
	m := channeltest.Nasty()
	if err := s.Send(t.Context(), "", m); err != nil {
		t.Fatal(err)
	}
	p := channeltest.JSON(t, rcv.Last(t).Body)["payload"].(map[string]any)
	if p["summary"] != m.Title {
		t.Errorf("summary = %q", p["summary"])
	}
}

func TestInvalidKeyIsPermanent(t *testing.T) {
	rcv := channeltest.NewReceiver(t, "")
	rcv.Answer(400, `{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect (should be 32 characters)"]}`)
	s, _ := New(Options{RoutingKey: "short", URL: rcv.URL})
	err := s.Send(t.Context(), "", channeltest.Message())
	if !errors.As(err, new(*sitrep.PermanentError)) {
		t.Fatalf("err = %v", err)
	}
}
