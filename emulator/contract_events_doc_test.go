package emulator_test

import (
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// eventRowRE is one row of docs/events.md's table of event types:
// | `user.created` | emitted | when ... |
var eventRowRE = regexp.MustCompile("^\\| `([a-z_.]+)` \\| (emitted|not emitted) \\|")

// checkEventTypesDocumented holds docs/events.md's table of event types to
// what the scenarios saw: every type of the spec has a row; a type the
// scenarios saw is "emitted", and a type marked "emitted" was seen (so the
// table cannot claim an event no test produces and validates).
func (run *contractRun) checkEventTypesDocumented(path string) {
	t := run.t
	t.Helper()
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	begin, end := strings.Index(text, "<!-- event-types:begin -->"), strings.Index(text, "<!-- event-types:end -->")
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the event-types markers", path)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(text[begin:end], "\n") {
		if m := eventRowRE.FindStringSubmatch(line); m != nil {
			rows[m[1]] = m[2]
		}
	}
	for _, typ := range fixtures.EventTypes {
		status, ok := rows[typ]
		seen := run.eventTypes[typ] > 0
		switch {
		case !ok:
			t.Errorf("%s: no row for %s", path, typ)
		case seen && status != "emitted":
			t.Errorf("%s: %s is marked %q but the scenarios emit it", path, typ, status)
		case !seen && status == "emitted":
			t.Errorf("%s: %s is marked emitted but no scenario emits it: drive it in a contract scenario, or mark it", path, typ)
		}
	}
	for typ := range rows {
		if !slices.Contains(fixtures.EventTypes, typ) {
			t.Errorf("%s: %s is not an event type of the spec", path, typ)
		}
	}
	for typ := range run.eventTypes {
		if !slices.Contains(fixtures.EventTypes, typ) {
			t.Errorf("the emulator emitted %s, which is not an event type of the spec", typ)
		}
	}
}
