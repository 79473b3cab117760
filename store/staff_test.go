package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

func TestStaffTokens(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	s, tok, err := st.CreateStaff(ctx, store.CLIActor, store.NewStaff{Name: "Lan", Role: store.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.StaffByToken(ctx, tok); err != nil || got.ID != s.ID {
		t.Fatalf("by token: %+v %v", got, err)
	}
	if _, err := st.StaffByToken(ctx, tok+"x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("wrong token: %v", err)
	}
	// roles are checked by the schema: an agency manager needs an agency, others must not have one
	if _, _, err := st.CreateStaff(ctx, store.CLIActor, store.NewStaff{Name: "M", Role: store.RoleAgencyManager}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("manager without agency: %v", err)
	}
	if _, _, err := st.CreateStaff(ctx, store.CLIActor, store.NewStaff{Name: "M", Role: "root"}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("unknown role: %v", err)
	}
	tok2, err := st.IssueToken(ctx, store.CLIActor, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := st.RevokeTokens(ctx, store.CLIActor, tok[:12], 0); err != nil || n != 1 {
		t.Fatalf("revoke by prefix: %d %v", n, err)
	}
	if _, err := st.StaffByToken(ctx, tok); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("revoked token still works")
	}
	if _, err := st.StaffByToken(ctx, tok2); err != nil {
		t.Fatal("the other token stopped working")
	}
	if _, err := st.SetStaffDisabled(ctx, store.CLIActor, s.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := st.StaffByToken(ctx, tok2); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("disabled staff's token still works")
	}
	list, err := st.ListStaff(ctx)
	if err != nil || len(list) != 1 || len(list[0].Tokens) != 2 {
		t.Fatalf("list: %+v %v", list, err)
	}
}

func TestLinkCodes(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	a, _, _ := st.CreateStaff(ctx, store.CLIActor, store.NewStaff{Name: "A", Role: store.RoleApprover})
	b, _, _ := st.CreateStaff(ctx, store.CLIActor, store.NewStaff{Name: "B", Role: store.RoleApprover})
	code, _, err := st.CreateLinkCode(ctx, store.CLIActor, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RedeemLinkCode(ctx, code, 42); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RedeemLinkCode(ctx, code, 43); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reused code: %v", err)
	}
	// the same Telegram account cannot be linked to two staff members
	code2, _, _ := st.CreateLinkCode(ctx, store.CLIActor, b.ID)
	if _, err := st.RedeemLinkCode(ctx, code2, 42); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second link of one account: %v", err)
	}
	// expired codes fail
	st.Now = func() time.Time { return time.Now().Add(store.LinkCodeTTL + time.Minute) }
	if _, err := st.RedeemLinkCode(ctx, code2, 44); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired code: %v", err)
	}
}
