package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

func TestNormalizePhone(t *testing.T) {
	ok := map[string]string{
		"0912 345 678": "+84912345678", "+84912345678": "+84912345678", "84912345678": "+84912345678",
		"912345678": "+84912345678", "0912.345.678": "+84912345678", "0912-345-678": "+84912345678",
		"(091) 2345678": "+84912345678", "+84 (0)912 345 678": "+84912345678", "0084912345678": "+84912345678",
		"0355555555": "+84355555555", "0566666666": "+84566666666", "0777777777": "+84777777777", "0888888888": "+84888888888",
	}
	for in, want := range ok {
		got, err := store.NormalizePhone(in)
		if want == "" {
			if err == nil {
				t.Errorf("%q: accepted as %q", in, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	bad := map[string]error{
		"": store.ErrPhoneEmpty, "abc": store.ErrPhoneChars, "024 3825 1234": store.ErrPhoneLandline,
		"0212345678": store.ErrPhoneLandline, "09123": store.ErrPhoneLength, "+1 415 555 0100": store.ErrPhoneCountry,
		"0912345678'; DROP TABLE x": store.ErrPhoneChars, "091234567890": store.ErrPhoneLength,
	}
	for in, want := range bad {
		if _, err := store.NormalizePhone(in); !errors.Is(err, want) {
			t.Errorf("%q: %v, want %v", in, err, want)
		}
	}
}

func TestImportMembersIdempotent(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	a, _ := st.CreateAgency(ctx, store.CLIActor, store.AgencyInput{Code: "so-a", NameVi: "A"})
	key := []byte("0123456789abcdef0123456789abcdef")
	rows := make([]store.MemberRow, 1000)
	for i := range rows {
		rows[i] = store.MemberRow{Name: fmt.Sprint("N", i), Phone: fmt.Sprintf("+8491%07d", i)}
	}
	src := store.ImportSource{SHA256: make([]byte, 32)}
	res, err := st.ImportMembers(ctx, store.CLIActor, a.ID, key, src, rows, nil)
	if err != nil || res.Added != 1000 {
		t.Fatalf("first: %+v %v", res, err)
	}
	res, err = st.ImportMembers(ctx, store.CLIActor, a.ID, key, src, rows, nil)
	if err != nil || res.Unchanged != 1000 || res.ImportID != 0 {
		t.Fatalf("again: %+v %v", res, err)
	}
	rows[0].Position = "Trưởng phòng"
	src.DryRun = true
	res, err = st.ImportMembers(ctx, store.CLIActor, a.ID, key, src, rows, nil)
	if err != nil || res.Updated != 1 {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	var pos string
	st.DB().GetContext(ctx, &pos, `SELECT position FROM pending_members WHERE full_name = 'N0'`)
	if pos != "" {
		t.Fatal("a dry run wrote")
	}
	// the stored hash is the keyed HMAC of the normalised number, never the number
	var n int
	st.DB().GetContext(ctx, &n, `SELECT count(*) FROM pending_members WHERE phone_hash = $1`, store.PhoneHash(key, "+84910000000"))
	if n != 1 {
		t.Fatal("hash lookup failed")
	}
}
