package apikeys

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// validate serves POST /api_keys/validations: {"api_key": {...}} for a key
// that validates now (organization or user key), {"api_key": null}
// otherwise. A validation is a use of the key: it sets last_used_at.
func (a *api) validate(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	value := b.Str("value")
	if value == "" {
		b.Bad("value", "value_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		k := tx.ValidAPIKey(value)
		if k == nil {
			return wire.Object{{"api_key", nil}}, nil
		}
		tx.TouchAPIKey(k)
		return wire.Object{{"api_key", k.Object()}}, nil
	})
}

// keyFor finds the key the route's :id names, or a 404.
func keyFor(c echo.Context, tx *store.Tx) (*store.APIKey, error) {
	id := web.PathParam(c, "id")
	if k := tx.APIKeyByID(id); k != nil {
		return k, nil
	}
	return nil, web.NotFound("API key", id)
}

// delete serves DELETE /api_keys/{id} (204): the key stops validating at
// once.
func (a *api) delete(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		k, err := keyFor(c, tx)
		if err != nil {
			return err
		}
		tx.DeleteAPIKey(k)
		return nil
	})
}

// expire serves POST /api_keys/{id}/expire: expires_at absent or past
// expires the key now, a future time schedules its expiry, null clears a
// scheduled one. An expired key cannot change (409).
func (a *api) expire(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	var at *time.Time
	clear := b.Has("expires_at") && b.Null("expires_at")
	if b.Given("expires_at") {
		at = timestamp(&b, "expires_at")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		k, err := keyFor(c, tx)
		if err != nil {
			return nil, err
		}
		now := tx.Now()
		if k.ExpiredAt(now) {
			return nil, web.APIError(http.StatusConflict, "api_key_already_expired", fmt.Sprintf("API key '%s' has already expired.", k.ID))
		}
		switch {
		case clear:
			tx.SetAPIKeyExpiry(k, nil)
		case at == nil || !at.After(now):
			tx.SetAPIKeyExpiry(k, &now)
		default:
			tx.SetAPIKeyExpiry(k, at)
		}
		return k.Object(), nil
	})
}

// timestamp reads an ISO 8601 timestamp (nil, with a field error, when it
// is not one).
func timestamp(b *web.Body, k string) *time.Time {
	s := b.Str(k)
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		b.Bad(k, "must_be_an_iso_8601_timestamp")
		return nil
	}
	t = t.UTC().Truncate(time.Millisecond)
	return &t
}

// newKey reads what creating a key takes: a name, permissions (each an
// existing permission) and an optional future expiry. The permissions are
// checked in the transaction (checkPermissions).
type newKey struct {
	name        string
	permissions []string
	expiresAt   *time.Time
}

func readNewKey(b *web.Body) newKey {
	k := newKey{name: b.Str("name"), permissions: b.Strings("permissions")}
	if k.name == "" {
		b.Bad("name", "name_required")
	}
	b.Limit("name", k.name, fixtures.MaxNameLength)
	if b.Given("expires_at") {
		k.expiresAt = timestamp(b, "expires_at")
	}
	return k
}

// check refuses unknown permissions and an expiry that is not in the
// future, with the 422 of the API.
func (k newKey) check(tx *store.Tx) error {
	var fields []web.FieldError
	for i, p := range k.permissions {
		if tx.Permission(p) == nil {
			fields = append(fields, web.Field(fmt.Sprintf("permissions[%d]", i), "permission_not_found"))
		}
	}
	if k.expiresAt != nil && !k.expiresAt.After(tx.Now()) {
		fields = append(fields, web.Field("expires_at", "must_be_in_the_future"))
	}
	if len(fields) > 0 {
		return web.Invalid(fields...)
	}
	return nil
}

// add creates the key in the world and answers it, with its value, once.
func (k newKey) add(tx *store.Tx, orgID, userID string) wire.Object {
	now := tx.Now()
	value := tx.NewAPIKeyValue()
	for tx.APIKeyValueTaken(value) {
		value = tx.NewAPIKeyValue()
	}
	key := &store.APIKey{ID: tx.NewID(store.PrefixAPIKey), Name: k.name, OrgID: orgID, UserID: userID,
		Permissions: k.permissions, ExpiresAt: k.expiresAt, CreatedAt: now, UpdatedAt: now}
	tx.AddAPIKey(key, value)
	return key.ObjectWithValue()
}
