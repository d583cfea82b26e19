package acceptance

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// sitrepBin is the binary under test, built once by TestMain.
var sitrepBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

// buildAndRun builds ./cmd/sitrep into a temporary directory. A build failure
// fails the package loudly: skipping would report acceptance as passed.
func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "sitrep-acceptance-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "acceptance: make temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	sitrepBin = filepath.Join(dir, "sitrep")
	cmd := exec.Command("go", "build", "-o", sitrepBin, "sitrep/cmd/sitrep")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "acceptance: build sitrep: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}
