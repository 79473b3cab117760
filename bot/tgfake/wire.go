package tgfake

// Wire types: the JSON shapes the fake sends back. They are our own small
// structs rather than go-telegram/bot models so the fake judges the wire
// format independently of the client library under test, and so marshalling
// stays cheap on the hot send path.

type wireUser struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

type wireBotUser struct {
	wireUser
	CanJoinGroups           bool `json:"can_join_groups"`
	CanReadAllGroupMessages bool `json:"can_read_all_group_messages"`
	SupportsInlineQueries   bool `json:"supports_inline_queries"`
}

type wireChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	Username  string `json:"username,omitempty"`
}

type wireEntity struct {
	Type          string `json:"type"`
	Offset        int    `json:"offset"`
	Length        int    `json:"length"`
	URL           string `json:"url,omitempty"`
	Language      string `json:"language,omitempty"`
	CustomEmojiID string `json:"custom_emoji_id,omitempty"`
}

type wireFile struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width,omitempty"`
	Height       int    `json:"height,omitempty"`
	FileSize     int64  `json:"file_size,omitempty"`
	Duration     int    `json:"duration,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	Type         string `json:"type,omitempty"`
	Emoji        string `json:"emoji,omitempty"`
	IsAnimated   *bool  `json:"is_animated,omitempty"`
	IsVideo      *bool  `json:"is_video,omitempty"`
}

type wireContact struct {
	PhoneNumber string `json:"phone_number"`
	FirstName   string `json:"first_name"`
	UserID      int64  `json:"user_id,omitempty"`
}

type wireButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

type wireMarkup struct {
	InlineKeyboard [][]wireButton `json:"inline_keyboard"`
}

type wireMessage struct {
	MessageID       int          `json:"message_id"`
	From            *wireUser    `json:"from,omitempty"`
	Chat            wireChat     `json:"chat"`
	Date            int64        `json:"date"`
	EditDate        int64        `json:"edit_date,omitempty"`
	Text            string       `json:"text,omitempty"`
	Entities        []wireEntity `json:"entities,omitempty"`
	Photo           []wireFile   `json:"photo,omitempty"`
	Document        *wireFile    `json:"document,omitempty"`
	Sticker         *wireFile    `json:"sticker,omitempty"`
	Voice           *wireFile    `json:"voice,omitempty"`
	Contact         *wireContact `json:"contact,omitempty"`
	Caption         string       `json:"caption,omitempty"`
	CaptionEntities []wireEntity `json:"caption_entities,omitempty"`
	ReplyMarkup     *wireMarkup  `json:"reply_markup,omitempty"`
}

type wireCallback struct {
	ID           string       `json:"id"`
	From         wireUser     `json:"from"`
	Message      *wireMessage `json:"message,omitempty"`
	ChatInstance string       `json:"chat_instance"`
	Data         string       `json:"data,omitempty"`
}

type wireMember struct {
	Status    string   `json:"status"`
	User      wireUser `json:"user"`
	UntilDate *int64   `json:"until_date,omitempty"`
}

type wireMemberUpdated struct {
	Chat          wireChat   `json:"chat"`
	From          wireUser   `json:"from"`
	Date          int64      `json:"date"`
	OldChatMember wireMember `json:"old_chat_member"`
	NewChatMember wireMember `json:"new_chat_member"`
}

type wireUpdate struct {
	UpdateID      int                `json:"update_id"`
	Message       *wireMessage       `json:"message,omitempty"`
	CallbackQuery *wireCallback      `json:"callback_query,omitempty"`
	MyChatMember  *wireMemberUpdated `json:"my_chat_member,omitempty"`
}

type wireWebhookInfo struct {
	URL                  string   `json:"url"`
	HasCustomCertificate bool     `json:"has_custom_certificate"`
	PendingUpdateCount   int      `json:"pending_update_count"`
	LastErrorDate        int64    `json:"last_error_date,omitempty"`
	LastErrorMessage     string   `json:"last_error_message,omitempty"`
	MaxConnections       int      `json:"max_connections,omitempty"`
	AllowedUpdates       []string `json:"allowed_updates,omitempty"`
}

type wireMessageID struct {
	MessageID int `json:"message_id"`
}
