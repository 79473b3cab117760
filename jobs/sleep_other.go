//go:build !linux

package jobs

import "time"

// preciseSleep is time.Sleep where the kernel's sleep is not wired up.
func preciseSleep(d time.Duration) { time.Sleep(d) }
