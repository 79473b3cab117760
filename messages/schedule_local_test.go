package messages

import (
	"testing"
	"time"
)

// Issue 9, item 8: "Local" is the host's zone, not an IANA name; on a UTC
// machine a 10/10 08:00 campaign would go out at 15:00 in Hanoi.
func TestScheduleRefusesLocalTimezone(t *testing.T) {
	s := Schedule{Yearly: &Yearly{Month: 10, Day: 10, Hour: 8}, Timezone: "Local"}
	if err := s.Validate(); err == nil {
		t.Fatal(`timezone "Local" accepted`)
	}
	if _, ok := s.Next(time.Now()); ok {
		t.Fatal(`Next computed a time in "Local"`)
	}
	s.Timezone = "Asia/Ho_Chi_Minh"
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
}
