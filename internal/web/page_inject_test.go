package web

import (
	"encoding/xml"
	"regexp"
	"strings"
	"testing"

	"sitrep"
)

// Hostile text in every field a person can type must come out as text in
// every output: HTML pages, Atom, RSS, iCalendar and SVG.
var payloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`]]>`,
	`[click](javascript:alert(1))`,
	"\r\nATTACH:http://evil.example/x\r\n",
}

const hostile = `<script>alert(1)</script> "><img src=x onerror=alert(1)> ]]> [click](javascript:alert(1)) [ok](JaVaScRiPt:alert(1)) ` + "\r\nATTACH:http://evil.example/x\r\n" + ` 'single'`

func hostilePage(t testing.TB) *sitrep.StatusPage {
	snap := storyPage(t, storyOpts{
		editPage: func(p *sitrep.Page) {
			p.Title = hostile
			p.Branding.Name = hostile
			p.Branding.LogoURL = "javascript:alert(1)"
			p.Branding.AccentColor = "#fff;}</style><script>alert(1)</script>"
			p.Branding.Links = []sitrep.Link{{Title: hostile, URL: "javascript:alert(1)"}, {Title: hostile, URL: `https://ok.example/"><script>`}}
		},
		editIncidents: func(incs []*sitrep.Incident) {
			for _, inc := range incs {
				inc.Title = hostile
				for i := range inc.Updates {
					inc.Updates[i].Message = hostile + "\n\n- " + hostile + "\n\n```\n" + hostile + "\n```"
				}
				if pm := inc.Postmortem; pm != nil {
					pm.Summary, pm.RootCause, pm.Impact = hostile, hostile, hostile
					pm.Timeline[0].Text = hostile
					pm.ActionItems[0].Title = hostile
				}
			}
		},
		editMaintenance: func(ms []*sitrep.Maintenance) {
			for _, m := range ms {
				m.Title, m.Description = hostile, hostile
				for i := range m.Updates {
					m.Updates[i].Message = hostile
				}
			}
		},
	})
	snap.Banner.Description = hostile
	for gi := range snap.Groups {
		snap.Groups[gi].Name = hostile
		for ci := range snap.Groups[gi].Components {
			c := &snap.Groups[gi].Components[ci]
			c.Name, c.Description = hostile, hostile
		}
	}
	for _, inc := range snap.Incidents {
		for i := range inc.Components {
			inc.Components[i].Name = hostile
		}
	}
	return snap
}

var (
	rawMarkup  = regexp.MustCompile(`(?i)<script|<img|<style|<[a-z]+(\s+[\w:-]+(="[^"]*")?)*\s+on\w+\s*=|(href|src)\s*=\s*"?\s*javascript:`)
	ownScript  = regexp.MustCompile(`<script src="/static/page\.js\?v=\w+" defer></script>`)
	icsInjects = regexp.MustCompile(`(?m)^ATTACH`)
)

func TestPageInjection(t *testing.T) {
	e := newPageEnv(t, hostilePage(t))
	for _, path := range []string{"/", "/incidents/inc-1", "/incidents/inc-0", "/maintenance/mnt-0", "/maintenance/mnt-1"} {
		t.Run("html"+path, func(t *testing.T) {
			body := readBody(t, e.do(t, "GET", path, nil))
			// The page's own script is the one that may be there.
			body = ownScript.ReplaceAllString(body, "")
			if m := rawMarkup.FindString(body); m != "" {
				t.Errorf("%s contains live markup %q", path, m)
			}
			if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("%s does not show the script as text", path)
			}
			if strings.Contains(body, "theme.css") {
				t.Errorf("%s uses an invalid accent colour", path)
			}
		})
	}
	for _, path := range []string{"/history.atom", "/history.rss", "/badge/status.svg", "/badge/uptime.svg?component=courses-oslo"} {
		t.Run("xml"+path, func(t *testing.T) {
			body := readBody(t, e.do(t, "GET", path, nil))
			checkXML(t, body)
			if m := rawMarkup.FindString(body); m != "" {
				t.Errorf("%s contains raw markup %q", path, m)
			}
			// Feed readers decode the XML once and render the result as
			// HTML: that HTML must be inert too.
			for _, text := range xmlTexts(t, body) {
				if m := rawMarkup.FindString(text); m != "" {
					t.Errorf("%s carries HTML with live markup %q in %q", path, m, text)
				}
			}
		})
	}
	t.Run("ics", func(t *testing.T) {
		body := readBody(t, e.do(t, "GET", "/maintenance.ics", nil))
		if icsInjects.MatchString(body) {
			t.Errorf("a typed line break started a new calendar property:\n%s", body)
		}
		if strings.Count(body, "BEGIN:VEVENT") != 3 {
			t.Errorf("want 3 events:\n%s", body)
		}
		for _, l := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
			if strings.ContainsAny(l, "\r\n") {
				t.Errorf("bare line break in %q", l)
			}
		}
	})
	t.Run("theme", func(t *testing.T) {
		if body := readBody(t, e.do(t, "GET", "/theme.css", nil)); strings.ContainsAny(body, "<;{}") && !strings.HasPrefix(body, "/*") {
			t.Errorf("theme.css carries the hostile colour: %s", body)
		}
	})
}

