package spec

import "testing"

// The 501 machinery is for operations a newer spec adds before the
// emulator serves them: with a route missing, its operation is matched by
// exact template shape (a value for every parameter, no extra segment, no
// encoded slash standing in for a separator), and only then.
func TestUnservedMatchesOnlyTheOperationsLeft(t *testing.T) {
	var served [][2]string
	for _, op := range Operations {
		if op.Method == "GET" && op.Path == "/organizations/{id}" {
			continue // pretend this one is not served
		}
		served = append(served, [2]string{op.Method, op.Path})
	}
	u := NewUnserved(served)
	if list := u.List(); len(list) != 1 || list[0].Path != "/organizations/{id}" || list[0].Method != "GET" {
		t.Fatalf("unserved: %+v", list)
	}
	for _, tc := range []struct {
		method, path string
		want         bool
	}{
		{"GET", "/organizations/org_01ABC", true},
		{"GET", "/organizations/org%2F01ABC", true},
		{"DELETE", "/organizations/org_01ABC", false},
		{"GET", "/organizations/", false},
		{"GET", "/organizations/org_01ABC/extra", false},
		{"GET", "/organizations", false},
	} {
		if _, ok := u.Match(tc.method, tc.path); ok != tc.want {
			t.Errorf("%s %s: matched %v, want %v", tc.method, tc.path, ok, tc.want)
		}
	}
	if len(NewUnserved(append(served, [2]string{"GET", "/organizations/:id"})).List()) != 0 {
		t.Error("an Echo route does not serve its operation")
	}
}
