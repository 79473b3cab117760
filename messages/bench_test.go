package messages

import (
	"strings"
	"testing"
)

func BenchmarkRender(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < 20000; i++ {
		sb.WriteString(paragraph(i))
		if i%5 == 4 {
			sb.WriteString("\n\n")
		}
	}
	for _, c := range []struct {
		name string
		v    Variant
	}{
		{"one", Variant{Text: paragraph(1), ButtonText: "Mở", ButtonURL: "https://x.vn"}},
		{"split", Variant{Text: sb.String()}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Render(c.v, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPersonalize(b *testing.B) {
	with := "<b>Chào {name}!</b> " + paragraph(3)
	without := paragraph(3)
	b.Run("with", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = Personalize(with, "Nguyễn <Văn> An")
		}
	})
	b.Run("without", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = Personalize(without, "Nguyễn Văn An")
		}
	})
}
