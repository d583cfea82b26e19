package web

import (
	"strconv"
	"time"
	"unicode/utf8"

	"sitrep"
)

// The JSON API is rendered by hand-written appenders rather than
// encoding/json: the monitor list of a large install is polled by dashboards
// and the CLI, and reflection plus intermediate structs made it several times
// slower (see BenchmarkMonitorsList). The output is checked against
// encoding/json in jsonenc_test.go.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped like encoding/json does
// (including <, > and & so the output is safe to embed in HTML).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		// U+2028 and U+2029 end a line in JavaScript.
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendTime appends t as an RFC 3339 UTC string, or null for the zero time.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = appendRFC3339(b, t.UTC())
	return append(b, '"')
}

// appendRFC3339 writes a UTC time as time.RFC3339Nano does, several times
// faster than the general formatter; it shows up in the list's profile.
func appendRFC3339(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, time.RFC3339Nano)
	}
	hour, minute, sec := t.Clock()
	b = append(b,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+month/10), byte('0'+month%10), '-', byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10))
	if ns := t.Nanosecond(); ns != 0 {
		var frac [10]byte
		frac[0] = '.'
		for i := 9; i >= 1; i-- {
			frac[i] = byte('0' + ns%10)
			ns /= 10
		}
		n := 10
		for frac[n-1] == '0' {
			n--
		}
		b = append(b, frac[:n]...)
	}
	return append(b, 'Z')
}

// appendMillis appends d in milliseconds with three decimals, using integer
// arithmetic: it runs several times per monitor in the list.
func appendMillis(b []byte, d time.Duration) []byte {
	if d < 0 {
		b = append(b, '-')
		d = -d
	}
	us := (int64(d) + 500) / 1000
	b = strconv.AppendInt(b, us/1000, 10)
	frac := us % 1000
	return append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
}

func appendFloat(b []byte, f float64) []byte {
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// appendMonitor appends one monitor as the API shows it.
func appendMonitor(b []byte, v *sitrep.MonitorView) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, v.ID)
	b = append(b, `,"name":`...)
	b = appendString(b, v.Name)
	b = append(b, `,"type":`...)
	b = appendString(b, string(v.Type))
	b = append(b, `,"target":`...)
	b = appendString(b, v.Target)
	b = append(b, `,"interval_seconds":`...)
	b = appendFloat(b, v.Interval.Seconds())
	b = append(b, `,"state":`...)
	b = appendString(b, string(v.State))
	b = append(b, `,"since":`...)
	b = appendTime(b, v.Since)
	b = append(b, `,"last_result":`...)
	if v.LastResult == nil {
		b = append(b, "null"...)
	} else {
		b = appendResult(b, v.LastResult, true)
	}
	return append(b, '}')
}

// appendResult appends one result; the list shows phases, the raw series of
// a results query leaves them out to stay small.
func appendResult(b []byte, r *sitrep.Result, phases bool) []byte {
	b = append(b, `{"time":`...)
	b = appendTime(b, r.Time)
	b = append(b, `,"location":`...)
	b = appendString(b, r.Location)
	b = append(b, `,"status":`...)
	b = appendString(b, r.Status.String())
	b = append(b, `,"latency_ms":`...)
	b = appendMillis(b, r.Latency)
	if phases {
		b = append(b, `,"phases":{"dns_ms":`...)
		b = appendMillis(b, r.Phases.DNS)
		b = append(b, `,"connect_ms":`...)
		b = appendMillis(b, r.Phases.Connect)
		b = append(b, `,"tls_ms":`...)
		b = appendMillis(b, r.Phases.TLS)
		b = append(b, `,"first_byte_ms":`...)
		b = appendMillis(b, r.Phases.FirstByte)
		b = append(b, '}')
	}
	b = append(b, `,"error":`...)
	b = appendString(b, r.Error)
	return append(b, '}')
}

func appendMonitorList(b []byte, views []sitrep.MonitorView) []byte {
	b = append(b, `{"monitors":[`...)
	for i := range views {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendMonitor(b, &views[i])
	}
	return append(b, "]}\n"...)
}

func appendResultSet(b []byte, rs *sitrep.ResultSet) []byte {
	b = append(b, `{"monitor_id":`...)
	b = appendString(b, rs.MonitorID)
	b = append(b, `,"from":`...)
	b = appendTime(b, rs.From)
	b = append(b, `,"to":`...)
	b = appendTime(b, rs.To)
	b = append(b, `,"raw":[`...)
	for i := range rs.Raw {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendResult(b, &rs.Raw[i], false)
	}
	b = append(b, `],"rollups":{"resolution":`...)
	b = appendString(b, string(rs.Resolution))
	b = append(b, `,"buckets":[`...)
	for i := range rs.Rollups {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRollup(b, &rs.Rollups[i])
	}
	return append(b, "]}}\n"...)
}

func appendRollup(b []byte, r *sitrep.Rollup) []byte {
	b = append(b, `{"start":`...)
	b = appendTime(b, r.Start)
	b = append(b, `,"up":`...)
	b = strconv.AppendInt(b, int64(r.Up), 10)
	b = append(b, `,"degraded":`...)
	b = strconv.AppendInt(b, int64(r.Degraded), 10)
	b = append(b, `,"down":`...)
	b = strconv.AppendInt(b, int64(r.Down), 10)
	b = append(b, `,"uptime":`...)
	b = appendFloat(b, r.Uptime())
	b = append(b, `,"latency_ms_mean":`...)
	b = appendMillis(b, r.LatencyMean())
	b = append(b, `,"latency_ms_min":`...)
	b = appendMillis(b, r.LatencyMin)
	b = append(b, `,"latency_ms_max":`...)
	b = appendMillis(b, r.LatencyMax)
	return append(b, '}')
}
