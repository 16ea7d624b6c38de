package vault

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// MaxVersions bounds the versions an object keeps: past it, the oldest
// leave, so an object updated in a loop does not grow without end.
const MaxVersions = 100

// maxListLimit caps a page: the spec sets no maximum, so larger limits
// are served as this many.
const maxListLimit = 100

// metadata renders the spec's ObjectMetadata.
func metadata(tx *store.Tx, o *store.VaultObject) wire.Object {
	return wire.Object{{"id", o.ID}, {"environment_id", tx.EnvironmentID()}, {"key_id", o.KeyID},
		{"context", o.Context}, {"updated_at", stamp(o.UpdatedAt)},
		{"updated_by", wire.Object{{"id", o.UpdatedBy.ID}, {"name", o.UpdatedBy.Name}}},
		{"version_id", o.Current().ID}}
}

// withoutValue renders the spec's ObjectWithoutValue.
func withoutValue(tx *store.Tx, o *store.VaultObject) wire.Object {
	return wire.Object{{"id", o.ID}, {"name", o.Name}, {"metadata", metadata(tx, o)}}
}

// withValue renders the spec's Object: the decrypted value too.
func withValue(tx *store.Tx, o *store.VaultObject) wire.Object {
	return wire.Object{{"id", o.ID}, {"name", o.Name}, {"value", o.Current().Value}, {"metadata", metadata(tx, o)}}
}

func objectFor(c echo.Context, tx *store.Tx) (*store.VaultObject, error) {
	if o := tx.VaultObject(web.PathParam(c, "id")); o != nil {
		return o, nil
	}
	return nil, notFound()
}

// create serves POST /vault/v1/kv (201: the new object's metadata).
func (a *api) create(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	name, value := b.Str("name"), b.Str("value")
	switch {
	case b.Err() != nil:
		return unprocessable("name and value must be strings.")
	case !b.Given("name") || name == "":
		return unprocessable("name is required.")
	case len(name) > fixtures.MaxVaultNameLength:
		return unprocessable("name must be at most 200 characters.")
	case !b.Given("value"):
		return unprocessable("value is required.")
	}
	ctx, err := readContext(&b, "key_context")
	if err != nil {
		return err
	}
	who := actor(c)
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		if tx.VaultObjectByName(name) != nil {
			return nil, vaultError(http.StatusConflict, codeConflict, "An object named '"+web.Printable(name)+"' already exists.")
		}
		kekID, _ := tx.VaultKEK(ctx)
		if tx.UseVaultKEK(ctx) {
			tx.Emit("vault.kek.created", "", store.VaultEvent(who, "key_name", store.KeyName(ctx), "key_id", kekID))
		}
		o := &store.VaultObject{ID: tx.UUID(), Name: name, Context: ctx, KeyID: kekID,
			Versions: []*store.VaultVersion{tx.NewVaultVersion(value)}, UpdatedAt: tx.Now(), UpdatedBy: who}
		tx.AddVaultObject(o)
		tx.Emit("vault.data.created", "", store.VaultEvent(who, "kv_name", o.Name, "key_id", kekID, "key_context", ctx))
		return metadata(tx, o), nil
	})
}

// read serves GET /vault/v1/kv/{id}: the object with its value.
func (a *api) read(c echo.Context) error {
	who := actor(c)
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		o, err := objectFor(c, tx)
		if err != nil {
			return nil, err
		}
		tx.Emit("vault.data.read", "", store.VaultEvent(who, "kv_name", o.Name, "key_id", o.KeyID))
		return withValue(tx, o), nil
	})
}

// readByName serves GET /vault/v1/kv/name/{name}.
func (a *api) readByName(c echo.Context) error {
	who := actor(c)
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		o := tx.VaultObjectByName(web.PathParam(c, "name"))
		if o == nil {
			return nil, notFound()
		}
		tx.Emit("vault.data.read", "", store.VaultEvent(who, "kv_name", o.Name, "key_id", o.KeyID))
		return withValue(tx, o), nil
	})
}

// describe serves GET /vault/v1/kv/{id}/metadata: no value, no decryption.
func (a *api) describe(c echo.Context) error {
	who := actor(c)
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		o, err := objectFor(c, tx)
		if err != nil {
			return nil, err
		}
		tx.Emit("vault.metadata.read", "", store.VaultEvent(who, "kv_name", o.Name))
		return withoutValue(tx, o), nil
	})
}

// versions serves GET /vault/v1/kv/{id}/versions: every version kept,
// newest first, in one page.
func (a *api) versions(c echo.Context) error {
	who := actor(c)
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		o, err := objectFor(c, tx)
		if err != nil {
			return nil, err
		}
		tx.Emit("vault.metadata.read", "", store.VaultEvent(who, "kv_name", o.Name))
		data := make([]wire.Object, 0, len(o.Versions))
		for i := len(o.Versions) - 1; i >= 0; i-- {
			v := o.Versions[i]
			data = append(data, wire.Object{{"id", v.ID}, {"created_at", stamp(v.CreatedAt)},
				{"current_version", i == len(o.Versions)-1}, {"size", len(v.Value)}, {"etag", v.ETag}})
		}
		return wire.Object{{"data", data}, {"list_metadata", wire.Object{{"before", nil}, {"after", nil}}}}, nil
	})
}

