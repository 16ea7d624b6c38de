package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// AddFixtures merges a fixture document (YAML or JSON) into the running
// world. It is validated together with the world's fixtures; on any
// problem nothing changes and the error is a fixtures.Problems (422 over
// HTTP) listing every problem. Omitted ids are generated from the seed, as
// at load time. The environment cannot change at run time.
func (s *Server) AddFixtures(ctx context.Context, data []byte, name string) (map[string]int, error) {
	s.fixMu.Lock()
	defer s.fixMu.Unlock()
	added, err := fixtures.Decode(data, name)
	if err != nil {
		return nil, err
	}
	if !reflect.ValueOf(added.Environment).IsZero() {
		return nil, fixtures.Problems{{File: name, Path: "environment", Message: "the environment cannot change at run time: restart with new fixtures"}}
	}
	w := s.world()
	w.mu.RLock()
	base := w.fixtures
	w.mu.RUnlock()
	merged, err := fixtures.Merge(base, added)
	if err != nil {
		return nil, err
	}
	// The tail of each merged list is what this document added.
	fresh := &fixtures.Set{
		Applications:  merged.Applications[len(base.Applications):],
		Users:         merged.Users[len(base.Users):],
		Organizations: merged.Organizations[len(base.Organizations):],
		Roles:         merged.Roles[len(base.Roles):],
		Permissions:   merged.Permissions[len(base.Permissions):],
		Memberships:   merged.Memberships[len(base.Memberships):],
		Sessions:      merged.Sessions[len(base.Sessions):],
	}
	now := s.clock.Now()
	w.mu.Lock()
	if err := w.conflicts(fresh); err != nil {
		w.mu.Unlock()
		return nil, err
	}
	if err := w.addFixtures(fresh, now); err != nil {
		w.mu.Unlock()
		return nil, apiError(http.StatusConflict, CodeConflict, err.Error())
	}
	w.fixtures = merged
	w.mu.Unlock()
	s.seedFactors(w, fresh.Users, now)
	if err := s.seedSessions(ctx, w, fresh.Sessions, now); err != nil {
		return nil, err
	}
	return map[string]int{"applications": len(fresh.Applications), "users": len(fresh.Users),
		"organizations": len(fresh.Organizations), "roles": len(fresh.Roles), "permissions": len(fresh.Permissions),
		"memberships": len(fresh.Memberships), "sessions": len(fresh.Sessions)}, nil
}

// conflicts reports added objects that collide with objects created at run
// time (over the API), which the fixture validation cannot see. Caller
// holds w.mu.
func (w *world) conflicts(add *fixtures.Set) error {
	var ps fixtures.Problems
	for _, u := range add.Users {
		if w.users[u.ID] != nil {
			ps = append(ps, fixtures.Problem{File: u.File, Line: u.Line, Path: u.Path + ".id", Message: fmt.Sprintf("user %s already exists", u.ID)})
		} else if w.byEmail[emailKey(u.Email)] != nil {
			ps = append(ps, fixtures.Problem{File: u.File, Line: u.KeyLine("email"), Path: u.Path + ".email", Message: fmt.Sprintf("a user with e-mail %s already exists", u.Email)})
		}
	}
	for _, o := range add.Organizations {
		if w.orgs[o.ID] != nil {
			ps = append(ps, fixtures.Problem{File: o.File, Line: o.Line, Path: o.Path + ".id", Message: fmt.Sprintf("organization %s already exists", o.ID)})
		}
	}
	for _, m := range add.Memberships {
		if w.byPair[pairKey(m.UserID, m.OrganizationID)] != nil || w.memberships[m.ID] != nil {
			ps = append(ps, fixtures.Problem{File: m.File, Line: m.Line, Path: m.Path, Message: fmt.Sprintf("user %s is already a member of %s", m.UserID, m.OrganizationID)})
		}
	}
	for _, r := range add.Roles {
		if w.roles[r.Slug] != nil {
			ps = append(ps, fixtures.Problem{File: r.File, Line: r.Line, Path: r.Path + ".slug", Message: fmt.Sprintf("role %s already exists", r.Slug)})
		}
	}
	for _, ss := range add.Sessions {
		if w.sessions[ss.ID] != nil {
			ps = append(ps, fixtures.Problem{File: ss.File, Line: ss.Line, Path: ss.Path + ".id", Message: fmt.Sprintf("session %s already exists", ss.ID)})
		}
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// problemsError renders fixture problems as a 422 listing every problem.
func problemsError(err error) error {
	var ps fixtures.Problems
	if !errors.As(err, &ps) {
		return err
	}
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return apiError(http.StatusUnprocessableEntity, "invalid_fixtures", fmt.Sprintf("The fixtures have %d problem(s); nothing was changed.", len(ps))).
		With("problems", lines)
}
