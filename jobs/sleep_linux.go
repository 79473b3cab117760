package jobs

import (
	"syscall"
	"time"
)

// preciseSleep blocks this goroutine's OS thread for d (at most
// preciseAhead, so no context is needed): the kernel's high-resolution timer
// wakes it within tens of microseconds, where a Go timer waits for the
// netpoller's next millisecond. The runtime hands the thread's P to other
// goroutines meanwhile.
func preciseSleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	for syscall.Nanosleep(&ts, &ts) == syscall.EINTR {
	}
}
