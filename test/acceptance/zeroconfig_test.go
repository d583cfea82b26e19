package acceptance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestZeroConfig starts sitrep in an empty directory with nothing but a
// listen address: it must write a starter config and a data directory, say
// so, and watch itself.
func TestZeroConfig(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir)
	s.waitHealthy()

	eventually(t, s, 10*time.Second, "the start-up banner", func() (bool, string) {
		out := s.out.String()
		for _, want := range []string{s.addr, "sitrep.yaml", "sitrep-data"} {
			if !strings.Contains(out, want) {
				return false, "output lacks " + want + ":\n" + out
			}
		}
		return true, ""
	})
	if st, err := os.Stat(filepath.Join(dir, "sitrep.yaml")); err != nil || !st.Mode().IsRegular() {
		t.Errorf("./sitrep.yaml was not written: %v", err)
	}
	if st, err := os.Stat(filepath.Join(dir, "sitrep-data")); err != nil || !st.IsDir() {
		t.Errorf("./sitrep-data/ was not created: %v", err)
	}

	// The starter config watches sitrep's own address; its first check may
	// come anywhere within its interval, so the limit is generous.
	eventually(t, s, 70*time.Second, "the self monitor to be up", func() (bool, string) {
		ms, err := s.monitors()
		if err != nil {
			return false, err.Error()
		}
		for _, m := range ms {
			if strings.Contains(m.Target, s.addr) {
				return m.State == "up", "self monitor " + m.ID + " is " + m.State
			}
		}
		return false, "no monitor targets " + s.addr + "; monitors: " + strings.Join(ids(ms), ", ")
	})
	s.stop()
}
