// Package acceptance runs the real sitrep binary, built once per test run,
// and checks what a user sees: files written on a zero-config start, `sitrep
// check` messages, config reload, heartbeat pings, and that nothing the API
// reported is lost when the process is killed with SIGKILL.
//
// The tests need only loopback networking and the Go toolchain:
//
//	go test ./test/acceptance
package acceptance
