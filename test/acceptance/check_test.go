package acceptance

import (
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const goodConfig = `location: test
monitors:
  - id: web
    type: http
    url: http://127.0.0.1:9/health
    interval: 30s
`

// TestCheck runs `sitrep check` on good and broken files: a broken one must
// be reported as FILE:LINE:COL with exit status 1.
func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		config string
		// line is where the problem is; 0 accepts any line (YAML syntax
		// errors are located by the parser, not by us).
		line int
		// mention is a word the message must contain.
		mention string
	}{
		{name: "good", config: goodConfig},
		{name: "bad duration", line: 6, mention: "interval", config: strings.Replace(goodConfig, "30s", "banana", 1)},
		{name: "unknown type", line: 4, mention: "htp", config: strings.Replace(goodConfig, "type: http", "type: htp", 1)},
		{name: "unknown field", line: 6, mention: "intervall", config: strings.Replace(goodConfig, "interval:", "intervall:", 1)},
		{name: "missing url", line: 3, mention: "url", config: strings.Replace(goodConfig, "    url: http://127.0.0.1:9/health\n", "", 1)},
		{name: "yaml syntax", mention: "YAML", config: goodConfig + "  - id: [unclosed\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sitrep.yaml")
			writeFile(t, path, tt.config)
			cmd := exec.Command(sitrepBin, "check", "--config", path)
			cmd.Env = cleanEnv()
			out, err := cmd.CombinedOutput()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatalf("run sitrep check: %v", err)
			}

			if tt.line == 0 && tt.mention == "" {
				if code != 0 {
					t.Fatalf("exit status %d for a good file, want 0; output:\n%s", code, out)
				}
				return
			}
			if code != 1 {
				t.Errorf("exit status %d, want 1; output:\n%s", code, out)
			}
			re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(path) + `:(\d+):(\d+): (.*)$`)
			m := re.FindSubmatch(out)
			if m == nil {
				t.Fatalf("no %s:LINE:COL: message in output:\n%s", path, out)
			}
			if line, _ := strconv.Atoi(string(m[1])); tt.line != 0 && line != tt.line {
				t.Errorf("problem reported on line %d, want %d; output:\n%s", line, tt.line, out)
			}
			if !strings.Contains(strings.ToLower(string(out)), strings.ToLower(tt.mention)) {
				t.Errorf("output does not mention %q:\n%s", tt.mention, out)
			}
		})
	}
}
