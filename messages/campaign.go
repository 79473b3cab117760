package messages

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// CampaignSpec is a campaign as staff describe it in a file for
// "loa broadcast create --file campaign.yaml" (see testdata/ngay-cds.yaml).
type CampaignSpec struct {
	Name     string
	Content  Content
	Audience Audience
	Schedule Schedule
}

// Audience filters recipients; every list is an OR of its entries, lists
// combine with AND, and an empty list means everyone.
type Audience struct {
	Localities      []string `yaml:"localities" json:"localities,omitempty"` // locality codes
	FormerDistricts []string `yaml:"former_districts" json:"former_districts,omitempty"`
	Agencies        []string `yaml:"agencies" json:"agencies,omitempty"`
	Languages       []string `yaml:"languages" json:"languages,omitempty"`
	Channels        []string `yaml:"channels" json:"channels,omitempty"`
}

// campaignFile is the YAML shape; it differs from CampaignSpec only in the
// schedule, whose times are text until a time zone is known.
type campaignFile struct {
	Name     string       `yaml:"name"`
	Content  Content      `yaml:"content"`
	Audience Audience     `yaml:"audience"`
	Schedule scheduleFile `yaml:"schedule"`
}

type scheduleFile struct {
	At       scalar  `yaml:"at"`
	Yearly   *Yearly `yaml:"yearly"`
	Timezone string  `yaml:"timezone"`
}

// scalar keeps a YAML value's text as written and its line: an unquoted
// "2026-10-10 08:00:00" would otherwise become a UTC timestamp.
type scalar struct {
	value string
	line  int
}

func (s *scalar) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a date and time like 2026-10-10 08:00", n.Line)
	}
	s.value, s.line = n.Value, n.Line
	return nil
}

// ParseCampaignYAML reads and validates a campaign file. Unknown fields
// are errors with their line (a typo like "buton_url" must not silently
// drop a button); invalid content is a *ValidationError with paths such as
// "content.variants.vi.text".
func ParseCampaignYAML(r io.Reader) (*CampaignSpec, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var f campaignFile
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("campaign file: empty")
		}
		return nil, fmt.Errorf("campaign file: %w", err)
	}
	if err := dec.Decode(new(yaml.Node)); !errors.Is(err, io.EOF) {
		return nil, errors.New("campaign file: one campaign per file (found a second YAML document)")
	}
	spec, err := f.spec()
	if err != nil {
		return nil, err
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return spec, nil
}

func (f campaignFile) spec() (*CampaignSpec, error) {
	s := &CampaignSpec{
		Name:     strings.TrimSpace(f.Name),
		Content:  f.Content,
		Audience: f.Audience,
		Schedule: Schedule{Yearly: f.Schedule.Yearly, Timezone: f.Schedule.Timezone},
	}
	if s.Schedule.Timezone == "" {
		s.Schedule.Timezone = DefaultTimezone
	}
	if f.Schedule.At.value == "" {
		return s, nil
	}
	loc, err := s.Schedule.Location()
	if err != nil {
		return nil, fmt.Errorf("campaign file: line %d: %w", f.Schedule.At.line, err)
	}
	at, err := parseLocalTime(f.Schedule.At.value, loc)
	if err != nil {
		return nil, fmt.Errorf("campaign file: line %d: schedule.at: %s: %w",
			f.Schedule.At.line, fmt.Sprintf(msgBadAt, f.Schedule.At.value), err)
	}
	s.Schedule.At = &at
	return s, nil
}

// parseLocalTime reads a wall-clock time in loc; RFC 3339 with an explicit
// offset is accepted too and keeps its offset.
func parseLocalTime(v string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	var firstErr error
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		t, err := time.ParseInLocation(layout, v, loc)
		if err == nil {
			return t, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return time.Time{}, firstErr
}

// Validate checks the whole campaign; paths are those of the file.
func (s *CampaignSpec) Validate() error {
	ve := &ValidationError{}
	switch n := utf8.RuneCountInString(s.Name); {
	case strings.TrimSpace(s.Name) == "":
		ve.add("name", msgMissingName)
	case n > MaxNameLen:
		ve.add("name", fmt.Sprintf(msgNameTooLong, MaxCampaignName, n))
	}
	if r, ok := InvisibleRune(s.Name); ok {
		ve.add("name", fmt.Sprintf(msgNameInvisible, r))
	}
	ve.merge("content.", s.Content.ValidateFor(LimitsFor(s.Audience.Channels)...))
	s.Audience.validate(ve)
	ve.merge("", s.Schedule.Validate())
	return ve.err()
}

func (a Audience) validate(ve *ValidationError) {
	checkList(ve, "audience.localities", a.Localities, nil, "")
	checkList(ve, "audience.former_districts", a.FormerDistricts, nil, "")
	checkList(ve, "audience.agencies", a.Agencies, nil, "")
	checkList(ve, "audience.languages", a.Languages, supportedLocales, msgUnknownLanguage)
	known := ChannelNames()
	for i, v := range a.Channels {
		if strings.TrimSpace(v) != "" && !slices.Contains(known, v) {
			ve.add(fmt.Sprintf("audience.channels[%d]", i), fmt.Sprintf(msgUnknownChannel, v, strings.Join(known, ", ")))
		}
	}
	checkList(ve, "audience.channels", a.Channels, nil, "")
}

// checkList refuses blank entries and, when known is given, unknown ones.
func checkList(ve *ValidationError, path string, list, known []string, msg string) {
	for i, v := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case strings.TrimSpace(v) == "":
			ve.add(p, msgEmptyCode)
		case known != nil && !slices.Contains(known, v):
			ve.add(p, fmt.Sprintf(msg, v))
		}
	}
}

// MaxCampaignName is the longest campaign name, in characters (the column's CHECK).
const MaxCampaignName = 200

// Validate checks an audience on its own (for counting it): blank entries,
// unknown languages and channels. Codes are checked against the database by
// the caller.
func (a Audience) Validate() error {
	ve := &ValidationError{}
	a.validate(ve)
	return ve.err()
}

// InvisibleRune returns the first character of s that must not be in a
// name people read in lists: control characters and the invisible ones
// that can disguise a name — format characters (Unicode category Cf:
// right-to-left overrides and isolates, zero-width spaces and joiners, soft
// hyphens, byte-order marks) and line or paragraph separators.
func InvisibleRune(s string) (rune, bool) {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return r, true
		}
	}
	return 0, false
}
