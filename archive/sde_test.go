package archive

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseSourceDateEpoch(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64 // -1: unset
		err  string
	}{
		{"", -1, ""},
		{"0", 0, ""},
		{"1700000000", 1700000000, ""},
		{" 42\n", 42, ""},
		{"-5", -5, ""},
		{"yesterday", 0, `SOURCE_DATE_EPOCH="yesterday": must be an integer number of seconds (unset it or fix its value)`},
		{"1.5", 0, `SOURCE_DATE_EPOCH="1.5": must be an integer number of seconds (unset it or fix its value)`},
		{"1\n2", 0, `SOURCE_DATE_EPOCH="1\n2": must be an integer number of seconds (unset it or fix its value)`},
		{"99999999999999999999", 0, `SOURCE_DATE_EPOCH="99999999999999999999": must be an integer number of seconds (unset it or fix its value)`},
	} {
		got, err := ParseSourceDateEpoch(c.in)
		switch {
		case c.err != "":
			if err == nil || err.Error() != c.err {
				t.Errorf("%q: err = %v; want %s", c.in, err, c.err)
			}
		case err != nil:
			t.Errorf("%q: %v", c.in, err)
		case c.want == -1 && got != nil, c.want != -1 && (got == nil || *got != c.want):
			t.Errorf("%q: got %v; want %d", c.in, got, c.want)
		}
	}
}

// FuzzParseSourceDateEpoch: a value is accepted exactly when it is a
// decimal int64 after trimming spaces, and an error is one line naming the
// variable.
func FuzzParseSourceDateEpoch(f *testing.F) {
	for _, s := range []string{"", "0", "1700000000", " 7 ", "x", "1e3", "+3", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSourceDateEpoch(s)
		if s == "" {
			if n != nil || err != nil {
				t.Fatalf("empty: %v %v", n, err)
			}
			return
		}
		want, werr := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if (err == nil) != (werr == nil) || (err == nil && *n != want) {
			t.Fatalf("%q: got %v, %v", s, n, err)
		}
		if err != nil && (!strings.HasPrefix(err.Error(), "SOURCE_DATE_EPOCH=") || strings.Contains(err.Error(), "\n")) {
			t.Fatalf("%q: error %q", s, err)
		}
	})
}
