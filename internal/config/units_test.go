package config

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"30s", 30 * time.Second, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"21d", 21 * day, ""},
		{"1w2d", 9 * day, ""},
		{"1.5h", 90 * time.Minute, ""},
		{"500ms", 500 * time.Millisecond, ""},
		{"0", 0, ""},
		{"-5s", -5 * time.Second, ""},
		{" 2m ", 2 * time.Minute, ""},
		{"30", 0, "missing unit"},
		{"1y", 0, `unknown unit "y"`},
		{"", 0, "empty"},
		{"s", 0, "expected a number"},
		{"1..2s", 0, `bad number "1..2"`},
		{"100000000w", 0, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseDuration(tt.in)
			switch {
			case tt.err != "" && (err == nil || err.Error() != tt.err):
				t.Errorf("parseDuration(%q) error = %v, want %q", tt.in, err, tt.err)
			case tt.err == "" && (err != nil || got != tt.want):
				t.Errorf("parseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 21 * day: "3w", 30 * day: "4w2d", 90 * time.Minute: "1h30m",
		1500 * time.Millisecond: "1.5s", -time.Minute: "-1m",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
		if d%time.Second == 0 {
			if back, err := parseDuration(formatDuration(d)); err != nil || back != d {
				t.Errorf("%q does not parse back to %v: %v, %v", formatDuration(d), d, back, err)
			}
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"1024", 1024, false},
		{"1GiB", 1 << 30, false},
		{"500MB", 500e6, false},
		{"2G", 2e9, false},
		{"64kib", 64 << 10, false},
		{"1.5 KiB", 1536, false},
		{"10B", 10, false},
		{"1TB", 1e12, false},
		{"lots", 0, true},
		{"5 parsecs", 0, true},
		{"1e30GB", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseSize(tt.in)
			if (err != nil) != tt.err || got != tt.want {
				t.Errorf("parseSize(%q) = %d, %v; want %d (error %v)", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestDidYouMean(t *testing.T) {
	keys := []string{"interval", "timeout", "failures_to_down", "successes_to_up"}
	tests := []struct{ in, want string }{
		{"intervall", "interval"},
		{"Interval", "interval"},
		{"timeot", "timeout"},
		{"failure_to_down", "failures_to_down"},
		{"color", ""},
		{"x", ""},
	}
	for _, tt := range tests {
		if got := didYouMean(tt.in, keys); got != tt.want {
			t.Errorf("didYouMean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
