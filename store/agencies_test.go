package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

func TestAgencyTree(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	mk := func(code, parent string) store.Agency {
		a, err := st.CreateAgency(ctx, store.CLIActor, store.AgencyInput{Code: code, ParentCode: parent, NameVi: code})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	top, mid, leaf, other := mk("top", ""), mk("mid", "top"), mk("leaf", "mid"), mk("other", "")
	for _, c := range []struct {
		root, id int64
		want     bool
	}{{top.ID, leaf.ID, true}, {top.ID, top.ID, true}, {mid.ID, top.ID, false}, {top.ID, other.ID, false}} {
		if got, err := st.AgencyWithin(ctx, c.root, c.id); err != nil || got != c.want {
			t.Errorf("within(%d, %d) = %v %v", c.root, c.id, got, err)
		}
	}
	if ids, _ := st.AgencySubtree(ctx, mid.ID); len(ids) != 2 {
		t.Errorf("subtree of mid: %v", ids)
	}
	if list, _ := st.ListAgencies(ctx, top.ID); len(list) != 3 {
		t.Errorf("list within top: %d", len(list))
	}
	// a cycle is refused by the trigger
	if _, err := st.UpdateAgency(ctx, store.CLIActor, "top", store.AgencyInput{ParentCode: "leaf", NameVi: "top"}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("cycle: %v", err)
	}
	if _, err := st.CreateAgency(ctx, store.CLIActor, store.AgencyInput{Code: "top", NameVi: "x"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := st.CreateAgency(ctx, store.CLIActor, store.AgencyInput{Code: "x", ParentCode: "nope", NameVi: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown parent: %v", err)
	}
}

// Issue 9, item 10: a constraint violation names its field, mapped once in
// translate (here the code's check, and the self-parent and cycle rules).
func TestConstraintViolationsNameTheField(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	_, err := st.CreateAgency(ctx, store.CLIActor, store.AgencyInput{Code: "Not A Slug", NameVi: "x"})
	var fe *store.FieldError
	if !errors.As(err, &fe) || fe.Field != "code" || !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("bad code: %v", err)
	}
	if _, err := st.CreateAgency(ctx, store.CLIActor, store.AgencyInput{Code: "a", NameVi: "A"}); err != nil {
		t.Fatal(err)
	}
	self := "a"
	_, err = st.PatchAgency(ctx, store.CLIActor, "a", store.AgencyPatch{ParentCode: &self})
	if !errors.As(err, &fe) || fe.Field != "parent" {
		t.Fatalf("own parent: %v", err)
	}
}
