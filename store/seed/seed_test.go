package seed

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadHanoi(t *testing.T) {
	ds, err := Load(Hanoi(), HanoiCity)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Localities) != 126 || len(ds.Districts) != 30 || len(ds.FormerUnits) != 526 || len(ds.Agencies) != 11 {
		t.Fatalf("counts: %d localities, %d districts, %d former units, %d agencies",
			len(ds.Localities), len(ds.Districts), len(ds.FormerUnits), len(ds.Agencies))
	}
}

// withFile returns the Hanoi data set with one file's line replaced.
func withFile(t *testing.T, name, old, new string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	for _, f := range []string{"hanoi-localities.csv", "hanoi-former-districts.csv", "hanoi-former-units-mapping.csv", "hanoi-agencies.csv"} {
		b, err := fs.ReadFile(Hanoi(), f)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if f == name {
			if !strings.Contains(s, old) {
				t.Fatalf("%s has no %q", f, old)
			}
			s = strings.Replace(s, old, new, 1)
		}
		m[f] = &fstest.MapFile{Data: []byte(s)}
	}
	return m
}

func TestLoadNamesTheBadRow(t *testing.T) {
	cases := []struct {
		file, old, new, want string
	}{
		{"hanoi-localities.csv", "phuong-cua-nam,Phường Cửa Nam,Phuong Cua Nam,ward", "phuong-cua-nam,Phường Cửa Nam,Phuong Cua Nam,village",
			`hanoi-localities.csv line 3: kind "village" is not ward or commune`},
		{"hanoi-localities.csv", "phuong-ba-dinh,", "Phuong Ba Dinh!,", `line 4: code "Phuong Ba Dinh!" is not a lower-case slug`},
		{"hanoi-former-units-mapping.csv", "phuong-hoan-kiem,Phường Hoàn Kiếm,00070,1,Phường Hàng Bạc,ward,Quận Hoàn Kiếm,whole",
			"phuong-hoan-kiem,Phường Hoàn Kiếm,00070,1,Phường Hàng Bạc,ward,Quận Hoàn Kiếm,most", `line 2: relation "most"`},
		{"hanoi-former-units-mapping.csv", "phuong-hoan-kiem,Phường Hoàn Kiếm,00070,1,Phường Hàng Bạc,ward,Quận Hoàn Kiếm",
			"phuong-hoan-kiem,Phường Hoàn Kiếm,00070,1,Phường Hàng Bạc,ward,Quận Atlantis", `former district "Quận Atlantis"`},
		{"hanoi-agencies.csv", "so-khcn-ha-noi,ubnd-tp-ha-noi,", "so-khcn-ha-noi,so-tttt-ha-noi-cu,", "is its own ancestor"},
		{"hanoi-agencies.csv", "so-noi-vu-ha-noi,ubnd-tp-ha-noi,", "so-noi-vu-ha-noi,nobody,", `unknown parent "nobody"`},
	}
	for _, c := range cases {
		_, err := Load(withFile(t, c.file, c.old, c.new), HanoiCity)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.want, err, c.want)
		}
	}
}
