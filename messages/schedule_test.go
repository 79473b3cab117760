package messages

import (
	"reflect"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zoneinfo
)

func hcm(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(DefaultTimezone)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestNextYearly(t *testing.T) {
	loc := hcm(t)
	s := Schedule{Yearly: &Yearly{Month: 10, Day: 10, Hour: 8}}
	cases := []struct{ after, want time.Time }{
		{time.Date(2026, 1, 1, 0, 0, 0, 0, loc), time.Date(2026, 10, 10, 8, 0, 0, 0, loc)},
		{time.Date(2026, 10, 10, 7, 59, 0, 0, loc), time.Date(2026, 10, 10, 8, 0, 0, 0, loc)},
		{time.Date(2026, 10, 10, 8, 0, 0, 0, loc), time.Date(2027, 10, 10, 8, 0, 0, 0, loc)},
		{time.Date(2026, 12, 31, 23, 0, 0, 0, loc), time.Date(2027, 10, 10, 8, 0, 0, 0, loc)},
		// 2026-10-10 00:30 UTC is already 07:30 in Hanoi: still this year.
		{time.Date(2026, 10, 10, 0, 30, 0, 0, time.UTC), time.Date(2026, 10, 10, 8, 0, 0, 0, loc)},
		// New Year's Eve 20:00 UTC is 1 January 03:00 in Hanoi.
		{time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC), time.Date(2027, 10, 10, 8, 0, 0, 0, loc)},
	}
	for _, c := range cases {
		got, ok := s.Next(c.after)
		if !ok || !got.Equal(c.want) {
			t.Errorf("Next(%v) = %v, %v; want %v", c.after, got, ok, c.want)
		}
	}
}

func TestNextLeapDay(t *testing.T) {
	loc := hcm(t)
	s := Schedule{Yearly: &Yearly{Month: 2, Day: 29, Hour: 9}, Timezone: DefaultTimezone}
	cases := []struct{ after, want time.Time }{
		{time.Date(2026, 3, 1, 0, 0, 0, 0, loc), time.Date(2028, 2, 29, 9, 0, 0, 0, loc)},
		{time.Date(2028, 2, 29, 9, 0, 0, 0, loc), time.Date(2032, 2, 29, 9, 0, 0, 0, loc)},
		{time.Date(2097, 1, 1, 0, 0, 0, 0, loc), time.Date(2104, 2, 29, 9, 0, 0, 0, loc)}, // 2100 is not leap
	}
	for _, c := range cases {
		got, ok := s.Next(c.after)
		if !ok || !got.Equal(c.want) {
			t.Errorf("Next(%v) = %v, %v; want %v", c.after, got, ok, c.want)
		}
	}
}

func TestNextOnce(t *testing.T) {
	at := time.Date(2026, 10, 10, 8, 0, 0, 0, hcm(t))
	s := Schedule{At: &at}
	if got, ok := s.Next(at.Add(-time.Minute)); !ok || !got.Equal(at) {
		t.Errorf("Next before = %v, %v", got, ok)
	}
	if _, ok := s.Next(at); ok {
		t.Error("Next at the time itself should be false")
	}
}

func TestScheduleValidate(t *testing.T) {
	at := time.Now()
	cases := []struct {
		s    Schedule
		want []string
	}{
		{Schedule{Yearly: &Yearly{Month: 10, Day: 10, Hour: 8}}, nil},
		{Schedule{}, []string{"schedule"}},
		{Schedule{At: &at, Yearly: &Yearly{Month: 1, Day: 1}}, []string{"schedule"}},
		{Schedule{Yearly: &Yearly{Month: 13, Day: 1}}, []string{"schedule.yearly.month"}},
		{Schedule{Yearly: &Yearly{Month: 4, Day: 31}}, []string{"schedule.yearly.day"}},
		{Schedule{Yearly: &Yearly{Month: 2, Day: 29, Hour: 24, Minute: 60}}, []string{"schedule.yearly.hour", "schedule.yearly.minute"}},
		{Schedule{At: &at, Timezone: "Mars/Olympus"}, []string{"schedule.timezone"}},
	}
	for i, c := range cases {
		if got := paths(t, c.s.Validate()); !reflect.DeepEqual(got, c.want) {
			t.Errorf("case %d: paths = %v, want %v", i, got, c.want)
		}
		if _, ok := c.s.Next(at); ok && c.want != nil && c.s.At == nil {
			t.Errorf("case %d: Next on an invalid schedule should be false", i)
		}
	}
}
