package console

// fieldArgs is what the "textfield" and "textarea" templates (_fields.html) take.
type fieldArgs struct {
	P                 *page
	Name, Label, Hint string
	Max, Rows         int
}

// Field describes a form field for the shared field templates: its name,
// its label's and hint's message ids ("" for no hint) and its length limit.
func (p *page) Field(name, label, hint string, max int) fieldArgs {
	rows := 3
	if max > 500 {
		rows = 8
	}
	return fieldArgs{P: p, Name: name, Label: label, Hint: hint, Max: max, Rows: rows}
}
