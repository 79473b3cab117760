package messages

import (
	"reflect"
	"strings"
	"testing"
)

// plainLimits are a Zalo-like channel's: plain text, 2000 characters, no
// buttons, photos with a 2000-character caption.
var plainLimits = Limits{Channel: "plainchan", Text: 2000, Caption: 2000, Markup: MarkupPlain}

func TestValidateForNamesTheChannelWhoseLimitBreaks(t *testing.T) {
	text := strings.Repeat("Chuyển đổi số. ", 200) // 3000 characters: fits Telegram, not plainchan
	c := Content{Variants: map[string]Variant{"vi": {Text: text}, "en": {Text: "short"}}}
	if err := c.ValidateFor(TelegramLimits); err != nil {
		t.Fatalf("telegram: %v", err)
	}
	err := c.ValidateFor(TelegramLimits, plainLimits)
	if got := paths(t, err); !reflect.DeepEqual(got, []string{"variants.vi.text"}) {
		t.Fatalf("paths %v (%v)", got, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "plainchan allows 2000") || strings.Contains(msg, "telegram") {
		t.Errorf("message %q should name plainchan's limit only", msg)
	}
	// split: fits both, in more parts on plainchan
	c.Split = true
	if err := c.ValidateFor(TelegramLimits, plainLimits); err != nil {
		t.Errorf("split: %v", err)
	}
	// the button costs characters where it becomes a line of text
	c = Content{Variants: map[string]Variant{"vi": {Text: strings.Repeat("a", 1990), ButtonText: "Xem", ButtonURL: "https://dichvucong.gov.vn"}}}
	if err := c.ValidateFor(plainLimits); err == nil || !strings.Contains(err.Error(), "plainchan") {
		t.Errorf("button written into the text: %v", err)
	}
	// a caption too long for Telegram but not for plainchan names Telegram
	c = Content{Variants: map[string]Variant{"vi": {Text: strings.Repeat("a", 1500), PhotoURL: "https://x.vn/a.jpg"}}}
	if err := c.ValidateFor(TelegramLimits, plainLimits); err == nil || !strings.Contains(err.Error(), "telegram allows 1024") {
		t.Errorf("caption: %v", err)
	}
}

func TestCampaignValidatesForTheAudienceChannels(t *testing.T) {
	RegisterChannel(plainLimits)
	t.Cleanup(func() { channelsMu.Lock(); delete(channels, plainLimits.Channel); channelsMu.Unlock() })
	text := strings.Repeat("x", 2500)
	s := CampaignSpec{Name: "c", Content: Content{Variants: map[string]Variant{"vi": {Text: text}}},
		Audience: Audience{Channels: []string{"telegram"}}, Schedule: Schedule{Timezone: DefaultTimezone, Yearly: &Yearly{Month: 10, Day: 10, Hour: 8}}}
	if err := s.Validate(); err != nil {
		t.Fatalf("telegram only: %v", err)
	}
	s.Audience.Channels = nil // everyone: every registered channel
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "content.variants.vi.text") {
		t.Fatalf("all channels: %v", err)
	}
	s.Audience.Channels = []string{"nochan"}
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), `unknown channel "nochan"`) {
		t.Fatalf("unknown channel: %v", err)
	}
}

func TestRenderPlain(t *testing.T) {
	v := Variant{Text: `<b>Chào {name}</b> &amp; cài <a href="https://vneid.gov.vn/?a=1&amp;b=2">VNeID</a>, xem <a href="https://x.vn">https://x.vn</a>`,
		ButtonText: "Xem", ButtonURL: "https://dichvucong.gov.vn"}
	parts, err := RenderFor(v, false, plainLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := "Chào {name} & cài VNeID (https://vneid.gov.vn/?a=1&b=2), xem https://x.vn\n\nXem: https://dichvucong.gov.vn"
	if len(parts) != 1 || parts[0].Text != want || parts[0].ButtonURL != "" {
		t.Fatalf("parts %+v\nwant %q", parts, want)
	}
	if got := PersonalizeFor(parts[0].Text, "<Lan>", MarkupPlain); !strings.HasPrefix(got, "Chào <Lan> &") {
		t.Errorf("personalised %q", got)
	}
	long := strings.Repeat("Đoạn văn <i>dài</i> & đẹp.\n\n", 300) // ~8000 characters
	parts, err = RenderFor(Variant{Text: strings.ReplaceAll(long, "&", "&amp;")}, true, plainLimits)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, p := range parts {
		if measure(p.Text) > 2000 || strings.Contains(p.Text, "&amp;") || strings.Contains(p.Text, "<i>") {
			t.Fatalf("part of %d characters: %.80q", measure(p.Text), p.Text)
		}
		all.WriteString(p.Text)
	}
	if len(parts) < 4 || squeeze(all.String()) != squeeze(strings.ReplaceAll(strings.ReplaceAll(long, "<i>", ""), "</i>", "")) {
		t.Errorf("%d parts do not add up to the text", len(parts))
	}
}
