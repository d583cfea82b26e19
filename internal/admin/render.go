package admin

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"hash/crc32"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

type staticFile struct {
	body        []byte
	contentType string
}

// parseTemplates builds one template set per page: each page file is parsed
// with the layout so that every page can define its own "content".
func parseTemplates(funcs template.FuncMap) (map[string]*template.Template, error) {
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*template.Template)
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", p)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		out[name] = t
	}
	if out["error"] == nil {
		return nil, errors.New("template error is missing")
	}
	return out, nil
}

// loadStatic reads the embedded assets; the stylesheet's URL carries a hash
// of its content so it can be cached for a year.
func loadStatic() (files map[string]staticFile, cssPath, jsPath string, err error) {
	files = make(map[string]staticFile)
	err = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
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
	if err != nil {
		return nil, "", "", err
	}
	css, ok := files["admin.css"]
	js, ok2 := files["admin.js"]
	if !ok || !ok2 {
		return nil, "", "", errors.New("admin.css or admin.js is missing")
	}
	version := func(f staticFile) string { return strconv.FormatUint(uint64(crc32.ChecksumIEEE(f.body)), 36) }
	return files, "/admin/static/admin.css?v=" + version(css), "/admin/static/admin.js?v=" + version(js), nil
}

func (u *UI) handleStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := u.static[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("Content-Type", f.contentType)
	w.Write(f.body) //nolint:errcheck // the client went away
}

// view is what every page template gets.
type view struct {
	Title    string
	Nav      string // the section to mark as current
	CSS      string
	User     *sitrep.User
	Role     sitrep.Role
	CanWrite bool
	CSRF     string
	Zone     string
	Error    string // a problem with what was sent, shown above the form
	Notice   string
	// Refresh asks the page script to reload the main content every so
	// many seconds (0: never); the page is complete without it.
	Refresh int
	JS      string
	// Show lists the optional sections this role can open.
	Show sections
	Data any
}

func (u *UI) newView(s *sitrep.Session, title, nav string, data any) *view {
	v := &view{Title: title, Nav: nav, CSS: u.cssPath, JS: u.jsPath, Zone: u.loc.String(), Data: data}
	if s != nil {
		user := s.User
		v.User, v.Role, v.CanWrite, v.CSRF = &user, s.Principal.Role, s.Principal.Can(true), s.CSRFToken
		v.Show = u.sectionsFor(s.Principal.Role)
	}
	return v
}

// render writes a page; it renders into a buffer first so that a template
// failure becomes a clean 500 instead of half a page.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	t := u.tmpl[name]
	var buf bytes.Buffer
	if t == nil {
		u.logger.ErrorContext(r.Context(), "no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		u.logger.ErrorContext(r.Context(), "render page", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
}

type errorData struct {
	Status  int
	Heading string
	Message string
	SignIn  bool
}

// fail answers with an error page. Internal errors are logged with their
// detail and shown without it.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, s *sitrep.Session, err error) {
	code := sitrep.ErrorCode(err)
	if code == sitrep.EINTERNAL {
		u.logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	status := sitrep.HTTPStatus(code)
	d := errorData{Status: status, Heading: http.StatusText(status), Message: errorText(err), SignIn: code == sitrep.EUNAUTHORIZED}
	if status == http.StatusForbidden {
		d.Heading = "Not allowed"
	}
	u.render(w, r, status, "error", u.newView(s, d.Heading, "", d))
}

// errorText is the message for a person: it names the field when one is to blame.
func errorText(err error) string {
	var e *sitrep.Error
	if errors.As(err, &e) && e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return sitrep.ErrorMessage(err)
}

func (u *UI) funcs() template.FuncMap {
	return template.FuncMap{
		"when":   u.fmtTime,
		"iso":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"label":  label,
		"status": componentLabel,
		"md":     renderMarkdown,
		"dur":    fmtDuration,
		"ms": func(d time.Duration) string {
			return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64)
		},
		"pct":      func(f float64) string { return strconv.FormatFloat(f*100, 'f', 2, 64) + "%" },
		"local":    u.fmtLocal,
		"statuses": func() []sitrep.ComponentStatus { return sitrep.ComponentStatuses },
		"add1":     func(i int) int { return i + 1 },
		"pathid":   pathID,
		// sso is the identity provider's button text, "" without one.
		"sso": func() string {
			if u.idp == nil {
				return ""
			}
			return u.idp.Label()
		},
	}
}

func (u *UI) fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(u.loc).Format("2 Jan 2006, 15:04 MST")
}

// fmtLocal is the value of a datetime-local input.
func (u *UI) fmtLocal(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(u.loc).Format("2006-01-02T15:04")
}

// label turns a snake_case enum into words: "in_progress" → "In progress".
func label(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

var componentLabels = map[sitrep.ComponentStatus]string{
	sitrep.StatusOperational:      "Operational",
	sitrep.StatusUnderMaintenance: "Under maintenance",
	sitrep.StatusDegraded:         "Degraded performance",
	sitrep.StatusPartialOutage:    "Partial outage",
	sitrep.StatusMajorOutage:      "Major outage",
}

func componentLabel(s sitrep.ComponentStatus) string {
	if l, ok := componentLabels[s]; ok {
		return l
	}
	return "Unknown"
}

func fmtDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return strconv.Itoa(h) + " h"
		}
		return fmt.Sprintf("%d h %d min", h, m)
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " days"
}
