package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of utime/stime in /proc/PID/stat. It is 100
// on every Linux architecture Go supports; reading it needs sysconf (cgo).
const clockTicks = 100

// buildBinary compiles ./cmd/sitrep from the module root into dir.
func buildBinary(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "sitrep")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/sitrep")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build sitrep: %w\n%s", err, out)
	}
	return bin, nil
}

// moduleRoot finds the directory holding go.mod, so the harness works from
// any directory inside the module.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find module root: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("find module root: not inside the sitrep module")
	}
	return filepath.Dir(mod), nil
}

// freePort asks the kernel for a port that is free right now on 127.0.0.1.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	return addr, nil
}

// configSpec is what goes into the generated sitrep.yaml.
type configSpec struct {
	driver        string
	pgURL         string
	interval      time.Duration
	timeout       time.Duration
	degradedAbove time.Duration
	flush         time.Duration
	urls          []string
}

func writeConfig(path string, c configSpec) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(w, "location: bench\nstorage:\n  driver: %s\n", c.driver)
	if c.driver == "postgres" {
		fmt.Fprintf(w, "  url: %q\n", c.pgURL)
	}
	fmt.Fprintf(w, "  budget: 4GiB\n  flush_interval: %s\nmonitors:\n", c.flush)
	for i, u := range c.urls {
		fmt.Fprintf(w, "  - id: load-%d\n    type: http\n    url: %s\n    interval: %s\n    timeout: %s\n"+
			"    expect: {status: [200], degraded_above: %s}\n    failures_to_down: 2\n    successes_to_up: 1\n",
			i, u, c.interval, c.timeout, c.degradedAbove)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}

// child is one running `sitrep serve`.
type child struct {
	cmd     *exec.Cmd
	started time.Time
	base    string // http://127.0.0.1:PORT
	done    chan struct{}
	err     error
}

// startChild execs sitrep serve with its output appended to logPath. The
// child gets SIGKILL if the harness dies, so an interrupted run never leaves
// a process behind.
func startChild(bin, cfg, data, addr, logPath string, extra ...string) (*child, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open child log: %w", err)
	}
	cmd := exec.Command(bin, append([]string{"serve", "--config", cfg, "--data", data, "--listen", addr}, extra...)...)
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	c := &child{cmd: cmd, base: "http://" + addr, done: make(chan struct{})}
	c.started = time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start sitrep: %w", err)
	}
	go func() {
		c.err = cmd.Wait()
		logf.Close()
		close(c.done)
	}()
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// waitHealthy polls /healthz until it answers 200 and returns the time from
// exec to that answer.
func (c *child) waitHealthy(ctx context.Context, limit time.Duration) (time.Duration, error) {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if c.exited() {
			return 0, fmt.Errorf("sitrep exited before /healthz answered: %v", c.err)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/healthz", nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(c.started), nil
			}
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("/healthz did not answer 200 within %s", limit)
}

// stop asks for a clean shutdown and kills after grace.
func (c *child) stop(grace time.Duration) (clean bool) {
	if c.exited() {
		return false
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
		return c.err == nil
	case <-time.After(grace):
		_ = c.cmd.Process.Kill()
		<-c.done
		return false
	}
}

// cpuTime returns the process's user+system CPU time so far.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read cpu time: %w", err)
	}
	// The command name may contain spaces; fields are counted after its ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("read cpu time: malformed /proc stat")
	}
	f := strings.Fields(s[i+1:])
	// After ')': state is field 3, utime field 14, stime field 15.
	if len(f) < 13 {
		return 0, errors.New("read cpu time: short /proc stat")
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("read cpu time: %w", err)
	}
	return time.Duration(ut+st) * time.Second / clockTicks, nil
}

// memory returns VmHWM (peak RSS) and VmRSS in bytes.
func memory(pid int) (hwm, rss int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("read memory: %w", err)
	}
	for line := range strings.Lines(string(b)) {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		var dst *int64
		switch k {
		case "VmHWM":
			dst = &hwm
		case "VmRSS":
			dst = &rss
		default:
			continue
		}
		f := strings.Fields(v)
		if len(f) == 2 && f[1] == "kB" {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			*dst = n * 1024
		}
	}
	return hwm, rss, nil
}

// dirSize sums the sizes of the regular files under dir. SQLite's -shm file is
// a memory map of WAL indexes, not data, so it is left out.
func dirSize(dir string) (int64, error) {
	return sumFiles(dir, func(path string) bool { return !strings.HasSuffix(path, "-shm") })
}

// dbSize is dirSize without the WAL: the WAL is reused after every
// checkpoint and stays about the same size, so it is overhead, not growth.
func dbSize(dir string) (int64, error) {
	return sumFiles(dir, func(path string) bool {
		return !strings.HasSuffix(path, "-shm") && !strings.HasSuffix(path, "-wal")
	})
}

func sumFiles(dir string, keep func(path string) bool) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !keep(path) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		total += info.Size()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("measure data dir: %w", err)
	}
	return total, nil
}

// loadAvg returns the 1-minute load average (0 if unreadable).
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// raiseFileLimit lifts the soft open-files limit to the hard one: every
// target connection and every check's socket is a descriptor, and the child
// inherits the raised limit.
func raiseFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("read open-files limit: %w", err)
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return 0, fmt.Errorf("raise open-files limit: %w", err)
		}
	}
	return lim.Cur, nil
}
