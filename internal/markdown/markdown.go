// Package markdown renders the small Markdown subset people type into
// incident updates and postmortems, safely, for every page that shows them
// (the public status pages and the admin UI).
package markdown

import (
	"html/template"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// HTML turns the small Markdown subset people use in incident
// updates and postmortems into HTML: paragraphs, line breaks, bulleted and
// numbered lists, fenced code, `code`, *emphasis*, **strong** and
// [links](https://…). Everything else is text. It is its own renderer, not
// a general Markdown library, so that nothing it emits was not written here:
// all text goes through escaping, raw HTML in the input stays text, and a
// link survives only with an http, https or mailto URL.
func HTML(src string) template.HTML {
	var b strings.Builder
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(src), "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); {
		line := lines[i]
		switch {
		case strings.TrimSpace(line) == "":
			i++
		case strings.HasPrefix(strings.TrimSpace(line), "```"):
			i++
			var code []string
			for i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```") {
				code = append(code, lines[i])
				i++
			}
			i++ // the closing fence, if any
			b.WriteString("<pre><code>")
			b.WriteString(template.HTMLEscapeString(strings.Join(code, "\n")))
			b.WriteString("</code></pre>\n")
		case listItem(line, false) != "":
			i = writeList(&b, lines, i, false)
		case listItem(line, true) != "":
			i = writeList(&b, lines, i, true)
		default:
			b.WriteString("<p>")
			first := true
			for i < len(lines) && strings.TrimSpace(lines[i]) != "" && !startsBlock(lines[i]) {
				if !first {
					b.WriteString("<br>\n")
				}
				writeInline(&b, strings.TrimSpace(lines[i]))
				first = false
				i++
			}
			b.WriteString("</p>\n")
		}
	}
	return template.HTML(b.String()) //nolint:gosec // every piece above is escaped or a fixed tag
}

func startsBlock(line string) bool {
	return listItem(line, false) != "" || listItem(line, true) != "" || strings.HasPrefix(strings.TrimSpace(line), "```")
}

// listItem returns the text of a list line ("- x", "* x" or "1. x"), or "".
func listItem(line string, ordered bool) string {
	t := strings.TrimSpace(line)
	if !ordered {
		if len(t) > 2 && (t[0] == '-' || t[0] == '*') && t[1] == ' ' {
			return strings.TrimSpace(t[2:])
		}
		return ""
	}
	n := 0
	for n < len(t) && n < 9 && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	if n > 0 && len(t) > n+2 && (t[n] == '.' || t[n] == ')') && t[n+1] == ' ' {
		return strings.TrimSpace(t[n+2:])
	}
	return ""
}

func writeList(b *strings.Builder, lines []string, i int, ordered bool) int {
	tag := "ul"
	if ordered {
		tag = "ol"
	}
	b.WriteString("<" + tag + ">\n")
	for i < len(lines) {
		item := listItem(lines[i], ordered)
		if item == "" {
			break
		}
		b.WriteString("<li>")
		writeInline(b, item)
		b.WriteString("</li>\n")
		i++
	}
	b.WriteString("</" + tag + ">\n")
	return i
}

// writeInline renders code spans, emphasis and links in one line of text.
func writeInline(b *strings.Builder, s string) {
	for len(s) > 0 {
		switch {
		case s[0] == '`':
			if end := strings.IndexByte(s[1:], '`'); end >= 0 {
				b.WriteString("<code>")
				b.WriteString(template.HTMLEscapeString(s[1 : 1+end]))
				b.WriteString("</code>")
				s = s[end+2:]
				continue
			}
		case strings.HasPrefix(s, "**"):
			if end := strings.Index(s[2:], "**"); end > 0 {
				b.WriteString("<strong>")
				writeInline(b, s[2:2+end])
				b.WriteString("</strong>")
				s = s[end+4:]
				continue
			}
		case s[0] == '*' || s[0] == '_':
			if end := strings.IndexByte(s[1:], s[0]); end > 0 && !unicode.IsSpace(rune(s[1])) && closesEmphasis(s[2+end:]) {
				b.WriteString("<em>")
				writeInline(b, s[1:1+end])
				b.WriteString("</em>")
				s = s[end+2:]
				continue
			}
		case s[0] == '[':
			if text, href, n, ok := parseLink(s); ok {
				b.WriteString(`<a href="`)
				b.WriteString(template.HTMLEscapeString(href))
				b.WriteString(`" rel="nofollow noopener">`)
				writeInline(b, text)
				b.WriteString("</a>")
				s = s[n:]
				continue
			}
		}
		// Plain text up to the next character that may start markup.
		n := 1 + strings.IndexAny(s[1:], "`*_[")
		if n == 0 {
			n = len(s)
		}
		// An underscore inside a word (snake_case) is text, not emphasis.
		for n < len(s) && s[n] == '_' {
			r, _ := utf8.DecodeLastRuneInString(s[:n])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			m := strings.IndexAny(s[n+1:], "`*_[")
			if m < 0 {
				n = len(s)
			} else {
				n += 1 + m
			}
		}
		b.WriteString(template.HTMLEscapeString(s[:n]))
		s = s[n:]
	}
}

// closesEmphasis reports whether an emphasis may end before rest: not in the
// middle of a word.
func closesEmphasis(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	return rest == "" || !(unicode.IsLetter(r) || unicode.IsDigit(r))
}

// parseLink reads "[text](url)" at the start of s.
func parseLink(s string) (text, href string, n int, ok bool) {
	mid := strings.Index(s, "](")
	if mid < 0 {
		return "", "", 0, false
	}
	end := strings.IndexByte(s[mid+2:], ')')
	if end < 0 {
		return "", "", 0, false
	}
	text, href = s[1:mid], s[mid+2:mid+2+end]
	safe, ok := safeURL(href)
	if !ok || text == "" {
		return "", "", 0, false
	}
	return text, safe, mid + 3 + end, true
}

// safeURL accepts absolute http, https and mailto URLs only: a person's
// link must never become script (javascript:, data:, vbscript:) or point
// somewhere relative that looks like part of the page.
func safeURL(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.ContainsFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
	case "mailto":
		if u.Opaque == "" {
			return "", false
		}
	default:
		return "", false
	}
	return u.String(), true
}

// SafeURL returns raw if it is an http, https or mailto URL fit for an
// href, the same rule links in Markdown follow.
func SafeURL(raw string) (string, bool) { return safeURL(raw) }
