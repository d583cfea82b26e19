package web

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"sitrep"
)

// exportMarker marks a directory written by an export, so that an export
// never replaces a directory it did not write (a mistyped --out $HOME).
const exportMarker = ".sitrep-export"

// writeExport writes files into a new directory beside dir and swaps it in:
// dir is renamed aside, the new copy renamed to dir, the old one removed.
// Between the two renames dir is briefly missing, never half written.
func writeExport(dir string, files map[string][]byte) error {
	dir = filepath.Clean(dir)
	if err := checkReplaceable(dir); err != nil {
		return err
	}
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return fmt.Errorf("create a temporary directory beside %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	// MkdirTemp makes it 0700; the copy is for a web server to read.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("export to %s: %w", tmp, err)
	}
	files[exportMarker] = []byte("written by sitrep export; the whole directory is replaced on the next export\n")
	for name, body := range files {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
	}
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("move the previous copy aside: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir) // put the previous copy back
		}
		return fmt.Errorf("move the new copy into place: %w", err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("remove the previous copy %s: %w", old, err)
		}
	}
	return nil
}

// checkReplaceable allows a missing or empty directory, or one holding a
// previous export.
func checkReplaceable(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export to %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return sitrep.Errorf(sitrep.EINVALID, "export to %s: it is a file, not a directory", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, exportMarker)); err == nil {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("export to %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return sitrep.Errorf(sitrep.EINVALID, "export to %s: refusing to replace a directory that is not empty and was not written by an export (no %s file in it)", dir, exportMarker)
	}
	return nil
}
