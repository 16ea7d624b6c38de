package emulator

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The WorkOS user API (/user_management/users). Everything here reads and
// writes the same world the sign-in flows use: a user created here can sign
// in at once, and a deleted one's tokens stop working.

// queryList reads an array query parameter in the three encodings the SDKs
// use: repeated (a=x&a=y), bracketed (a[]=x) and comma-joined (a=x,y).
func queryList(q url.Values, name string) []string {
	var out []string
	for _, v := range append(q[name], q[name+"[]"]...) {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// listUsers serves GET /user_management/users: filters email and
// organization_id (alias organization), newest first.
func (s *Server) listUsers(c echo.Context) error {
	q := c.QueryParams()
	pg, err := parsePage(q)
	if err != nil {
		return err
	}
	w := s.world()
	w.mu.RLock()
	defer w.mu.RUnlock()
	users := w.userOrder
	email := q.Get("email")
	org := cmp.Or(q.Get("organization_id"), q.Get("organization"))
	if email != "" || org != "" {
		users = nil
		if org != "" {
			for _, m := range w.orgMemberships[org] {
				if u := w.users[m.UserID]; u != nil && (email == "" || emailKey(u.Email) == emailKey(email)) {
					users = append(users, u)
				}
			}
			sortBySeq(users)
		} else if u := w.byEmail[emailKey(email)]; u != nil {
			users = []*user{u}
		}
	}
	return writePage(c, w, users, pg, (*user).object)
}

// userErr is a 400 user_creation_error with its errors list.
func userCreationError(code, msg string) *Error {
	return apiError(http.StatusBadRequest, "user_creation_error", "Could not create the user.").
		With("errors", []object{{{"code", code}, {"message", msg}}})
}

// passwordFields validates password / password_hash / password_hash_type
// (bcrypt only) and returns what to store.
func passwordFields(b *jsonBody) (pw, hash []byte, set bool, err error) {
	hasPW, hasHash := b.has("password") && !b.null("password"), b.has("password_hash") && !b.null("password_hash")
	switch {
	case hasPW && hasHash:
		return nil, nil, false, apiError(http.StatusBadRequest, "password_and_password_hash_provided", "Provide password or password_hash, not both.")
	case hasPW:
		p := b.str("password")
		if p == "" {
			return nil, nil, false, apiError(http.StatusBadRequest, "password_strength_error", "The password is too weak.").
				With("errors", []object{{{"code", "password_too_short"}, {"message", "The password must not be empty."}}})
		}
		return []byte(p), nil, true, nil
	case hasHash:
		h := b.str("password_hash")
		if t := b.str("password_hash_type"); t != "bcrypt" {
			return nil, nil, false, apiError(http.StatusBadRequest, "invalid_password_hash", "Only bcrypt password hashes are emulated (password_hash_type: bcrypt).")
		}
		if _, cerr := bcrypt.Cost([]byte(h)); cerr != nil {
			return nil, nil, false, apiError(http.StatusBadRequest, "invalid_password_hash", "password_hash is not a bcrypt hash.")
		}
		return nil, []byte(h), true, nil
	}
	return nil, nil, false, nil
}

// createUserAPI serves POST /user_management/users (201).
func (s *Server) createUserAPI(c echo.Context) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(b.str("email"))
	switch {
	case email == "":
		b.bad("email", "email_required")
	case fixtures.CheckEmail(email) != nil:
		b.bad("email", "email_invalid")
	}
	first, last, ext := b.optStr("first_name"), b.optStr("last_name"), b.optStr("external_id")
	verified := b.boolean("email_verified")
	meta := b.metadata("metadata")
	metadata := b.applyMetadata("metadata", nil, meta)
	if err := b.err(); err != nil {
		return err
	}
	pw, hash, _, err := passwordFields(b)
	if err != nil {
		return err
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.byEmail[emailKey(email)] != nil {
		return userCreationError("email_not_available", "A user with this e-mail already exists.")
	}
	if ext != nil && w.usersByExternal[*ext] != nil {
		return userCreationError("external_id_already_used", "Another user has this external_id.")
	}
	id := fixtures.PrefixUser + s.ids.ulid(now)
	u := &user{seq: w.nextSeq(id), ID: id, Email: email, EmailVerified: verified, ExternalID: ext, Metadata: metadata,
		password: pw, passwordHash: hash, CreatedAt: now, UpdatedAt: now}
	if first != nil {
		u.FirstName = *first
	}
	if last != nil {
		u.LastName = *last
	}
	w.addUser(u)
	return writeJSON(c, http.StatusCreated, u.object())
}

// getUserAPI serves GET /user_management/users/{id}.
func (s *Server) getUserAPI(c echo.Context) error {
	u, err := s.User(c.Param("id"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, u)
}

// getUserByExternalID serves GET /user_management/users/external_id/{external_id}.
func (s *Server) getUserByExternalID(c echo.Context) error {
	byExternal := func(w *world, c echo.Context) (*user, error) {
		return byParam(c, w.usersByExternal, "external_id", "User")
	}
	return readOne(s, c, byExternal, func(_ *world, u *user) User { return u.object() })
}

// updateUserAPI serves PUT /user_management/users/{id}: omitted fields are
// unchanged; a metadata key set to null is deleted.
func (s *Server) updateUserAPI(c echo.Context) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	u, err := w.userFor(c)
	if err != nil {
		return err
	}
	email := u.Email
	if b.has("email") {
		email = strings.TrimSpace(b.str("email"))
		if fixtures.CheckEmail(email) != nil {
			return apiError(http.StatusBadRequest, "invalid_email", "The e-mail address is invalid.")
		}
		if other := w.byEmail[emailKey(email)]; other != nil && other != u {
			return apiError(http.StatusBadRequest, "email_not_available", "Another user has this e-mail.")
		}
	}
	metadata := u.Metadata
	if b.has("metadata") {
		metadata = b.applyMetadata("metadata", u.Metadata, b.metadata("metadata"))
	}
	ext := u.ExternalID
	if b.has("external_id") {
		ext = b.optStr("external_id")
		if ext != nil {
			if other := w.usersByExternal[*ext]; other != nil && other != u {
				return apiError(http.StatusBadRequest, "external_id_already_used", "Another user has this external_id.")
			}
		}
	}
	first, last, locale := u.FirstName, u.LastName, u.Locale
	if b.has("first_name") {
		first = b.str("first_name")
	}
	if b.has("last_name") {
		last = b.str("last_name")
	}
	if b.has("locale") {
		locale = b.str("locale")
	}
	verified := u.EmailVerified
	if b.has("email_verified") {
		verified = b.boolean("email_verified")
	}
	if err := b.err(); err != nil {
		return err
	}
	pw, hash, setPW, err := passwordFields(b)
	if err != nil {
		return err
	}
	// All checks passed: apply, re-indexing what the indexes key on.
	w.removeUser(u)
	u.Email, u.Metadata, u.ExternalID, u.FirstName, u.LastName, u.Locale, u.EmailVerified = email, metadata, ext, first, last, locale, verified
	if setPW {
		u.password, u.passwordHash = pw, hash
	}
	u.UpdatedAt = now
	w.users[u.ID] = u
	w.byEmail[emailKey(u.Email)] = u
	if u.ExternalID != nil {
		w.usersByExternal[*u.ExternalID] = u
	}
	w.userOrder = insertBySeq(w.userOrder, u, func(x *user) uint64 { return x.seq })
	return writeJSON(c, http.StatusOK, u.object())
}

// deleteUserAPI serves DELETE /user_management/users/{id}: the user's
// sessions end (their tokens introspect inactive, their refresh tokens get
// invalid_grant) and their memberships go.
func (s *Server) deleteUserAPI(c echo.Context) error {
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	u, err := w.userFor(c)
	if err != nil {
		return err
	}
	w.deleteUser(u, now)
	return c.NoContent(http.StatusOK)
}

// deleteUser removes a user and everything hanging off it. Caller holds
// w.mu.
func (w *world) deleteUser(u *user, now time.Time) {
	for _, ss := range w.userSessions[u.ID] {
		w.endSession(ss, fixtures.SessionRevoked, now)
	}
	for _, m := range append([]*membership(nil), w.userMemberships[u.ID]...) {
		w.removeMembership(m)
	}
	for _, f := range w.userFactors[u.ID] {
		delete(w.factors, f.id)
	}
	delete(w.userFactors, u.ID)
	w.removeUser(u)
}

// userIdentities serves GET /user_management/users/{id}/identities: the
// emulator has no OAuth providers, so it is always an empty list.
func (s *Server) userIdentities(c echo.Context) error {
	if _, err := s.User(c.Param("id")); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, []object{})
}

// insertBySeq puts x back into a creation-ordered slice.
func insertBySeq[T any](s []T, x T, seq func(T) uint64) []T {
	i := len(s)
	for i > 0 && seq(s[i-1]) > seq(x) {
		i--
	}
	s = append(s, x)
	copy(s[i+1:], s[i:])
	s[i] = x
	return s
}
