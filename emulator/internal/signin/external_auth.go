package signin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Standalone Connect: with environment.connect_login_uri set,
// /oauth2/authorize sends the browser to the application's own login page
// with an external_auth_id instead of showing the hosted one. The
// application signs the user in its own way and calls POST
// /authkit/oauth2/complete with the id and the user; the answer's
// redirect_uri sends the browser back to the emulator, where the Connect
// flow continues (organization choice, consent) to the authorization code.

// PrefixExternalAuth starts external authentication ids.
const PrefixExternalAuth = "ext_auth_"

// externalLogin sends a Connect flow to the application's login page: the
// flow's id is the external_auth_id.
func externalLogin(tx *store.Tx, f *store.LoginFlow) string {
	f.ID, f.ExternalAuth = tx.NewID(PrefixExternalAuth), true
	tx.AddFlow(f)
	return withQuery(tx.Config().ConnectLoginURI, "external_auth_id", f.ID)
}

// externalUser is the user of a completion request.
type externalUser struct {
	ID        string            `json:"id"`
	Email     string            `json:"email"`
	FirstName *string           `json:"first_name"`
	LastName  *string           `json:"last_name"`
	Name      *string           `json:"name"`
	Metadata  map[string]string `json:"metadata"`
}

// readExternalUser decodes and checks the user object.
func readExternalUser(raw json.RawMessage) (externalUser, error) {
	var u externalUser
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return u, web.Invalid(web.Field("user", "user_required"))
	}
	if err := json.Unmarshal(raw, &u); err != nil {
		return u, web.Invalid(web.Field("user", "user_must_be_an_object_of_strings"))
	}
	u.ID, u.Email = strings.TrimSpace(u.ID), strings.TrimSpace(u.Email)
	var bad []web.FieldError
	if u.ID == "" {
		bad = append(bad, web.Field("user.id", "id_required"))
	} else if fixtures.CheckExternalID(u.ID) != "" {
		bad = append(bad, web.Field("user.id", "id_invalid"))
	}
	if u.Email == "" {
		bad = append(bad, web.Field("user.email", "email_required"))
	}
	for _, s := range []*string{u.FirstName, u.LastName, u.Name} {
		if s != nil && len(*s) > fixtures.MaxNameLength {
			bad = append(bad, web.Field("user", "name_too_long"))
			break
		}
	}
	if len(u.Metadata) > web.MaxMetadataKeys {
		bad = append(bad, web.Field("user.metadata", "metadata_too_large"))
	}
	for k, v := range u.Metadata {
		if len(k) > web.MaxMetadataKeyLen || len(v) > web.MaxMetadataValueLen {
			bad = append(bad, web.Field("user.metadata."+k, "metadata_too_large"))
		}
	}
	if len(bad) > 0 {
		return u, web.Invalid(bad...)
	}
	if fixtures.CheckEmail(u.Email) != nil || len(u.Email) > fixtures.MaxEmailLength {
		return u, web.APIError(http.StatusBadRequest, "invalid_email", "The user's e-mail address is invalid.")
	}
	return u, nil
}

// names applies the request's names: first and last name as given, or
// split from name.
func (u externalUser) names(first, last string) (string, string) {
	switch {
	case u.FirstName != nil || u.LastName != nil:
		if u.FirstName != nil {
			first = *u.FirstName
		}
		if u.LastName != nil {
			last = *u.LastName
		}
	case u.Name != nil:
		first, last, _ = strings.Cut(strings.TrimSpace(*u.Name), " ")
	}
	return first, last
}

// completeExternalAuth serves POST /authkit/oauth2/complete: the user is
// created or updated by external id (user.created or user.updated), signed
// in to the waiting flow, and the browser is sent back to it.
func (e *engine) completeExternalAuth(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	id := strings.TrimSpace(b.Str("external_auth_id"))
	if err := b.Err(); err != nil {
		return err
	}
	if id == "" {
		return web.Invalid(web.Field("external_auth_id", "external_auth_id_required"))
	}
	eu, err := readExternalUser(b.Raw("user"))
	if err != nil {
		return err
	}
	if raw := b.Raw("user_consent_options"); len(raw) > 0 && string(bytes.TrimSpace(raw)) != "null" {
		var opts []map[string]json.RawMessage
		if json.Unmarshal(raw, &opts) != nil {
			return web.Invalid(web.Field("user_consent_options", "user_consent_options_must_be_an_array"))
		}
	}
	return web.Write(c, e.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		f := tx.Flow(id)
		if f == nil || !f.ExternalAuth || !tx.Now().Before(f.ExpiresAt) {
			return nil, web.APIError(http.StatusNotFound, web.CodeNotFound, fmt.Sprintf("External authentication not found: '%s'.", web.Printable(id)))
		}
		if f.Attempt != nil {
			return nil, web.APIError(http.StatusBadRequest, "external_auth_session_already_completed", "This external authentication was already completed.")
		}
		u, err := upsertExternalUser(tx, eu)
		if err != nil {
			return nil, err
		}
		signInFlow(f, u.ID, "ExternalAuth")
		// The application vouched for the user: AuthKit does not ask for
		// its own e-mail verification or MFA on top.
		f.Attempt.EmailVerified, f.Attempt.MFADone = true, true
		return wire.Object{{"redirect_uri", tx.Config().PublicURL + "/authkit/login?flow=" + f.ID}}, nil
	})
}

// upsertExternalUser finds the user by external id and updates it, or
// creates it; an e-mail that belongs to another user is refused.
func upsertExternalUser(tx *store.Tx, eu externalUser) (*store.User, error) {
	other := tx.UserByEmail(eu.Email)
	u := tx.UserByExternalID(eu.ID)
	if other != nil && other != u {
		return nil, web.APIError(http.StatusBadRequest, "email_not_available", "Another user has this e-mail address.")
	}
	if u == nil {
		ext := eu.ID
		u = tx.NewUserWith(eu.Email, func(u *store.User) { // emits user.created
			u.ExternalID, u.EmailVerified = &ext, true
			u.FirstName, u.LastName = eu.names("", "")
			if eu.Metadata != nil {
				u.Metadata = maps.Clone(eu.Metadata)
			}
		})
		return u, nil
	}
	first, last := eu.names(u.FirstName, u.LastName)
	metadata := u.Metadata
	if eu.Metadata != nil {
		metadata = maps.Clone(eu.Metadata)
	}
	changed := u.Email != eu.Email || first != u.FirstName || last != u.LastName || !maps.Equal(metadata, u.Metadata)
	if !changed {
		return u, nil
	}
	tx.SetUserKeys(u, eu.Email, u.ExternalID)
	u.FirstName, u.LastName, u.Metadata, u.UpdatedAt = first, last, metadata, tx.Now()
	tx.EmitUser("user.updated", u)
	return u, nil
}