// xmlTexts returns the decoded text of the elements that carry HTML in a
// feed: Atom content and RSS description.
func xmlTexts(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	d := xml.NewDecoder(strings.NewReader(body))
	in := false
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		switch v := tok.(type) {
		case xml.StartElement:
			in = v.Name.Local == "content" || v.Name.Local == "description"
		case xml.EndElement:
			in = false
		case xml.CharData:
			if in {
				out = append(out, string(v))
			}
		}
	}
}

func TestRenderMarkdown(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"paragraphs and breaks", "one\ntwo\n\nthree", "<p>one<br>\ntwo</p>\n<p>three</p>\n"},
		{"emphasis", "**bold** and *it* and _it_ and `x<y`", "<p><strong>bold</strong> and <em>it</em> and <em>it</em> and <code>x&lt;y</code></p>\n"},
		{"snake case stays", "see answers_exam_id now", "<p>see answers_exam_id now</p>\n"},
		{"list", "- a\n- *b*\n\n1. one\n2. two", "<ul>\n<li>a</li>\n<li><em>b</em></li>\n</ul>\n<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"},
		{"code block", "```\n<b>\n```", "<pre><code>&lt;b&gt;</code></pre>\n"},
		{"https link", "[docs](https://x.example/a?b=1&c=2)", `<p><a href="https://x.example/a?b=1&amp;c=2" rel="nofollow noopener">docs</a></p>` + "\n"},
		{"mailto link", "[mail](mailto:ops@example.com)", `<p><a href="mailto:ops@example.com" rel="nofollow noopener">mail</a></p>` + "\n"},
		{"javascript link is text", "[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"},
		{"data link is text", "[x](data:text/html,hi)", "<p>[x](data:text/html,hi)</p>\n"},
		{"relative link is text", "[x](/admin)", "<p>[x](/admin)</p>\n"},
		{"quote in link", `[x](https://a.example/"onmouseover=alert(1))`, `<p><a href="https://a.example/%22onmouseover=alert%281" rel="nofollow noopener">x</a>)</p>` + "\n"},
		{"raw html is text", `<img src=x onerror=alert(1)>`, "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"},
		{"unclosed markers", "a * b ** c ` d [e", "<p>a * b ** c ` d [e</p>\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(renderMarkdown(tc.in)); got != tc.want {
				t.Errorf("renderMarkdown(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzRenderMarkdown(f *testing.F) {
	for _, p := range payloads {
		f.Add(p)
	}
	f.Add("**a *b* [c](https://d.example)** `e`")
	f.Fuzz(func(t *testing.T, in string) {
		out := string(renderMarkdown(in))
		if m := rawMarkup.FindString(out); m != "" {
			t.Errorf("renderMarkdown(%q) = %q: live markup %q", in, out, m)
		}
	})
}

func TestAccentColor(t *testing.T) {
	for in, want := range map[string]string{
		"#0B5FFF": "#0b5fff", "#0b5fff": "#0b5fff", "0b5fff": "", "#fff": "", "#0b5ffg": "",
		"red": "", "#0b5fff;}": "", "": "",
	} {
		if got := accentColor(in); got != want {
			t.Errorf("accentColor(%q) = %q, want %q", in, got, want)
		}
	}
	// Whatever the accent, the header text is readable on it.
	for _, c := range []string{"#000000", "#ffffff", "#0b5fff", "#ffcc00", "#777777"} {
		_, css, _ := renderTheme(pageReq{snap: &sitrep.StatusPage{Page: sitrep.Page{Branding: sitrep.Branding{AccentColor: c}}}})
		fg := regexp.MustCompile(`--accent-fg:(#[0-9a-f]{6})`).FindStringSubmatch(string(css))
		if fg == nil || contrast(c, fg[1]) < 4.5 {
			t.Errorf("accent %s: header text %v has contrast below 4.5", c, fg)
		}
	}
}
