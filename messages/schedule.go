package messages

import (
	"fmt"
	"time"
)

// DefaultTimezone is where Loa's residents live; campaign times without a
// zone are read in it.
const DefaultTimezone = "Asia/Ho_Chi_Minh"

// Schedule says when a campaign goes out: once (At) or every year (Yearly),
// exactly one of them. Timezone is an IANA name, DefaultTimezone if empty.
// Loading zones needs tzdata on the host or "time/tzdata" embedded by the
// binary; that is main's choice, not this package's.
type Schedule struct {
	At       *time.Time
	Yearly   *Yearly
	Timezone string
}

// Yearly is a recurrence on a calendar date, in the schedule's time zone,
// e.g. 10 October 08:00 for National Digital Transformation Day.
type Yearly struct {
	Month  int `yaml:"month" json:"month"`
	Day    int `yaml:"day" json:"day"`
	Hour   int `yaml:"hour" json:"hour"`
	Minute int `yaml:"minute" json:"minute"`
}

// Location loads the schedule's time zone.
func (s Schedule) Location() (*time.Location, error) {
	name := s.Timezone
	if name == "" {
		name = DefaultTimezone
	}
	if name == "Local" { // the machine's zone, not an IANA name: a UTC host would send at 15:00 in Hanoi
		return nil, fmt.Errorf("schedule time zone %q: not an IANA zone name", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("schedule time zone: %w", err)
	}
	return loc, nil
}

// Next returns the first send time strictly after after, and false when
// there is none (a one-off time already past, or an invalid schedule). A
// yearly 29 February falls in leap years only.
func (s Schedule) Next(after time.Time) (time.Time, bool) {
	switch {
	case s.At != nil && s.Yearly != nil:
		return time.Time{}, false
	case s.At != nil:
		return *s.At, s.At.After(after)
	case s.Yearly == nil || s.Yearly.validate(&ValidationError{}, "") != nil:
		return time.Time{}, false
	}
	loc, err := s.Location()
	if err != nil {
		return time.Time{}, false
	}
	y := s.Yearly
	year := after.In(loc).Year()
	// Leap years are at most 8 years apart (2096 -> 2104).
	for k := 0; k <= 8; k++ {
		if !dayExists(year+k, y.Month, y.Day) {
			continue
		}
		t := time.Date(year+k, time.Month(y.Month), y.Day, y.Hour, y.Minute, 0, 0, loc)
		if t.After(after) {
			return t, true
		}
	}
	return time.Time{}, false
}

// Validate checks the schedule; paths are relative to the schedule.
func (s Schedule) Validate() error {
	ve := &ValidationError{}
	if (s.At == nil) == (s.Yearly == nil) {
		ve.add("schedule", msgScheduleOne)
	}
	if _, err := s.Location(); err != nil {
		ve.add("schedule.timezone", fmt.Sprintf(msgBadTimezone, s.Timezone))
	}
	if s.Yearly != nil {
		_ = s.Yearly.validate(ve, "schedule.yearly.")
	}
	return ve.err()
}

func (y Yearly) validate(ve *ValidationError, prefix string) error {
	if y.Month < 1 || y.Month > 12 {
		ve.add(prefix+"month", msgMonthRange)
	} else if !dayExists(2024, y.Month, y.Day) { // 2024: a leap year
		ve.add(prefix+"day", fmt.Sprintf(msgDayRange, y.Day, y.Month))
	}
	if y.Hour < 0 || y.Hour > 23 {
		ve.add(prefix+"hour", msgHourRange)
	}
	if y.Minute < 0 || y.Minute > 59 {
		ve.add(prefix+"minute", msgMinuteRange)
	}
	return ve.err()
}

func dayExists(year, month, day int) bool {
	if day < 1 || day > 31 || month < 1 || month > 12 {
		return false
	}
	t := time.Date(year, time.Month(month), day, 12, 0, 0, 0, time.UTC)
	return t.Day() == day
}
