package emulator

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

//go:generate go run ./internal/specgen -spec ../reference/workos-openapi.yaml -out spec_operations.go
//go:generate go run ./internal/readmegen -readme ../README.md

// specOperation is one operation of WorkOS's OpenAPI spec.
type specOperation struct {
	Method string
	Path   string // template with {params}
	ID     string // operationId
	Auth   bool   // requires an API key
}

// unservedOp is a spec operation the emulator does not serve, its path
// template split once.
type unservedOp struct {
	specOperation
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

// unimplemented answers a request the router has no route for, when WorkOS's
// spec has the operation: after the same API-key check the real service
// makes, a 501 that names the operation, never a plausible 404 (a client
// would misread that as "not found"). It returns nil for paths outside the
// spec.
func (s *Server) unimplemented(c echo.Context) *Error {
	method := c.Request().Method
	got := strings.Split(c.Request().URL.EscapedPath(), "/")
	for _, op := range s.unserved {
		if op.Method != method || !op.matches(got) {
			continue
		}
		if op.Auth {
			if key, ok := bearer(c); !ok || !s.env.validAPIKey(key) {
				return errUnauthorized()
			}
		}
		return apiError(http.StatusNotImplemented, CodeNotImplemented,
			fmt.Sprintf("%s %s (WorkOS operation %s) is part of the WorkOS API but authkit-emulator does not emulate it.", op.Method, op.Path, op.ID))
	}
	return nil
}

// shapeOf reduces a path template to its shape ({id} and :id both become
// {}), to compare routes with spec operations.
func shapeOf(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "{") {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

// unservedOps are the spec's operations whose method and path shape no
// route serves. The route table is fixed, so this is computed once.
func unservedOps(table []route) []unservedOp {
	served := map[string]bool{}
	for _, r := range table {
		served[r.Method+" "+shapeOf(r.Path)] = true
	}
	var out []unservedOp
	for _, op := range specOperations {
		if !served[op.Method+" "+shapeOf(op.Path)] {
			out = append(out, unservedOp{op, strings.Split(op.Path, "/")})
		}
	}
	return out
}

// Unemulated lists the operations of WorkOS's OpenAPI spec that the
// emulator does not serve (they answer 501), for the README's table.
func (s *Server) Unemulated() []Route {
	out := make([]Route, len(s.unserved))
	for i, op := range s.unserved {
		out[i] = Route{Method: op.Method, Path: op.Path, Group: groupAPI, Doc: op.ID}
	}
	return out
}
