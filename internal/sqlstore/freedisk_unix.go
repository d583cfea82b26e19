//go:build linux || darwin

package sqlstore

import (
	"fmt"
	"path/filepath"
	"syscall"
)

// statfsFree reports the bytes available to an unprivileged user on the file
// system holding path.
func statfsFree(path string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
		return -1, fmt.Errorf("statfs %s: %w", filepath.Dir(path), err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
