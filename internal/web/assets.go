package web

import (
	"embed"
	"fmt"
	"hash/crc32"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// staticFile is an embedded asset kept in memory with its content type.
type staticFile struct {
	body        []byte
	contentType string
}

// mustParseTemplates parses the embedded templates. A failure is a build
// defect, not a runtime condition, so it stops the start (tested in
// TestNewParsesTemplates) rather than a user's request.
func mustParseTemplates() *template.Template {
	return template.Must(template.New("").ParseFS(templateFS, "templates/*.html"))
}

// mustLoadStatic reads the embedded static files and returns them with the
// stylesheet's versioned URL: the version is a hash of the content, so the
// file can be cached for a year and a new release still takes effect.
func mustLoadStatic() (map[string]staticFile, string) {
	files := make(map[string]staticFile)
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		files[path.Base(p)] = staticFile{body: body, contentType: ct}
		return nil
	})
	css, ok := files["style.css"]
	if err != nil || !ok {
		panic(fmt.Sprintf("web: embedded static files are broken (style.css present: %v): %v", ok, err))
	}
	version := strconv.FormatUint(uint64(crc32.ChecksumIEEE(css.body)), 36)
	return files, "/static/style.css?v=" + version
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := s.static[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	s.writeBody(w, r, http.StatusOK, f.contentType, f.body)
}
