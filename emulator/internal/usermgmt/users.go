package usermgmt

import (
	"cmp"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// userFor finds the user the route's :id names, or WorkOS's 404.
func userFor(c echo.Context, tx *store.Tx) (*store.User, error) {
	id := web.PathParam(c, "id")
	if u := tx.User(id); u != nil {
		return u, nil
	}
	return nil, web.NotFound("User", id)
}

// listUsers serves GET /user_management/users: filters email and
// organization_id (alias organization), newest first.
func (a *api) listUsers(c echo.Context) error {
	q := c.QueryParams()
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	email := q.Get("email")
	org := cmp.Or(q.Get("organization_id"), q.Get("organization"))
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		users := tx.Users()
		if email != "" || org != "" {
			users = nil
			if org != "" {
				for _, m := range tx.MembershipsOfOrg(org) {
					if u := tx.User(m.UserID); u != nil && (email == "" || store.EmailKey(u.Email) == store.EmailKey(email)) {
						users = append(users, u)
					}
				}
				store.SortBySeq(users)
			} else if u := tx.UserByEmail(email); u != nil {
				users = []*store.User{u}
			}
		}
		return web.PageOf(tx, users, pg, (*store.User).Object)
	})
}

// checkUserFields records the fields over their limits (fixtures'
// Max*Length: the same as fixture validation).
func checkUserFields(b *web.Body, email string, first, last, ext *string, locale string) {
	b.Limit("email", email, fixtures.MaxEmailLength)
	if first != nil {
		b.Limit("first_name", *first, fixtures.MaxNameLength)
	}
	if last != nil {
		b.Limit("last_name", *last, fixtures.MaxNameLength)
	}
	b.Limit("locale", locale, fixtures.MaxLocaleLength)
	b.ExternalID("external_id", ext)
	if b.Given("password") {
		b.Limit("password", b.Str("password"), fixtures.MaxPasswordLength)
	}
}

// userCreationError is a 400 user_creation_error with its errors list.
func userCreationError(code, msg string) *web.Error {
	return web.APIError(http.StatusBadRequest, "user_creation_error", "Could not create the user.").
		With("errors", []wire.Object{{{"code", code}, {"message", msg}}})
}

// passwordFields validates password / password_hash / password_hash_type
// (bcrypt only) and returns what to store.
func passwordFields(b *web.Body) (pw, hash []byte, set bool, err error) {
	hasPW, hasHash := b.Given("password"), b.Given("password_hash")
	switch {
	case hasPW && hasHash:
		return nil, nil, false, web.APIError(http.StatusBadRequest, "password_and_password_hash_provided", "Provide password or password_hash, not both.")
	case hasPW:
		p := b.Str("password")
		if p == "" {
			return nil, nil, false, web.APIError(http.StatusBadRequest, "password_strength_error", "The password is too weak.").
				With("errors", []wire.Object{{{"code", "password_too_short"}, {"message", "The password must not be empty."}}})
		}
		return []byte(p), nil, true, nil
	case hasHash:
		h := b.Str("password_hash")
		if t := b.Str("password_hash_type"); t != "bcrypt" {
			return nil, nil, false, web.APIError(http.StatusBadRequest, "invalid_password_hash", "Only bcrypt password hashes are emulated (password_hash_type: bcrypt).")
		}
		if cerr := fixtures.CheckBcrypt(h); cerr != nil {
			return nil, nil, false, web.APIError(http.StatusBadRequest, "invalid_password_hash", "password_hash "+cerr.Error()+".")
		}
		return nil, []byte(h), true, nil
	}
	return nil, nil, false, nil
}

// createUser serves POST /user_management/users (201).
func (a *api) createUser(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(b.Str("email"))
	switch {
	case email == "":
		b.Bad("email", "email_required")
	case fixtures.CheckEmail(email) != nil:
		b.Bad("email", "email_invalid")
	}
	first, last, ext := b.OptStr("first_name"), b.OptStr("last_name"), b.OptStr("external_id")
	checkUserFields(&b, email, first, last, ext, "")
	verified := b.Bool("email_verified")
	metadata := b.ApplyMetadata("metadata", nil, b.Metadata("metadata"))
	if err := b.Err(); err != nil {
		return err
	}
	pw, hash, _, err := passwordFields(&b)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		if tx.UserByEmail(email) != nil {
			return nil, userCreationError("email_not_available", "A user with this e-mail already exists.")
		}
		if ext != nil && tx.UserByExternalID(*ext) != nil {
			return nil, userCreationError("external_id_already_used", "Another user has this external_id.")
		}
		now := tx.Now()
		u := &store.User{ID: tx.NewID(fixtures.PrefixUser), Email: email, EmailVerified: verified, ExternalID: ext, Metadata: metadata,
			Password: pw, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
		if first != nil {
			u.FirstName = *first
		}
		if last != nil {
			u.LastName = *last
		}
		tx.AddUser(u)
		tx.EmitUser("user.created", u)
		return u.Object(), nil
	})
}

