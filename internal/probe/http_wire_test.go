package probe

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"sitrep"
)

// rawServer answers every connection with reply, byte for byte, and sends
// the requests it read to the returned channel. It tests the wire cases
// net/http's server would never produce.
func rawServer(t *testing.T, reply string) (string, <-chan *http.Request) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	reqs := make(chan *http.Request, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				select {
				case reqs <- req:
				default:
				}
				c.Write([]byte(reply))
			}()
		}
	}()
	return "http://" + ln.Addr().String(), reqs
}

func TestHTTPWire(t *testing.T) {
	bigHeader := "HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("a", maxHeaderBytes) + "\r\n\r\nok"
	tests := []struct {
		name   string
		reply  string
		method string
		expect string
		status sitrep.ResultStatus
		frags  []string
	}{
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nall ok!trailing junk", "", "all ok!", sitrep.ResultUp, nil},
		{"content-length stops the body", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokNOT", "", "okNOT", sitrep.ResultDown, []string{`body does not contain "okNOT"`}},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nall\r\n4\r\n ok!\r\n0\r\n\r\n", "", "all ok!", sitrep.ResultUp, nil},
		{"close-delimited", "HTTP/1.0 200 OK\r\n\r\nall ok till close", "", "till close", sitrep.ResultUp, nil},
		{"1xx skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "", "ok", sitrep.ResultUp, nil},
		{"HEAD has no body", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "HEAD", "", sitrep.ResultUp, nil},
		{"status from the wire", "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n", "", "", sitrep.ResultDown, []string{"status 502"}},
		{"truncated chunked body", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort", "", "", sitrep.ResultDown, []string{"connection closed by server while reading the body"}},
		{"headers too long", bigHeader, "", "", sitrep.ResultDown, []string{"response headers exceed 256 KiB"}},
		{"not http", "SSH-2.0-OpenSSH_9.6\r\n", "", "", sitrep.ResultDown, []string{"malformed HTTP"}},
	}
	p := newTestProber(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, reqs := rawServer(t, tc.reply)
			m := httpMonitor(u+"/path?q=1", func(h *sitrep.HTTPCheck) {
				h.Method = tc.method
				h.Expect.BodyContains = tc.expect
			})
			m.Timeout = 2 * time.Second
			want(t, probe(t, p, m), tc.status, tc.frags...)
			select {
			case req := <-reqs:
				if req.RequestURI != "/path?q=1" || !req.Close || req.UserAgent() != UserAgent {
					t.Errorf("request: uri %q close %v ua %q", req.RequestURI, req.Close, req.UserAgent())
				}
			default:
				t.Error("the server saw no request")
			}
		})
	}
}

// TestHTTPURLCredentials: user:password in the URL becomes Basic auth, as
// http.Client sends it; a header the monitor sets wins.
func TestHTTPURLCredentials(t *testing.T) {
	p := newTestProber(t)
	for _, tc := range []struct {
		name, header, want string
	}{
		{"from the URL", "", "Basic dXNlcjpwYXNz"},
		{"monitor header wins", "Bearer t", "Bearer t"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, reqs := rawServer(t, "HTTP/1.1 204 No Content\r\n\r\n")
			m := httpMonitor(strings.Replace(u, "http://", "http://user:pass@", 1), func(h *sitrep.HTTPCheck) {
				if tc.header != "" {
					h.Headers = map[string]string{"Authorization": tc.header}
				}
			})
			want(t, probe(t, p, m), sitrep.ResultUp)
			if got := (<-reqs).Header.Get("Authorization"); got != tc.want {
				t.Errorf("Authorization = %q, want %q", got, tc.want)
			}
		})
	}
}
