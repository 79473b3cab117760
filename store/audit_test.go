package store_test

import (
	"context"
	"testing"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

func TestAuditIsAppendOnlyAndRecordsBeforeAfter(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	if _, err := st.CreateAgency(ctx, store.CLIActor, store.AgencyInput{Code: "so-a", NameVi: "Sở A"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateAgency(ctx, store.CLIActor, "so-a", store.AgencyInput{NameVi: "Sở A mới"}); err != nil {
		t.Fatal(err)
	}
	list, err := st.ListAudit(ctx, store.AuditFilter{Action: "agency."})
	if err != nil || len(list) != 2 {
		t.Fatalf("audit: %+v %v", list, err)
	}
	upd := list[0]
	if upd.Action != "agency.update" || upd.ActorKind != "cli" || upd.ObjectID != "so-a" ||
		!contains(string(upd.Before), "Sở A") || !contains(string(upd.After), "Sở A mới") {
		t.Fatalf("update entry %+v", upd)
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE audit_log SET action = 'x.y'`); err == nil {
		t.Fatal("audit_log accepted an UPDATE")
	}
	if _, err := st.DB().ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
		t.Fatal("audit_log accepted a DELETE")
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