// getUser serves GET /user_management/users/{id}.
func (a *api) getUser(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u, err := userFor(c, tx)
		if err != nil {
			return nil, err
		}
		return u.Object(), nil
	})
}

// getUserByExternalID serves GET /user_management/users/external_id/{external_id}.
func (a *api) getUserByExternalID(c echo.Context) error {
	ext := web.PathParam(c, "external_id")
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u := tx.UserByExternalID(ext)
		if u == nil {
			return nil, web.NotFound("User", ext)
		}
		return u.Object(), nil
	})
}

// updateUser serves PUT /user_management/users/{id}: omitted fields are
// unchanged; a metadata key set to null is deleted.
func (a *api) updateUser(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u, err := userFor(c, tx)
		if err != nil {
			return nil, err
		}
		email := u.Email
		if b.Has("email") {
			email = strings.TrimSpace(b.Str("email"))
			if fixtures.CheckEmail(email) != nil {
				return nil, web.APIError(http.StatusBadRequest, "invalid_email", "The e-mail address is invalid.")
			}
			if other := tx.UserByEmail(email); other != nil && other != u {
				return nil, web.APIError(http.StatusBadRequest, "email_not_available", "Another user has this e-mail.")
			}
		}
		metadata := u.Metadata
		if b.Has("metadata") {
			metadata = b.ApplyMetadata("metadata", u.Metadata, b.Metadata("metadata"))
		}
		ext := u.ExternalID
		if b.Has("external_id") {
			ext = b.OptStr("external_id")
			if ext != nil {
				if other := tx.UserByExternalID(*ext); other != nil && other != u {
					return nil, web.APIError(http.StatusBadRequest, "external_id_already_used", "Another user has this external_id.")
				}
			}
		}
		first, last, locale := u.FirstName, u.LastName, u.Locale
		if b.Has("first_name") {
			first = b.Str("first_name")
		}
		if b.Has("last_name") {
			last = b.Str("last_name")
		}
		if b.Has("locale") {
			locale = b.Str("locale")
		}
		verified := u.EmailVerified
		if b.Has("email_verified") {
			verified = b.Bool("email_verified")
		}
		checkUserFields(&b, email, &first, &last, ext, locale)
		if err := b.Err(); err != nil {
			return nil, err
		}
		pw, hash, setPW, err := passwordFields(&b)
		if err != nil {
			return nil, err
		}
		// All checks passed: apply, re-indexing what the indexes key on.
		tx.SetUserKeys(u, email, ext)
		u.Metadata, u.FirstName, u.LastName, u.Locale, u.EmailVerified = metadata, first, last, locale, verified
		if setPW {
			u.Password, u.PasswordHash = pw, hash
		}
		u.UpdatedAt = tx.Now()
		tx.EmitUser("user.updated", u)
		return u.Object(), nil
	})
}

// deleteUser serves DELETE /user_management/users/{id}: the user's
// sessions end (their tokens introspect inactive, their refresh tokens get
// invalid_grant) and their memberships go.
func (a *api) deleteUser(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusOK, func(tx *store.Tx) error {
		u, err := userFor(c, tx)
		if err != nil {
			return err
		}
		tx.DeleteUser(u)
		return nil
	})
}

// userIdentities serves GET /user_management/users/{id}/identities: the
// OAuth identities the user signed in with (Google, GitHub, ...), in link
// order. Like WorkOS's, the list has OAuth identities only: an SSO
// profile is not one. The spec spells GitHub's provider GithubOAuth, as
// the service does (the Node SDK maps it back to GitHubOAuth).
func (a *api) userIdentities(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u, err := userFor(c, tx)
		if err != nil {
			return nil, err
		}
		out := []wire.Object{}
		for _, id := range tx.IdentitiesOf(u.ID) {
			if !fixtures.IsOAuthProvider(id.ConnType) {
				continue
			}
			provider := id.ConnType
			if provider == "GitHubOAuth" {
				provider = "GithubOAuth"
			}
			out = append(out, wire.Object{{"idp_id", id.IdpID}, {"type", "OAuth"}, {"provider", provider}})
		}
		return out, nil
	})
}

// listUserSessions serves GET /user_management/users/{id}/sessions: the
// user's User Management sessions, newest first by default.
func (a *api) listUserSessions(c echo.Context) error {
	pg, err := web.ParsePage(c.QueryParams())
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		u, err := userFor(c, tx)
		if err != nil {
			return nil, err
		}
		var sessions []*store.Session
		for _, ss := range tx.SessionsOfUser(u.ID) {
			if ss.Family == store.FamilyUM {
				sessions = append(sessions, ss)
			}
		}
		return web.PageOf(tx, sessions, pg, tx.SessionObject)
	})
}
