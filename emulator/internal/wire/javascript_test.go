package wire

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// FuzzForJavaScript: rewriting a document for JavaScript keeps it valid
// JSON with the same value, and leaves no escaped U+2028 or U+2029 (which
// JSON.stringify writes raw), while a literal backslash-u text stays
// escaped.
func FuzzForJavaScript(f *testing.F) {
	for _, s := range []string{"", "plain", "line\u2028sep", "para\u2029sep", `\u2028 typed`, `\\u2029`, `"quoted"`, "\x00\u2028\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc, err := Object{{"s", s}, {"k\u2028", []string{s}}}.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		out := ForJavaScript(doc)
		var a, b any
		if err := json.Unmarshal(doc, &a); err != nil {
			t.Fatalf("input %s: %v", doc, err)
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatalf("output %s is not JSON: %v", out, err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("value changed: %s -> %s", doc, out)
		}
		// No escape sequence for U+2028/9 remains: a remaining
		// backslash-u2028 text must be a typed backslash, whose own
		// backslash is escaped (an even run of backslashes before "u").
		str := string(out)
		for _, esc := range []string{`\u2028`, `\u2029`} {
			for off := 0; ; {
				i := strings.Index(str[off:], esc)
				if i < 0 {
					break
				}
				i += off
				if !escapedBackslashBefore(str, i) {
					t.Fatalf("escaped %s left in %s", esc, out)
				}
				off = i + 1
			}
		}
	})
}

// escapedBackslashBefore reports whether the backslash at i is itself
// escaped (an odd run of backslashes ends at i-1).
func escapedBackslashBefore(s string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

func TestForJavaScriptExamples(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":"x\u2028y"}`:  "{\"a\":\"x\u2028y\"}",
		`{"a":"\\u2028"}`:   `{"a":"\\u2028"}`,
		`{"a":"\"\u2029"}`:  "{\"a\":\"\\\"\u2029\"}",
		`{"a":"plain"}`:     `{"a":"plain"}`,
		`{"\u2029":["\n"]}`: "{\"\u2029\":[\"\\n\"]}",
	} {
		if got := string(ForJavaScript([]byte(in))); got != want {
			t.Errorf("ForJavaScript(%s) = %s, want %s", in, got, want)
		}
	}
}
