package api

import (
	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// route is one endpoint: the router mounts it and the OpenAPI document
// describes it, from this one table, so the two cannot drift apart.
type route struct {
	Method  string
	Path    string
	Summary string   // also completes "your role may not ..." in 403s
	Roles   []string // empty: every authenticated role
	// Action is the broadcast workflow step a route calls: the workflow
	// checks its roles (Roles stays empty), the document shows them.
	Action  broadcast.Action
	Body    any      // request body example type (JSON), nil for none
	BodyCT  string   // request media type when not JSON (text/csv)
	Resp    any      // success body example type
	RespCT  string   // response media type when not JSON
	Status  int      // success status, 200 if zero
	Query   []string // documented query parameters
	Headers []string // documented request headers (Idempotency-Key)
	// Example is a request body the document shows; TestOpenAPIExamples
	// posts every one to its handler.
	Example any
	// Doc is more of the description: semantics a schema cannot say.
	Doc string
	h   handler
}

var (
	anyone    []string
	admin     = []string{store.RoleAdmin}
	faqEdit   = []string{store.RoleAdmin, store.RoleEditor}
	memberMgr = []string{store.RoleAdmin, store.RoleAgencyManager}
	// memberRd reads member lists (names, positions, last phone digits):
	// admins, and an agency manager for their agency and those below it.
	// Viewers do not: they follow campaigns, and a member list is personal
	// data that only the agency itself needs (issue 9, item 4).
	memberRd = []string{store.RoleAdmin, store.RoleAgencyManager}
)

// table lists every endpoint under /api/v1.
func (s *Server) table() []route {
	const v = "/api/v1"
	return []route{
		// staff and tokens
		{Method: "GET", Path: v + "/staff/me", Summary: "read your own staff record", Roles: anyone, Resp: store.Staff{}, h: s.getMe},
		{Method: "POST", Path: v + "/staff/me/link-code", Summary: "get a one-time code to link your Telegram account", Roles: anyone, Resp: linkCodeResp{}, Status: 201, h: s.postLinkCode},
		{Method: "GET", Path: v + "/staff", Summary: "list staff", Roles: admin, Resp: []store.StaffWithTokens{}, h: s.listStaff},
		{Method: "POST", Path: v + "/staff", Summary: "add a staff member", Roles: admin, Body: staffReq{}, Resp: staffCreated{}, Status: 201,
			Doc:     "agency (an agency's code) is required with role agency_manager, and refused with any other role. The token is in the answer once; only its hash is stored.",
			Example: map[string]any{"name": "Nguyễn Lan", "role": "editor"}, h: s.createStaff},
		{Method: "POST", Path: v + "/staff/{id}/disable", Summary: "disable a staff member", Roles: admin, Resp: store.Staff{}, h: s.disableStaff(true)},
		{Method: "POST", Path: v + "/staff/{id}/enable", Summary: "re-enable a staff member", Roles: admin, Resp: store.Staff{}, h: s.disableStaff(false)},
		{Method: "POST", Path: v + "/staff/{id}/tokens", Summary: "issue a new API token", Roles: admin, Resp: tokenResp{}, Status: 201, h: s.issueToken},
		{Method: "DELETE", Path: v + "/tokens/{prefix}", Summary: "revoke an API token", Roles: admin, Resp: revokedResp{}, h: s.revokeToken},
		{Method: "GET", Path: v + "/audit", Summary: "read the audit log", Roles: admin, Resp: []store.AuditEntry{}, Query: []string{"action", "object_type", "object_id", "before_id", "limit"}, h: s.listAudit},

		// agencies, members, invites
		{Method: "GET", Path: v + "/agencies", Summary: "list agencies", Roles: anyone, Resp: []store.Agency{}, h: s.listAgencies},
		{Method: "POST", Path: v + "/agencies", Summary: "create an agency", Roles: admin, Body: agencyReq{}, Resp: store.Agency{}, Status: 201,
			Example: map[string]any{"code": "so-tttt-ha-noi", "parent": "so-khcn-ha-noi", "name_vi": "Trung tâm Thông tin", "name_en": "Information Centre", "note": "sub-agency"}, h: s.createAgency},
		{Method: "GET", Path: v + "/agencies/{code}", Summary: "read an agency", Roles: anyone, Resp: store.Agency{}, h: s.getAgency},
		{Method: "PUT", Path: v + "/agencies/{code}", Summary: "edit an agency", Roles: admin, Body: agencyReq{}, Resp: store.Agency{},
			Doc:     "PATCH semantics: only the fields sent change; an omitted field keeps its value (send \"parent\": \"\" to clear the parent, \"note\": \"\" to clear the note). code cannot change. An agency cannot be its own parent or below itself: a 422 naming parent.",
			Example: map[string]any{"name_en": "Department of Science and Technology"}, h: s.updateAgency},
		{Method: "GET", Path: v + "/agencies/{code}/members", Summary: "list an agency's members", Roles: memberRd, Resp: membersResp{}, Query: []string{"status", "q", "phone", "after", "limit"},
			Doc: "Search and keyset paging: status (joined or pending), q (part of the name, with or without accents), phone (the last 1-3 digits, or a whole mobile number, matched through its keyed hash); the answer's next, when present, is the after of the following page (offset is refused). total counts every member the filter matches.", h: s.listMembers},
		{Method: "POST", Path: v + "/agencies/{code}/members/import", Summary: "import an agency's member list from CSV", Roles: memberMgr, BodyCT: "text/csv", Resp: importResp{}, Query: []string{"dry_run", "filename"},
			Doc: "All or nothing. A dry run lists every bad line with its number and reason, with true totals; when the file would be refused, refused is true and there is no added count. The import itself refuses a file with any bad line (422, fields line.N). A line that is not valid CSV (an unclosed quote, a stray quote) is a 422 with code invalid_csv naming the line.", h: s.importMembers},
		{Method: "DELETE", Path: v + "/agencies/{code}/members/{id}", Summary: "remove a member from an agency's list", Roles: memberMgr, Status: 204, h: s.removeMember},
		{Method: "GET", Path: v + "/agencies/{code}/invites", Summary: "list an agency's invite links", Roles: memberMgr, Resp: []inviteResp{}, h: s.listAgencyInvites},
		{Method: "POST", Path: v + "/agencies/{code}/invites", Summary: "create an invite link to an agency's list", Roles: memberMgr, Body: inviteReq{}, Resp: inviteResp{}, Status: 201, h: s.createAgencyInvite},
		{Method: "DELETE", Path: v + "/agencies/{code}/invites/{id}", Summary: "revoke an invite link: the bot refuses it from then on", Roles: memberMgr, Resp: inviteResp{}, h: s.revokeAgencyInvite},
		{Method: "GET", Path: v + "/agencies/{code}/invites/{id}/qr.png", Summary: "get an agency invite link as a QR code", Roles: memberMgr, RespCT: "image/png", h: s.agencyInviteQR},
		{Method: "POST", Path: v + "/localities/{code}/invites", Summary: "create an invite link to a locality's subscription", Roles: faqEdit, Body: inviteReq{}, Resp: inviteResp{}, Status: 201, h: s.createLocalityInvite},
		{Method: "GET", Path: v + "/localities/{code}/invites/{id}/qr.png", Summary: "get a locality invite link as a QR code", Roles: faqEdit, RespCT: "image/png", h: s.localityInviteQR},

		// FAQ curation
		{Method: "GET", Path: v + "/faq", Summary: "list FAQ entries", Roles: anyone, Resp: []store.FAQEntry{}, Query: []string{"locale", "status", "topic"}, h: s.listFAQ},
		{Method: "POST", Path: v + "/faq", Summary: "create a FAQ entry", Roles: faqEdit, Body: faqReq{}, Resp: store.FAQEntry{}, Status: 201,
			Example: faqExample("vneid-doi-so-dien-thoai"), h: s.createFAQ},
		{Method: "GET", Path: v + "/faq/{key}/{locale}", Summary: "read a FAQ entry", Roles: anyone, Resp: store.FAQEntry{}, h: s.getFAQ},
		{Method: "PUT", Path: v + "/faq/{key}/{locale}", Summary: "edit a FAQ entry", Roles: faqEdit, Body: faqReq{}, Resp: store.FAQEntry{},
			Doc:     "Replaces the entry's topic, questions, answer, source and related; key and locale come from the path.",
			Example: map[string]any{"topic": "vneid", "questions": []string{"Đổi số điện thoại trên VNeID thế nào?"}, "answer": "Vào Cá nhân, chọn Thay đổi số điện thoại.", "source": "https://vneid.gov.vn"}, h: s.updateFAQ},
		{Method: "POST", Path: v + "/faq/{key}/{locale}/retire", Summary: "retire a FAQ entry", Roles: faqEdit, Resp: store.FAQEntry{}, h: s.setFAQStatus(store.FAQRetired)},
		{Method: "POST", Path: v + "/faq/{key}/{locale}/restore", Summary: "restore a retired FAQ entry", Roles: faqEdit, Resp: store.FAQEntry{}, h: s.setFAQStatus(store.FAQActive)},
		{Method: "GET", Path: v + "/faq/unanswered", Summary: "read the report of unanswered questions (numbers masked)", Roles: faqEdit, Resp: []store.UnansweredGroup{}, Query: []string{"days", "locale", "limit"}, h: s.unanswered},
		{Method: "GET", Path: v + "/faq/stale", Summary: "list FAQ entries due for review: as-of date older than older_than days, or none", Roles: faqEdit, Resp: []staleEntry{}, Query: []string{"older_than"}, h: s.staleFAQ},
		{Method: "POST", Path: v + "/faq/unanswered/entry", Summary: "create a FAQ entry from a group of unanswered questions", Roles: faqEdit, Body: fromGroupReq{}, Resp: store.FAQEntry{}, Status: 201,
			Doc:     "normalized names the group (from the report); its questions are added to the ones sent.",
			Example: map[string]any{"normalized": "doi so dien thoai vneid", "key": "vneid-doi-so", "locale": "vi", "topic": "vneid", "answer": "Vào Cá nhân, chọn Thay đổi số điện thoại.", "source": "https://vneid.gov.vn"}, h: s.entryFromGroup},

		// broadcasts: the workflow (package broadcast) checks roles, scope and state
		{Method: "GET", Path: v + "/broadcasts", Summary: "list broadcasts", Action: broadcast.View, Resp: []store.BroadcastDraft{}, Query: []string{"status", "limit"},
			Doc: "status: draft, submitted, approved, cancelled or finished; another is a 400 naming status.", h: s.listBroadcasts},
		{Method: "POST", Path: v + "/broadcasts", Summary: "create a broadcast draft (its audience may still reach nobody)", Action: broadcast.Create, Body: broadcastReq{}, Resp: store.BroadcastDraft{}, Status: 201, Headers: []string{"Idempotency-Key"},
			Doc:     "name: at most 200 characters, no invisible characters. schedule: exactly one of at (RFC 3339 with its UTC offset, e.g. 2027-01-01T09:00:00+07:00; in the future, at most 5 years ahead) or yearly. Unknown audience codes are refused naming the entry. A replay with the same Idempotency-Key and body returns the first answer (Idempotent-Replayed: true); another body is 422 idempotency_mismatch.",
			Example: broadcastExample("Ngày Chuyển đổi số quốc gia 2027"), h: s.createBroadcast},
		{Method: "GET", Path: v + "/broadcasts/{id}", Summary: "read a broadcast", Action: broadcast.View, Resp: store.BroadcastDraft{}, h: s.getBroadcast},
		{Method: "PUT", Path: v + "/broadcasts/{id}", Summary: "edit a draft or a submitted broadcast (it becomes a draft, and you cannot approve it)", Action: broadcast.Edit, Body: broadcastReq{}, Resp: store.BroadcastDraft{},
			Example: broadcastExample("Ngày Chuyển đổi số quốc gia 2027"), h: s.updateBroadcast},
		{Method: "POST", Path: v + "/audience/count", Summary: "count an audience", Action: broadcast.CountAction, Body: messages.Audience{}, Resp: countResp{},
			Doc:     "An unknown locality, former district, agency, language or channel is a 422 naming the entry (never a count of 0).",
			Example: map[string]any{"localities": []string{"phuong-hoan-kiem"}, "languages": []string{"vi"}}, h: s.countAudience},
		{Method: "GET", Path: v + "/broadcasts/{id}/audience", Summary: "count a broadcast's audience", Action: broadcast.CountAction, Resp: countResp{}, h: s.broadcastAudience},
		{Method: "POST", Path: v + "/broadcasts/{id}/submit", Summary: "submit a draft for approval (its audience must reach someone)", Action: broadcast.Submit, Resp: store.BroadcastDraft{}, h: s.transition((*broadcast.Workflow).Submit)},
		{Method: "POST", Path: v + "/broadcasts/{id}/approve", Summary: "approve a submitted broadcast (not one you last changed, under the two-person rule)", Action: broadcast.Approve, Resp: store.BroadcastDraft{}, h: s.transition((*broadcast.Workflow).Approve)},
		{Method: "POST", Path: v + "/broadcasts/{id}/reject", Summary: "reject a submitted broadcast back to draft, with a reason", Action: broadcast.Reject, Body: rejectReq{}, Resp: store.BroadcastDraft{},
			Example: map[string]any{"reason": "Sửa lại ngày trong nội dung."}, h: s.rejectBroadcast},
		{Method: "POST", Path: v + "/broadcasts/{id}/to-draft", Summary: "send a submitted, approved or scheduled broadcast back to draft (it needs approval again)", Action: broadcast.ToDraft, Resp: store.BroadcastDraft{}, h: s.transition((*broadcast.Workflow).ToDraft)},
		{Method: "POST", Path: v + "/broadcasts/{id}/schedule", Summary: "schedule an approved broadcast at its next send time (also undoes a skip or a pause for the year)", Action: broadcast.Schedule, Resp: store.BroadcastDraft{}, h: s.scheduleBroadcast},
		{Method: "POST", Path: v + "/broadcasts/{id}/unschedule", Summary: "unschedule a broadcast (it stays approved)", Action: broadcast.Unschedule, Resp: store.BroadcastDraft{}, h: s.transition((*broadcast.Workflow).Unschedule)},
		{Method: "POST", Path: v + "/broadcasts/{id}/skip", Summary: "skip the next occurrence of a yearly campaign", Action: broadcast.Skip, Resp: store.BroadcastDraft{}, h: s.transition((*broadcast.Workflow).Skip)},
		{Method: "POST", Path: v + "/broadcasts/{id}/pause-year", Summary: "pause a yearly campaign for the rest of this year, without cancelling it", Action: broadcast.PauseYear, Resp: store.BroadcastDraft{}, h: s.transition((*broadcast.Workflow).PauseYear)},
		{Method: "POST", Path: v + "/broadcasts/{id}/test", Summary: "send a broadcast to your own linked Telegram chat", Action: broadcast.TestSend, Resp: broadcast.TestResult{}, Query: []string{"locale"},
			Doc: "{name} is filled with your own name. At most 3 test sends per person a minute: then 429 rate_limited.", h: s.testBroadcast},
		{Method: "POST", Path: v + "/broadcasts/{id}/pause", Summary: "pause a broadcast's run (?run_id, default its newest)", Action: broadcast.PauseRun, Resp: runStateResp{}, Query: []string{"run_id"}, h: s.runControl((*broadcast.Workflow).PauseRun)},
		{Method: "POST", Path: v + "/broadcasts/{id}/resume", Summary: "resume a broadcast's paused run (?run_id, default its newest)", Action: broadcast.ResumeRun, Resp: runStateResp{}, Query: []string{"run_id"}, h: s.runControl((*broadcast.Workflow).ResumeRun)},
		{Method: "POST", Path: v + "/broadcasts/{id}/cancel-run", Summary: "cancel one run of a broadcast (?run_id, default its newest); the broadcast goes on", Action: broadcast.CancelRun, Resp: runStateResp{}, Query: []string{"run_id"}, h: s.runControl((*broadcast.Workflow).CancelRun)},
		{Method: "POST", Path: v + "/broadcasts/{id}/cancel", Summary: "cancel a broadcast: no future occurrence, and its active runs cancelled", Action: broadcast.Cancel, Resp: cancelResp{}, h: s.cancelBroadcast},
		{Method: "POST", Path: v + "/broadcasts/{id}/uncancel", Summary: "undo the cancel of a yearly campaign, before the occurrence it stopped", Action: broadcast.Uncancel, Resp: store.BroadcastDraft{}, h: s.transition((*broadcast.Workflow).Uncancel)},
		{Method: "GET", Path: v + "/broadcasts/{id}/progress", Summary: "follow a broadcast's progress", Action: broadcast.View, Resp: progressResp{}, Query: []string{"run_id"}, h: s.progress},
		{Method: "GET", Path: v + "/broadcasts/{id}/report.csv", Summary: "download a broadcast's delivery report", Action: broadcast.View, RespCT: "text/csv", Query: []string{"run_id"}, h: s.reportCSV},
	}
}

// faqExample is a FAQ entry as the document shows it.
func faqExample(key string) map[string]any {
	return map[string]any{"key": key, "locale": "vi", "topic": "vneid",
		"questions": []string{"Đổi số điện thoại trên VNeID thế nào?"},
		"answer":    "Vào Cá nhân, chọn Thay đổi số điện thoại.", "source": "https://vneid.gov.vn"}
}

// broadcastExample is the Digital Transformation Day campaign as the document shows it.
func broadcastExample(name string) map[string]any {
	return map[string]any{"name": name,
		"content": map[string]any{"variants": map[string]any{
			"vi": map[string]any{"text": "<b>Chào {name}!</b> Hôm nay, 10/10, là Ngày Chuyển đổi số quốc gia.",
				"button_text": "Dịch vụ công", "button_url": "https://dichvucong.gov.vn"},
			"en": map[string]any{"text": "<b>Hello {name}!</b> Today, 10 October, is National Digital Transformation Day."}}},
		"audience": map[string]any{"localities": []string{"phuong-hoan-kiem"}},
		"schedule": map[string]any{"yearly": map[string]int{"month": 10, "day": 10, "hour": 8, "minute": 0}, "timezone": "Asia/Ho_Chi_Minh"}}
}
