// Package spec is WorkOS's OpenAPI spec as a table of operations
// (generated from reference/workos-openapi.yaml), and the matching of a
// request path against it: the emulator answers an operation it does not
// serve with a 501 that names it, never a plausible 404.
package spec

import "strings"

//go:generate go run ../specgen -spec ../../../reference/workos-openapi.yaml -out operations.go -events-out ../../../fixtures/event_types.go

// Operation is one operation of WorkOS's OpenAPI spec.
type Operation struct {
	Method string
	Path   string // template with {params}
	ID     string // operationId
	Tag    string // the first tag: the product area
	Auth   bool   // requires an API key
}

// Unserved is the spec's operations no route serves, each with its path
// template split once.
type Unserved struct {
	ops []unservedOp
}

type unservedOp struct {
	Operation
	segs []string
}

// matches reports whether a request's escaped path, split at "/", fits the
// operation's template exactly: no extra or missing slash, a non-empty value
// for every parameter, and no encoded slash standing in for a separator.
func (op unservedOp) matches(got []string) bool {
	if len(op.segs) != len(got) {
		return false
	}
	for i, seg := range op.segs {
		if strings.HasPrefix(seg, "{") {
			if got[i] == "" {
				return false
			}
			continue
		}
		if seg != got[i] {
			return false
		}
	}
	return true
}

// Shape reduces a path template to its shape ({id} and :id both become
// {}), to compare routes with spec operations.
func Shape(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "{") {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

// NewUnserved finds the spec's operations whose method and path shape no
// served route (method, Echo path) has.
func NewUnserved(served [][2]string) *Unserved {
	have := map[string]bool{}
	for _, r := range served {
		have[r[0]+" "+Shape(r[1])] = true
	}
	u := &Unserved{}
	for _, op := range Operations {
		if !have[op.Method+" "+Shape(op.Path)] {
			u.ops = append(u.ops, unservedOp{op, strings.Split(op.Path, "/")})
		}
	}
	return u
}

// Match finds the unserved operation a request's method and escaped path
// address.
func (u *Unserved) Match(method, escapedPath string) (Operation, bool) {
	got := strings.Split(escapedPath, "/")
	for _, op := range u.ops {
		if op.Method == method && op.matches(got) {
			return op.Operation, true
		}
	}
	return Operation{}, false
}

// List is the unserved operations, in the spec's order.
func (u *Unserved) List() []Operation {
	out := make([]Operation, len(u.ops))
	for i, op := range u.ops {
		out[i] = op.Operation
	}
	return out
}
