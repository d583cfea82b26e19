package web

import (
	"html/template"

	"sitrep/internal/markdown"
)

// renderMarkdown renders what a person typed, safely (see internal/markdown).
func renderMarkdown(src string) template.HTML { return markdown.HTML(src) }

// safeURL keeps only http, https and mailto URLs (see internal/markdown).
func safeURL(raw string) (string, bool) { return markdown.SafeURL(raw) }
