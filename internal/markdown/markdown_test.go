package markdown

import (
	"strings"
	"testing"
)

func TestHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "<p>plain</p>"},
		{"**bold** and *em*", "<p><strong>bold</strong> and <em>em</em></p>"},
		{"[ok](https://example.com)", `<a href="https://example.com"`},
		{"[bad](javascript:alert(1))", "javascript:alert(1)"}, // kept as text, never a link
		{"<script>alert(1)</script>", "&lt;script&gt;"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := string(HTML(tt.in))
			if !strings.Contains(got, tt.want) {
				t.Errorf("HTML(%q) = %q, want it to contain %q", tt.in, got, tt.want)
			}
			if strings.Contains(got, "<script") || strings.Contains(got, `href="javascript`) {
				t.Errorf("HTML(%q) = %q: live markup", tt.in, got)
			}
		})
	}
}
