package web

import (
	"math"
	"strconv"
	"strings"
)

// accentColor returns c lower-cased when it is exactly #rrggbb, else "".
// Only this shape reaches a stylesheet, so a branding value can never
// close the rule and add its own.
func accentColor(c string) string {
	if len(c) != 7 || c[0] != '#' {
		return ""
	}
	for _, r := range c[1:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return ""
		}
	}
	return strings.ToLower(c)
}

// renderTheme is the page's accent stylesheet. The accent paints the header;
// its text colour is black or white, whichever contrasts more, so any
// accent keeps the header readable (WCAG AA needs 4.5:1 for text).
func renderTheme(pr pageReq) (string, []byte, error) {
	c := accentColor(pr.snap.Page.Branding.AccentColor)
	if c == "" {
		return "text/css; charset=utf-8", []byte("/* no accent colour */\n"), nil
	}
	fg := "#ffffff"
	if contrast(c, "#000000") > contrast(c, "#ffffff") {
		fg = "#000000"
	}
	css := ":root{--accent:" + c + ";--accent-fg:" + fg + "}\n"
	return "text/css; charset=utf-8", []byte(css), nil
}

// contrast is the WCAG contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c string) float64 {
	ch := func(i int) float64 {
		v, _ := strconv.ParseUint(c[i:i+2], 16, 8)
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(1) + 0.7152*ch(3) + 0.0722*ch(5)
}
