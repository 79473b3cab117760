// Package zalofake is a fake Zalo Bot Platform API (bot-api.zaloplatforms.com)
// for Loa's tests, benchmarks and the newcomer sandbox.
//
// In tests:
//
//	srv := zalofake.New()
//	defer srv.Close()
//	c, _ := zalo.NewClient(srv.Token(), srv.URL())
//	srv.SendText(zalofake.User{ID: "6ede9afa66b88fe6d6a9", DisplayName: "Lan"}, "xin chào")
//	sent, err := srv.WaitSent(ctx, "6ede9afa66b88fe6d6a9", 1)
//
// It is as strict as the platform's documented rules (reference/zalo.md):
// the path is /bot<TOKEN>/<method>; method names are case-sensitive
// ("sendmessage" is refused like an unknown method, 400); a wrong token is
// 401; parameters come from the query string, an urlencoded or multipart
// form, or a JSON object, with GET or POST; every answer is the envelope
// {"ok":true,"result":…} or {"ok":false,"error_code":N,"description":"…"}.
// sendMessage refuses texts outside 1–2000 characters, sendPhoto captions
// over 2000 and photos that are not http(s) URLs; setWebhook wants an https
// URL and an 8–256 character secret_token; getUpdates long-polls with a
// string timeout, answers ONE event per call (not an array) or 408 "Request
// timeout" when none came, and refuses while a webhook is set.
//
// Faults (FailNext, SetFault) answer 429 quota exceeded (never a
// retry_after, as on the platform), 401, 403, 400, 5xx, delays and dropped
// connections on demand, for one chat or all; WithRateLimit answers 429
// above N sends per sliding second. Injected events (SendText, SendImage,
// SendSticker, SendUnsupported) go to getUpdates or, once a webhook is set,
// are POSTed to it with the X-Bot-Api-Secret-Token header; Redeliver
// delivers an event again, as the platform does when it retries.
//
// As a sandbox, Listen serves the same fake on a fixed TCP address and a
// second process (a terminal chat) drives it through the /_sandbox/ HTTP
// API with Client.
//
// Guesses, where the platform says nothing: how getUpdates refuses while
// a webhook is set (400 here), what a send to a chat that never wrote gets
// (WithStrictChats: 400 "chat not found"), and the error descriptions'
// wording. Not modelled: groups (announced as "coming soon"), per-chat
// limits, stickers' validity.
package zalofake
