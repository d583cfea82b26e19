package app

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAdminEntryPoints: the first start prints a one-time setup link, the
// sign-in page is served, and the admin UI refuses an anonymous visitor.
func TestAdminEntryPoints(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "sitrep.yaml")
	if err := os.WriteFile(cfgPath, []byte("monitors: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	a := New(Options{ConfigPath: cfgPath, DataDir: filepath.Join(dir, "data"), Listen: "127.0.0.1:0", Stdout: &out, WatchInterval: -1})
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Stop(context.Background()) })
	base := "http://" + a.Addr().String()

	link := regexp.MustCompile(`http://\S+/setup\?token=\S+`).FindString(out.String())
	if link == "" {
		t.Fatalf("first start prints no setup link:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "data", secretKeyFile)); err != nil {
		t.Errorf("no secret key in the data directory: %v", err)
	}
	if code, body := get(t, link); code != http.StatusOK || !strings.Contains(body, "password") {
		t.Errorf("GET setup link = %d, want the setup form", code)
	}
	if code, body := get(t, base+"/login"); code != http.StatusOK || !strings.Contains(body, `name="email"`) || !strings.Contains(body, `name="password"`) {
		t.Errorf("GET /login = %d, want a form with email and password", code)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(base + "/admin/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 300 || resp.StatusCode >= 400 || !strings.Contains(resp.Header.Get("Location"), "/login") {
		t.Errorf("anonymous GET /admin/ = %d to %q, want a redirect to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The public side is unchanged by the admin mount.
	if code, _ := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
}
