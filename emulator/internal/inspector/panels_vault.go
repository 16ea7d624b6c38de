package inspector

import (
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// vaultPanel is the Vault's key-value objects: names, key contexts and
// versions (size and ETag, as GET /vault/v1/kv/{id}/versions shows them),
// never values. There is no "reveal" on purpose: in WorkOS, reading a
// value is an audited operation (vault.data.read), and the inspector
// neither changes the world (so it cannot emit that event) nor reads
// behind the application's back; a test reads a value with its API key
// through the Vault API, and the journal redacts it there too.
func vaultPanel() Panel {
	return Panel{
		ID: "vault", Title: "Vault objects", Columns: []string{"id", "name", "key context", "versions", "updated by", "updated"},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.VaultObjects(), func(o *store.VaultObject) {
				ctx := store.KeyName(o.Context)
				if !q.Match(o.ID, o.Name, ctx, o.KeyID, o.UpdatedBy.ID, o.UpdatedBy.Name) {
					return
				}
				out = append(out, Row{ID: o.ID, Cells: []string{o.ID, o.Name, ctx, itoa(len(o.Versions)), o.UpdatedBy.Name, wire.Time(o.UpdatedAt)}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			o := v.Tx.VaultObject(id)
			if o == nil {
				return nil
			}
			versions := make([]wire.Object, 0, len(o.Versions))
			for i := len(o.Versions) - 1; i >= 0; i-- {
				ver := o.Versions[i]
				versions = append(versions, wire.Object{{"id", ver.ID}, {"created_at", wire.Time(ver.CreatedAt)},
					{"current_version", i == len(o.Versions)-1}, {"size", len(ver.Value)}, {"etag", ver.ETag}})
			}
			return wire.Object{{"id", o.ID}, {"name", o.Name}, {"value", redacted("value")}, {"key_id", o.KeyID}, {"context", o.Context},
				{"updated_at", wire.Time(o.UpdatedAt)}, {"updated_by", wire.Object{{"id", o.UpdatedBy.ID}, {"name", o.UpdatedBy.Name}}},
				{"versions", versions}}
		},
	}
}
