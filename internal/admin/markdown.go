package admin

import (
	"html/template"

	"sitrep/internal/markdown"
)

// renderMarkdown renders what a person typed, safely (see internal/markdown).
func renderMarkdown(src string) template.HTML { return markdown.HTML(src) }
