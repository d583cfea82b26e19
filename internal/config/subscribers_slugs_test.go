package config

import "testing"

// The subscription routes live at the root (/subscribe, /confirm/TOKEN,
// /unsubscribe/TOKEN, /manage/TOKEN); a page there would be unreachable.
func TestSubscriptionSlugsReserved(t *testing.T) {
	for _, slug := range []string{"subscribe", "confirm", "unsubscribe", "manage"} {
		t.Run(slug, func(t *testing.T) {
			want := `"` + slug + `" is taken by sitrep's own /` + slug + ` route; choose another, e.g. ` + slug + `-status`
			if got := checkSlug(slug); got != want {
				t.Fatalf("checkSlug(%q) = %q, want %q", slug, got, want)
			}
		})
	}
	if got := checkSlug("subscribers"); got != "" {
		t.Fatalf("a slug merely starting with a reserved word is refused: %s", got)
	}
}
