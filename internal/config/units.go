package config

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

const (
	day  = 24 * time.Hour
	week = 7 * day
)

// parseDuration reads Go durations ("1h30m") plus days and weeks ("21d",
// "1w2d"), which certificate and backup schedules are naturally written in.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty")
	}
	neg := false
	switch s[0] {
	case '-', '+':
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "0" {
		return 0, nil
	}
	var total float64
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, errors.New("expected a number")
		}
		num, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, errors.New("bad number " + strconv.Quote(s[:i]))
		}
		j := i
		for j < len(s) && !(s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
			j++
		}
		unit, ok := durationUnits[s[i:j]]
		if !ok {
			if i == j {
				return 0, errors.New("missing unit")
			}
			return 0, errors.New("unknown unit " + strconv.Quote(s[i:j]))
		}
		total += num * float64(unit)
		if total > math.MaxInt64 {
			return 0, errors.New("too long")
		}
		s = s[j:]
	}
	d := time.Duration(total)
	if neg {
		d = -d
	}
	return d, nil
}

var durationUnits = map[string]time.Duration{
	"ns": time.Nanosecond,
	"us": time.Microsecond,
	"µs": time.Microsecond,
	"ms": time.Millisecond,
	"s":  time.Second,
	"m":  time.Minute,
	"h":  time.Hour,
	"d":  day,
	"w":  week,
}

// formatDuration writes d the way people write it in the file: "21d",
// "1w2d", "1h30m", "90s".
func formatDuration(d time.Duration) string {
	if d < 0 {
		return "-" + formatDuration(-d)
	}
	if d == 0 {
		return "0s"
	}
	if d%time.Second != 0 {
		return d.String()
	}
	var b strings.Builder
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{week, "w"}, {day, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.unit; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10))
			b.WriteString(u.name)
			d -= n * u.unit
		}
	}
	return b.String()
}

// parseSize reads a byte count: plain bytes, decimal units (KB, MB, GB, TB
// and the bare K, M, G, T, powers of 1000, as disks are sold) or binary units
// (KiB, MiB, GiB, TiB, powers of 1024). Units are case-insensitive.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '-' || s[i] == '+') {
		i++
	}
	if i == 0 {
		return 0, errors.New("expected a number")
	}
	num, err := strconv.ParseFloat(s[:i], 64)
	if err != nil || math.IsNaN(num) {
		return 0, errors.New("bad number " + strconv.Quote(s[:i]))
	}
	unit, ok := sizeUnits[strings.ToLower(strings.TrimSpace(s[i:]))]
	if !ok {
		return 0, errors.New("unknown unit " + strconv.Quote(strings.TrimSpace(s[i:])))
	}
	v := num * float64(unit)
	if v >= math.MaxInt64 || v <= math.MinInt64 {
		return 0, errors.New("too large")
	}
	return int64(v), nil
}

var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// formatSize writes n in the largest binary unit that divides it evenly, so
// documented defaults read "1GiB" rather than "1073741824".
func formatSize(n int64) string {
	for _, u := range []struct {
		unit int64
		name string
	}{{1 << 40, "TiB"}, {1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n != 0 && n%u.unit == 0 {
			return strconv.FormatInt(n/u.unit, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}
