package wire

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzObjectJSON: the emulator's direct JSON encoder writes strings exactly
// as encoding/json does (without HTML escaping), and every object it writes
// is valid JSON that decodes back to the same values.
func FuzzObjectJSON(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnewline\n\r", "\x00\x01\x1f\x7f",
		"\b\f", "<html>&amp;", "héllo wörld", "\u2028\u2029", "\xff\xfe invalid", "emoji 🎉"} {
		f.Add(s, int64(len(s)), len(s)%2 == 0)
	}
	f.Fuzz(func(t *testing.T, s string, n int64, flag bool) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := AppendString(nil, s); string(got) != string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Fatalf("string %q: got %s want %s", s, got, want.Bytes())
		}
		o := Object{{"s", s}, {"n", n}, {"b", flag}, {"nil", nil}, {"list", []string{s, "x"}}, {"nested", Object{{s, s}}},
			{"objs", []Object{{{"k", s}}}}, {"map", map[string]string{"k": s}}}
		body, err := o.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(body, &back); err != nil {
			t.Fatalf("invalid JSON %s: %v", body, err)
		}
		var wantBack map[string]any
		ref, _ := json.Marshal(map[string]any{"s": s, "n": n, "b": flag, "nil": nil, "list": []string{s, "x"},
			"nested": map[string]string{s: s}, "objs": []map[string]string{{"k": s}}, "map": map[string]string{"k": s}})
		json.Unmarshal(ref, &wantBack)
		gb, _ := json.Marshal(back)
		wb, _ := json.Marshal(wantBack)
		if !bytes.Equal(gb, wb) {
			t.Fatalf("round trip:\n got %s\nwant %s", gb, wb)
		}
	})
}
