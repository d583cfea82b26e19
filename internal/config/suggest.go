package config

import (
	"strings"
)

// didYouMean returns the candidate closest to s by edit distance, or "" when
// none is close enough to be a plausible typo.
func didYouMean(s string, candidates []string) string {
	best, bestDist := "", -1
	limit := max(1, min(3, len(s)/3))
	for _, c := range candidates {
		d := levenshtein(strings.ToLower(s), strings.ToLower(c))
		if d <= limit && (bestDist < 0 || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// levenshtein counts the single-rune insertions, deletions and substitutions
// that turn a into b.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// suggestion formats the end of an "unknown ..." message: a did-you-mean
// when there is a close candidate, else the full list of valid values.
func suggestion(s string, candidates []string) string {
	if m := didYouMean(s, candidates); m != "" {
		return "did you mean " + m + "?"
	}
	return "valid: " + strings.Join(candidates, ", ")
}
