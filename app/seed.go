package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/faqsync"
	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/locales"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/seed"
)

// loa seed
func newSeedCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "seed", Short: "load Hanoi's localities and agencies, the FAQ and the yearly campaign draft (idempotent)",
		Args: noArgs, RunE: a.action(true, func(ctx context.Context, _ []string) error { return seedAll(ctx, a) })}
}

// seedFAQ copies the FAQ files into faq_entries, where staff curate them;
// entries staff have edited are left as they are.
func seedFAQ(ctx context.Context, a *App, st *store.Store) (int, error) {
	kbs, err := faq.LoadFS(locales.FS)
	if err != nil {
		return 0, fmt.Errorf("FAQ: %w", err)
	}
	n, err := faqsync.SeedFromFiles(ctx, st, kbs)
	if err != nil {
		return 0, fmt.Errorf("seed FAQ: %w", err)
	}
	fmt.Fprintf(a.Stdout, "%-22s %4d  (added; entries staff edited are kept)\n", "FAQ entries", n)
	return n, nil
}

func seedAll(ctx context.Context, a *App) error {
	start := time.Now()
	ds, err := seed.Load(seed.Hanoi(), seed.HanoiCity)
	if err != nil {
		return err
	}
	st, err := a.Store(ctx, true)
	if err != nil {
		return err
	}
	counts, err := st.Seed(ctx, ds)
	if err != nil {
		return err
	}
	changed := 0
	for _, c := range counts {
		fmt.Fprintf(a.Stdout, "%-22s %4d  (added %d, updated %d, unchanged %d)\n",
			c.Kind, c.Total, c.Added, c.Updated, c.Unchanged())
		changed += c.Added + c.Updated
	}
	n, err := seedFAQ(ctx, a, st)
	if err != nil {
		return err
	}
	changed += n
	extra, err := seedExtras(ctx, a)
	if err != nil {
		return err
	}
	changed += extra
	if changed == 0 {
		fmt.Fprintln(a.Stdout, "nothing changed: the database already held this data")
	}
	fmt.Fprintf(a.Stdout, "seed done in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// digitalDayName names the seeded yearly campaign (seedExtras finds it by name).
const digitalDayName = "ngay-chuyen-doi-so-quoc-gia"

// digitalDayYAML is messages/testdata/ngay-cds.yaml: placeholder text that
// communications staff replace each year.
const digitalDayYAML = `name: ngay-chuyen-doi-so-quoc-gia
content:
  split: false
  variants:
    vi:
      text: |
        <b>Chào {name}!</b> Hôm nay, 10/10, là Ngày Chuyển đổi số quốc gia.

        [Nội dung thông điệp năm nay sẽ được cập nhật tại đây.]

        Hãy kích hoạt <i>tài khoản định danh điện tử VNeID</i> và thử làm một thủ tục trên Cổng Dịch vụ công quốc gia &amp; Cổng dịch vụ công Hà Nội.
      button_text: "Cổng Dịch vụ công"
      button_url: "https://dichvucong.gov.vn"
    en:
      text: |
        <b>Hello {name}!</b> Today, 10 October, is Vietnam's National Digital Transformation Day.

        [This year's message will be placed here.]

        Activate your <i>VNeID electronic identity account</i> and try one procedure on the National Public Service Portal &amp; the Hanoi public service portal.
      button_text: "Public Service Portal"
      button_url: "https://dichvucong.gov.vn"
audience:
  channels: [telegram]
schedule:
  yearly: {month: 10, day: 10, hour: 8, minute: 0}
  timezone: Asia/Ho_Chi_Minh
`

// seedExtras seeds what the broadcast engine needs (the yearly Digital
// Transformation Day campaign) and returns how many rows it changed.
func seedExtras(ctx context.Context, a *App) (int, error) {
	st, err := a.Store(ctx, true)
	if err != nil {
		return 0, err
	}
	if _, err := st.BroadcastByName(ctx, digitalDayName); err == nil {
		return 0, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	spec, err := messages.ParseCampaignYAML(strings.NewReader(digitalDayYAML))
	if err != nil {
		return 0, fmt.Errorf("digital transformation day campaign: %w", err)
	}
	// a draft written by Loa itself: staff write this year's text, and
	// anyone but its last author approves it
	b, err := broadcast.New(broadcast.Config{Store: st}).Create(ctx, broadcast.System, broadcast.DraftOf(*spec))
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(a.Stdout, "%-22s %4d  (draft yearly campaign, 10/10 08:00: `loa broadcast submit %d`, then approve and schedule it)\n",
		"broadcast campaigns", 1, b.ID)
	return 1, nil
}
