package sqlstore

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sitrep"
)

// The crash test re-executes this test binary as a writer and kills it with
// SIGKILL at random moments. The child prints "ACK R run batch" after each
// AppendResults and "ACK S run batch" after each RecordStateChange returned;
// everything acknowledged must be there after reopening, and the file must
// pass integrity_check.

const (
	crashEnvDB  = "SITREP_CRASH_DB"
	crashEnvRun = "SITREP_CRASH_RUN"
	crashBatch  = 20
	crashMons   = 5
)

var crashBase = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)

func crashTime(run, batch, j int) time.Time {
	return crashBase.Add(time.Duration(run)*1000*time.Hour + time.Duration(batch*crashBatch+j)*time.Second)
}

func TestHelperWriter(t *testing.T) {
	path := os.Getenv(crashEnvDB)
	if path == "" {
		t.Skip("only runs as the child of TestCrashSafety")
	}
	var run int
	fmt.Sscan(os.Getenv(crashEnvRun), &run)
	ctx := context.Background()
	s, err := Open(ctx, Options{Driver: "sqlite", Path: path})
	if err != nil {
		t.Fatal(err)
	}
	// Many short compaction transactions, so that kills also land between
	// two of them.
	s.compactPerTx = 2 * crashBatch
	for i := 0; ; i++ {
		mon := fmt.Sprintf("m%d", i%crashMons)
		rs := make([]sitrep.Result, crashBatch)
		for j := range rs {
			rs[j] = sitrep.Result{MonitorID: mon, Location: "oslo", Time: crashTime(run, i, j), Status: sitrep.ResultUp, Latency: time.Millisecond}
		}
		if err := s.AppendResults(ctx, rs); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("ACK R %d %d\n", run, i)
		c := sitrep.StateChange{MonitorID: mon, From: sitrep.StateUp, To: sitrep.StateDown, At: crashTime(run, i, 0), Reason: fmt.Sprintf("%d-%d", run, i)}
		if err := s.RecordStateChange(ctx, c); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("ACK S %d %d\n", run, i)
		if i%25 == 24 {
			if err := s.Maintain(ctx, crashTime(run, i, 0)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

type ack struct {
	kind       string
	run, batch int
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes; skipped in -short")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var acked []ack
	deadline := time.Now().Add(15 * time.Second)
	for run := 0; run < 15 && time.Now().Before(deadline); run++ {
		got := runAndKill(t, path, run, 1+rng.IntN(600))
		acked = append(acked, got...)
		verifyCrash(t, path, acked)
		t.Logf("run %d: %d acknowledgements, %d in total verified", run, len(got), len(acked))
	}
	if len(acked) == 0 {
		t.Fatal("the writer acknowledged nothing; the test proved nothing")
	}
}

// runAndKill starts a writer and kills it once it has acknowledged killAfter
// writes: the child keeps writing while the signal travels, so the kill lands
// at an unpredictable point of a transaction, not at a quiet moment.
func runAndKill(t *testing.T, path string, run, killAfter int) []ack {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnvDB+"="+path, fmt.Sprintf("%s=%d", crashEnvRun, run))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var got []ack
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var a ack
		if n, _ := fmt.Sscanf(sc.Text(), "ACK %s %d %d", &a.kind, &a.run, &a.batch); n == 3 {
			got = append(got, a)
			if len(got) == killAfter {
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// Lines already in the pipe after the kill are acknowledgements too.
	_ = cmd.Wait()
	if len(got) < killAfter {
		t.Fatalf("writer exited after %d acknowledgements, before it was killed", len(got))
	}
	return got
}

func verifyCrash(t *testing.T, path string, acked []ack) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, Options{Driver: "sqlite", Path: path})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	var check string
	if err := s.w.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	results := map[string]map[int64]bool{}
	changes := map[string]bool{}
	for m := range crashMons {
		mon := fmt.Sprintf("m%d", m)
		rs, err := s.Results(ctx, mon, crashBase, crashBase.Add(100000*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		results[mon] = map[int64]bool{}
		for _, r := range rs {
			if results[mon][r.Time.UnixMilli()] {
				t.Fatalf("result %s at %v stored twice", mon, r.Time)
			}
			results[mon][r.Time.UnixMilli()] = true
		}
		cs, err := s.StateChanges(ctx, mon, crashBase, crashBase.Add(100000*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			changes[c.Reason] = true
		}
	}
	for _, a := range acked {
		mon := fmt.Sprintf("m%d", a.batch%crashMons)
		switch a.kind {
		case "R":
			for j := range crashBatch {
				if !results[mon][crashTime(a.run, a.batch, j).UnixMilli()] {
					t.Fatalf("acknowledged result batch %d/%d lost (result %d)", a.run, a.batch, j)
				}
			}
		case "S":
			if !changes[fmt.Sprintf("%d-%d", a.run, a.batch)] {
				t.Fatalf("acknowledged state change %d/%d lost", a.run, a.batch)
			}
		default:
			t.Fatalf("unexpected acknowledgement %q", strings.TrimSpace(a.kind))
		}
	}
	// Compaction must also survive: run it here too, so the next child
	// starts from blocks as well as log rows.
	if err := s.Maintain(ctx, time.Now()); err != nil {
		t.Fatalf("Maintain after kill: %v", err)
	}
}
