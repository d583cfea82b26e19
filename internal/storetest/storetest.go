// Package storetest is the conformance suite every sitrep.Store must pass.
// internal/sqlstore runs it against SQLite always and PostgreSQL when present.
package storetest

import (
	"context"
	"testing"
	"time"

	"sitrep"
)

// Budgeter is implemented by stores whose budget can be changed at run time;
// the eviction case is skipped for stores without it.
type Budgeter interface {
	SetBudget(bytes int64)
}

// base is a fixed past instant; every case works relative to it so that
// bucket alignment is known.
var base = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)

type tcase struct {
	name string
	run  func(t *testing.T, s sitrep.Store)
}

// Run runs every behaviour against a fresh store from open, in parallel.
func Run(t *testing.T, open func(t *testing.T) sitrep.Store) {
	cases := []tcase{
		{"ResultsAcrossLogAndBlocks", testResultsAcrossBoundary},
		{"ResultsRange", testResultsRange},
		{"LateResultMergesIntoBlock", testLateResult},
		{"OldestRaw", testOldestRaw},
		{"Rollups", testRollups},
		{"RollupsIdempotentMaintain", testRollupsIdempotent},
		{"RollupsUTCAlignment", testRollupsUTC},
		{"RollupsBadResolution", testRollupsBadResolution},
		{"BudgetEvictionOrder", testBudgetEviction},
		{"StateChanges", testStateChanges},
		{"MonitorStatesResume", testMonitorStates},
		{"HeartbeatTokens", testTokens},
		{"Pings", testPings},
		{"Writable", testWritable},
		{"Usage", testUsage},
		{"UnknownMonitor", testUnknownMonitor},
		{"IncidentRoundTrip", testIncidentRoundTrip},
		{"IncidentUpdate", testIncidentUpdate},
		{"IncidentUpdateAborts", testIncidentUpdateAborts},
		{"IncidentConcurrentUpdates", testIncidentConcurrentUpdates},
		{"FindIncidents", testFindIncidents},
		{"MaintenanceRoundTrip", testMaintenanceRoundTrip},
		{"MaintenanceUpdate", testMaintenanceUpdate},
		{"MaintenanceEdit", testMaintenanceEdit},
		{"FindMaintenances", testFindMaintenances},
		{"AdminToken", testAdminToken},
		{"BudgetKeepsRecords", testBudgetKeepsRecords},
		{"SubscriberRoundTrip", testSubscriberRoundTrip}, {"SubscriberConfirm", testSubscriberConfirm}, {"SubscribersFor", testSubscribersFor},
	}
	cases = append(cases, outboxCases...)
	cases = append(cases, alertCases...)
	cases = append(cases, accountCases...)
	cases = append(cases, idempotencyCases...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			c.run(t, s)
		})
	}
}

func ctxOf(t *testing.T) context.Context { return t.Context() }
