package web

import (
	"strconv"

	"sitrep"
)

// Cursors are opaque to clients by contract ("pass back next_cursor"), so
// the position they carry can change from an offset to a key without
// breaking anyone. Today the cursor is the offset written in decimal: the
// Go client's tests and scripts written before this file see the same
// values as before. Only these two functions know the format.
func encodeCursor(offset int) string { return strconv.Itoa(offset) }

func decodeCursor(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || strconv.Itoa(n) != s {
		return 0, sitrep.FieldErrorf(sitrep.EINVALID, "cursor", "invalid cursor %q; pass the next_cursor of the previous page", s)
	}
	return n, nil
}

// pageOf cuts one page out of a list the service returned whole, and the
// cursor of the next page, nil at the end.
func pageOf[T any](all []T, offset, limit int) ([]T, *string) {
	if offset >= len(all) {
		return all[:0], nil
	}
	end := min(offset+limit, len(all))
	var next *string
	if end < len(all) {
		c := encodeCursor(end)
		next = &c
	}
	return all[offset:end], next
}

// parseLimit reads limit= within [1, maxLimit] and cursor=.
func parseLimitCursor(get func(string) string, def, maxLimit int) (limit, offset int, err error) {
	limit = def
	if s := get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return 0, 0, sitrep.FieldErrorf(sitrep.EINVALID, "limit", "expected a whole number from 1 to %d, got %q", maxLimit, s)
		}
		limit = n
	}
	if s := get("cursor"); s != "" {
		if offset, err = decodeCursor(s); err != nil {
			return 0, 0, err
		}
	}
	return limit, offset, nil
}
