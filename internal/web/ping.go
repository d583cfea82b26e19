package web

import (
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

// maxPingBody caps the message a job can send with a ping: enough for the
// tail of a log, not enough to fill the database.
const maxPingBody = 10 << 10

// pingHandler records a heartbeat ping. Cron jobs call it with curl or wget:
// no auth (the token is the secret), no CSRF, plain-text answers.
func (s *Server) pingHandler(kind sitrep.PingKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := sitrep.Ping{Kind: kind, Time: s.now(), Source: remoteIP(r)}
		q := r.URL.Query()
		var err error
		if v := q.Get("duration"); v != "" {
			if p.Duration, err = parseDuration(v); err != nil {
				s.writePingText(w, r, http.StatusBadRequest, err.Error())
				return
			}
		}
		if v := q.Get("size"); v != "" {
			if p.Size, err = parseSize(v); err != nil {
				s.writePingText(w, r, http.StatusBadRequest, err.Error())
				return
			}
		}
		if r.Body != nil {
			// A short or failed read still leaves a useful ping; the message is a bonus.
			msg, _ := io.ReadAll(io.LimitReader(r.Body, maxPingBody))
			p.Message = strings.ToValidUTF8(strings.TrimSpace(string(msg)), "\uFFFD")
		}
		err = s.monitors.Ping(r.Context(), r.PathValue("token"), p)
		switch code := sitrep.ErrorCode(err); code {
		case "":
			s.writePingText(w, r, http.StatusOK, "OK")
		case sitrep.ENOTFOUND:
			// Say nothing about tokens: this URL is public.
			s.writePingText(w, r, http.StatusNotFound, "not found")
		case sitrep.EINTERNAL:
			s.logger.LogAttrs(r.Context(), slog.LevelError, "record ping", slog.String("kind", string(kind)), slog.Any("err", err))
			s.writePingText(w, r, http.StatusInternalServerError, "internal error")
		default:
			s.writePingText(w, r, sitrep.HTTPStatus(code), err.Error())
		}
	}
}

func (s *Server) writePingText(w http.ResponseWriter, r *http.Request, status int, text string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		io.WriteString(w, text+"\n") //nolint:errcheck // the client went away
	}
}

// remoteIP is the peer address without the port. Proxy headers are not
// trusted: nothing here knows which proxies are ours.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// parseDuration accepts seconds as a number ("12.5", what `$SECONDS` gives a
// shell script) or a Go duration ("1m30s").
func parseDuration(v string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if f >= 0 && f < math.MaxInt64/float64(time.Second) {
			return time.Duration(f * float64(time.Second)), nil
		}
	} else if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d, nil
	}
	return 0, sitrep.FieldErrorf(sitrep.EINVALID, "duration",
		"expected seconds (e.g. 12.5) or a duration (e.g. 1m30s), not negative, got %q", v)
}

// sizeUnits are decimal (KB = 1000) and binary (KiB = 1024), as `du` and
// `ls -h` print them.
func sizeUnit(u string) (float64, bool) {
	switch strings.ToLower(u) {
	case "", "b":
		return 1, true
	case "kb", "k":
		return 1e3, true
	case "mb", "m":
		return 1e6, true
	case "gb", "g":
		return 1e9, true
	case "tb", "t":
		return 1e12, true
	case "kib":
		return 1 << 10, true
	case "mib":
		return 1 << 20, true
	case "gib":
		return 1 << 30, true
	case "tib":
		return 1 << 40, true
	}
	return 0, false
}

// parseSize accepts bytes ("123") or a number with a unit ("12MB", "1.5GiB").
func parseSize(v string) (int64, error) {
	s := strings.TrimSpace(v)
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(s)
	}
	num, unit := s[:i], strings.TrimSpace(s[i:])
	if f, err := strconv.ParseFloat(num, 64); err == nil {
		if mult, ok := sizeUnit(unit); ok && f*mult < math.MaxInt64 {
			return int64(math.Round(f * mult)), nil
		}
	}
	return 0, sitrep.FieldErrorf(sitrep.EINVALID, "size", "expected bytes (e.g. 1234) or a size such as 12MB or 1.5GiB, got %q", v)
}
