// Package tgfake is a fake Telegram Bot API server for Loa's tests and for
// the newcomer sandbox.
//
// In tests:
//
//	srv := tgfake.New()
//	defer srv.Close()
//	b, _ := bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
//	srv.SendText(tgfake.User{ID: 42, FirstName: "Lan", LanguageCode: "vi"}, "/start")
//	sent, err := srv.WaitSent(ctx, 42, 1)
//
// It is strict where Telegram is strict (text and caption lengths in UTF-16
// units after entity parsing, HTML parse mode, callback_data size, blocked
// users, unknown chats with WithStrictChats, a global rate limit with
// WithRateLimit) and answers errors in Telegram's exact JSON shape, so
// go-telegram/bot turns them into the same errors production code sees.
// Faults (FailNext, SetFault) inject 429/403/400/5xx answers, delays and
// dropped connections on demand.
//
// As a sandbox, Listen serves the same fake on a fixed TCP address; a
// second process drives it through the /_sandbox/ HTTP API with Client,
// and Chat turns that into a terminal conversation with the bot.
//
// Known simplifications: Markdown parse modes are not checked; update
// filtering by allowed_updates, per-chat (1/s) and per-group (20/min)
// limits, and the 409 for two concurrent getUpdates callers are not
// modelled; webhooks get one connection and are retried 5 times.
package tgfake
