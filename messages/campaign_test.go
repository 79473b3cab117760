package messages

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseCampaignSample(t *testing.T) {
	f, err := os.Open("testdata/ngay-cds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	spec, err := ParseCampaignYAML(f)
	if err != nil {
		t.Fatal(err)
	}
	if spec.Name != "ngay-chuyen-doi-so-quoc-gia" {
		t.Errorf("name = %q", spec.Name)
	}
	if y := spec.Schedule.Yearly; y == nil || *y != (Yearly{Month: 10, Day: 10, Hour: 8}) {
		t.Errorf("yearly = %+v", y)
	}
	if !reflect.DeepEqual(spec.Audience.Channels, []string{"telegram"}) {
		t.Errorf("channels = %v", spec.Audience.Channels)
	}
	vi, _ := spec.Content.For("vi")
	if !strings.Contains(vi.Text, "{name}") || vi.ButtonURL != "https://dichvucong.gov.vn" {
		t.Errorf("vi = %+v", vi)
	}
	next, ok := spec.Schedule.Next(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
	if !ok || next.Format("2006-01-02 15:04 -0700") != "2027-10-10 08:00 +0700" {
		t.Errorf("next = %v, %v", next, ok)
	}
	parts, err := Render(vi, spec.Content.Split)
	if err != nil || len(parts) != 1 || parts[0].ButtonText == "" {
		t.Errorf("render = %+v, %v", parts, err)
	}
}

const onceYAML = `
name: test
content:
  variants:
    vi: {text: "Xin chào"}
schedule:
  at: %s
`

func TestParseCampaignAt(t *testing.T) {
	cases := []struct{ at, want string }{
		{"2026-10-10 08:00", "2026-10-10T08:00:00+07:00"},
		{"2026-10-10 08:00:00", "2026-10-10T08:00:00+07:00"}, // would be a UTC timestamp to YAML
		{`"2026-10-10T08:00:00Z"`, "2026-10-10T08:00:00Z"},
	}
	for _, c := range cases {
		spec, err := ParseCampaignYAML(strings.NewReader(strings.Replace(onceYAML, "%s", c.at, 1)))
		if err != nil {
			t.Errorf("%s: %v", c.at, err)
			continue
		}
		if got := spec.Schedule.At.Format(time.RFC3339); got != c.want {
			t.Errorf("%s: at = %s, want %s", c.at, got, c.want)
		}
	}
	yaml := strings.Replace(onceYAML, "%s", "2026-10-10 08:00", 1) + "  timezone: Asia/Tokyo\n"
	spec, err := ParseCampaignYAML(strings.NewReader(yaml))
	if err != nil || spec.Schedule.At.Format(time.RFC3339) != "2026-10-10T08:00:00+09:00" {
		t.Errorf("Tokyo: %v, %v", spec, err)
	}
}

func TestParseCampaignErrors(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"", "empty"},
		{"name: x\ncontent:\n  variants:\n    vi:\n      text: a\n      buton_url: https://x.vn\n", "line 6: field buton_url not found"},
		{"name: x\ncolour: red\n", "line 2: field colour not found"},
		{strings.Replace(onceYAML, "%s", "10/10/2026", 1), "line 7: schedule.at"},
		{strings.Replace(onceYAML, "%s", "2026-10-10 08:00", 1) + "---\nname: y\n", "one campaign per file"},
		{"name: x\ncontent:\n  variants:\n    vi: {text: '<div>'}\naudience:\n  languages: [fr]\nschedule:\n  yearly: {month: 2, day: 30}\n",
			"content.variants.vi.text: Telegram would refuse this HTML"},
	}
	for _, c := range cases {
		_, err := ParseCampaignYAML(strings.NewReader(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseCampaignYAML(%q) = %v, want %q", c.yaml, err, c.want)
		}
	}
	_, err := ParseCampaignYAML(strings.NewReader(cases[len(cases)-1].yaml))
	want := []string{"content.variants.vi.text", "audience.languages[0]", "schedule.yearly.day"}
	if got := paths(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("paths = %v, want %v", got, want)
	}
}
