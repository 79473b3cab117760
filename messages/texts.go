package messages

// Every message shown to staff lives here, so that translating the staff
// interface later means touching one file. Format verbs are documented
// next to each string.
const (
	msgMissingVI       = "a Vietnamese (vi) version is required"
	msgNameTooLong     = "at most %d characters (this one has %d)"                                                           // limit, length
	msgNameInvisible   = "contains an invisible or control character (U+%04X); type the name again without it"               // rune
	msgUnknownLocale   = "unknown language %q: use vi or en"                                                                 // locale
	msgEmptyText       = "text is empty"                                                                                     //
	msgBadHTML         = "Telegram would refuse this HTML: %s (write a literal < as &lt; and & as &amp;)"                    // parse error
	msgTextTooLong     = "text is %d characters after formatting; %s allows %d per message (shorten it, or allow splitting)" // length, channel, limit
	msgCaptionTooLong  = "with a photo the text is its caption: %d characters after formatting, %s allows %d (shorten it)"   // length, channel, limit
	msgTooManyParts    = "text would be sent as %d messages on %s; at most %d are allowed"                                   // parts, channel, max
	msgButtonNoURL     = "button has text but no link"                                                                       //
	msgButtonNoText    = "button has a link but no text"                                                                     //
	msgButtonURL       = "button link must be an absolute http://, https:// or tg:// address"                                //
	msgPhotoURL        = "photo address must be an absolute http:// or https:// address"                                     //
	msgMissingName     = "campaign name is required"                                                                         //
	msgUnknownLanguage = "unknown language %q: use vi or en"                                                                 // language
	msgUnknownChannel  = "unknown channel %q: use one of %s"                                                                 // channel, known channels
	msgEmptyCode       = "empty entry"                                                                                       //
	msgScheduleOne     = "give exactly one of at (once) or yearly"                                                           //
	msgBadTimezone     = "unknown time zone %q"                                                                              // zone
	msgBadAt           = "cannot read %q as a date and time: write it like 2026-10-10 08:00"                                 // value
	msgMonthRange      = "month must be 1 to 12"                                                                             //
	msgDayRange        = "day %d does not exist in month %d"                                                                 // day, month
	msgHourRange       = "hour must be 0 to 23"                                                                              //
	msgMinuteRange     = "minute must be 0 to 59"                                                                            //
)
