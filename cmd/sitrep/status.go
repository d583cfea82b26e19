package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"sitrep"
	"sitrep/internal/client"
)

func runStatus(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("status", env)
	rf := addRemoteFlags(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	c := rf.anyClient()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	health, err := c.Health(ctx)
	if err != nil {
		return err
	}
	views, err := c.Monitors(ctx)
	if err != nil {
		return err
	}
	if rf.json {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"health": health, "monitors": views})
	}
	writeStatus(env.stdout, health, views, time.Now())
	return nil
}

// writeStatus prints the server's health, its storage budget use and one
// line per monitor, worst first so a broken thing is on the first screen.
func writeStatus(w io.Writer, h client.HealthReport, views []sitrep.MonitorView, now time.Time) {
	fmt.Fprintf(w, "server:   %s", h.Status)
	if h.Error != "" {
		fmt.Fprintf(w, " (%s)", h.Error)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "storage:  %s of %s budget (%.1f%%)", bytesIEC(h.Disk.Bytes), bytesIEC(h.Disk.Budget), percent(h.Disk.Bytes, h.Disk.Budget))
	if h.Disk.Free >= 0 {
		fmt.Fprintf(w, ", %s free on disk", bytesIEC(h.Disk.Free))
	}
	if h.Disk.Low {
		fmt.Fprint(w, " — LOW DISK: raw results are being dropped")
	}
	fmt.Fprintln(w)
	counts := map[sitrep.State]int{}
	for _, v := range views {
		counts[v.State]++
	}
	fmt.Fprintf(w, "monitors: %d (%d up, %d degraded, %d down, %d unknown)\n\n",
		len(views), counts[sitrep.StateUp], counts[sitrep.StateDegraded], counts[sitrep.StateDown], counts[sitrep.StateUnknown])

	sortWorstFirst(views)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATE\tID\tTYPE\tSINCE\tLATENCY\tTARGET\tERROR")
	for _, v := range views {
		since, latency, errText := "-", "-", ""
		if !v.Since.IsZero() {
			since = ago(now.Sub(v.Since))
		}
		if r := v.LastResult; r != nil {
			latency = fmt.Sprintf("%.1fms", float64(r.Latency)/float64(time.Millisecond))
			errText = r.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", strings.ToUpper(string(v.State)), v.ID, v.Type, since, latency, v.Target, oneLine(errText, 80))
	}
	tw.Flush()
}

var stateRank = map[sitrep.State]int{sitrep.StateDown: 0, sitrep.StateDegraded: 1, sitrep.StateUnknown: 2, sitrep.StateUp: 3}

func sortWorstFirst(views []sitrep.MonitorView) {
	// Insertion-stable order: by rank, then by id (the API already sorts by id).
	for i := 1; i < len(views); i++ {
		for j := i; j > 0 && stateRank[views[j].State] < stateRank[views[j-1].State]; j-- {
			views[j], views[j-1] = views[j-1], views[j]
		}
	}
}

func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm ago", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}

func bytesIEC(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func percent(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}