// checkVersion refuses a change whose version_check is not the object's
// current version (optimistic locking).
func checkVersion(o *store.VaultObject, want *string) error {
	if want != nil && *want != o.Current().ID {
		return vaultError(http.StatusConflict, codeConflict,
			"Version check failed: '"+web.Printable(*want)+"' is not the current version of the object.")
	}
	return nil
}

// update serves PUT /vault/v1/kv/{id} (201, as the spec says): a new
// version with the new value, under the same key context.
func (a *api) update(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	value, check := b.Str("value"), b.OptStr("version_check")
	if b.Err() != nil || !b.Given("value") {
		return badRequest("value is required and must be a string; version_check, when given, a string.")
	}
	who := actor(c)
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		o, err := objectFor(c, tx)
		if err != nil {
			return nil, err
		}
		if err := checkVersion(o, check); err != nil {
			return nil, err
		}
		o.Versions = append(o.Versions, tx.NewVaultVersion(value))
		if n := len(o.Versions); n > MaxVersions {
			o.Versions = append([]*store.VaultVersion(nil), o.Versions[n-MaxVersions:]...)
		}
		o.UpdatedAt, o.UpdatedBy = tx.Now(), who
		tx.Emit("vault.data.updated", "", store.VaultEvent(who, "kv_name", o.Name, "key_id", o.KeyID, "key_context", o.Context))
		return withoutValue(tx, o), nil
	})
}

// delete serves DELETE /vault/v1/kv/{id}?version_check=.
func (a *api) delete(c echo.Context) error {
	var check *string
	if q := c.QueryParams(); q.Has("version_check") {
		v := q.Get("version_check")
		check = &v
	}
	who := actor(c)
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		o, err := objectFor(c, tx)
		if err != nil {
			return nil, err
		}
		if err := checkVersion(o, check); err != nil {
			return nil, err
		}
		tx.DeleteVaultObject(o)
		tx.Emit("vault.data.deleted", "", store.VaultEvent(who, "kv_name", o.Name))
		return wire.Object{{"name", o.Name}, {"success", true}}, nil
	})
}

// listQuery is what GET /vault/v1/kv reads.
type listQuery struct {
	page         web.Page
	search       string
	updatedAfter time.Time
}

func parseList(q url.Values) (listQuery, error) {
	lq := listQuery{page: web.Page{Limit: 10, Desc: true, Before: q.Get("before"), After: q.Get("after")},
		search: strings.ToLower(q.Get("search"))}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return lq, badRequest("limit must be an integer of at least 1.")
		}
		lq.page.Limit = min(n, maxListLimit)
	}
	switch q.Get("order") {
	case "", "desc":
	case "asc":
		lq.page.Desc = false
	default:
		return lq, badRequest("order must be asc or desc.")
	}
	if lq.page.Before != "" && lq.page.After != "" {
		return lq, badRequest("before and after cannot be used together.")
	}
	// The spec names the parameter updatedAfter; the Node SDK sends
	// updated_after. Both are read.
	for _, k := range []string{"updatedAfter", "updated_after"} {
		if v := q.Get(k); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return lq, badRequest(k + " must be an ISO 8601 timestamp.")
			}
			lq.updatedAfter = t
		}
	}
	return lq, nil
}

// list serves GET /vault/v1/kv: object names, newest first. search keeps
// the objects whose name contains it (case-insensitive); updatedAfter
// those updated since.
func (a *api) list(c echo.Context) error {
	lq, err := parseList(c.QueryParams())
	if err != nil {
		return err
	}
	who := actor(c)
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		objs := tx.VaultObjects()
		if lq.search != "" || !lq.updatedAfter.IsZero() {
			objs = nil
			for _, o := range tx.VaultObjects() {
				if strings.Contains(strings.ToLower(o.Name), lq.search) && o.UpdatedAt.After(lq.updatedAfter) {
					objs = append(objs, o)
				}
			}
		}
		page, meta, err := web.Paginate(objs, lq.page, tx.SeqOf)
		if err != nil {
			return nil, badRequest("The cursor is not an object of this vault.")
		}
		data := make([]wire.Object, len(page))
		for i, o := range page {
			data[i] = wire.Object{{"id", o.ID}, {"name", o.Name}, {"updated_at", stamp(o.UpdatedAt)}}
		}
		tx.Emit("vault.names.listed", "", store.VaultEvent(who))
		return wire.Object{{"data", data}, {"list_metadata", meta}}, nil
	})
}
