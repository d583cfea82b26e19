package admin

import (
	"encoding/csv"
	"net/http"
	"strings"
)

// csvWriter streams an export. Cells that a spreadsheet would read as a
// formula (=, +, -, @, tab, CR first) get a leading apostrophe, so an
// address or audit detail someone typed cannot run in the reader's
// spreadsheet (CSV injection).
type csvWriter struct{ w *csv.Writer }

func newCSV(w http.ResponseWriter, filename string, header ...string) *csvWriter {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	c := &csvWriter{w: csv.NewWriter(w)}
	c.row(header...)
	return c
}

func (c *csvWriter) row(cells ...string) {
	for i, v := range cells {
		cells[i] = defuse(v)
	}
	c.w.Write(cells) //nolint:errcheck // checked once in flush
}

func (c *csvWriter) flush() error {
	c.w.Flush()
	return c.w.Error()
}

func defuse(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
