package inspector

import (
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// apiKeysPanel is the API keys product's keys, organizations' and users'.
// A key's value is shown as WorkOS shows it after creation (obfuscated:
// its prefix and last four characters), never in full, and the search
// does not look at values: typing a key finds nothing.
func apiKeysPanel() Panel {
	return Panel{
		ID: "api_keys", Title: "API keys", Columns: []string{"id", "name", "owner", "organization", "value", "expires", "last used", "status"},
		Filters: []Filter{
			{Name: "owner", Label: "owner", Options: []string{"organization", "user"}},
			{Name: "status", Label: "status", Options: []string{"active", "expired"}},
		},
		Rows: func(v View, q Query) []Row {
			var out []Row
			now := v.Tx.Now()
			newestFirst(v.Tx.APIKeys(), func(k *store.APIKey) {
				kind, status := "organization", "active"
				if k.UserID != "" {
					kind = "user"
				}
				if k.ExpiredAt(now) {
					status = "expired"
				}
				org, owner := orgName(v.Tx, k.OrgID), orgName(v.Tx, k.OrgID)
				if k.UserID != "" {
					owner = userEmail(v.Tx, k.UserID)
				}
				if (q.Filter("owner") != "" && q.Filter("owner") != kind) || (q.Filter("status") != "" && q.Filter("status") != status) ||
					!q.Match(k.ID, k.Name, k.OrgID, org, k.UserID, owner) {
					return
				}
				out = append(out, Row{ID: k.ID, Status: status,
					Cells: []string{k.ID, k.Name, kind + ": " + owner, org, k.Obfuscated(), timeOrNever(wire.TimePtr(k.ExpiresAt)),
						timeOrNever(wire.TimePtr(k.LastUsedAt)), status}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			k := v.Tx.APIKeyByID(id)
			if k == nil {
				return nil
			}
			var user any
			if k.UserID != "" {
				user = wire.Object{{"id", k.UserID}, {"email", userEmail(v.Tx, k.UserID)}}
			}
			return wire.Object{{"api_key", k.Object()}, {"organization", orgName(v.Tx, k.OrgID)}, {"user", user}}
		},
	}
}

// timeOrNever is a time cell: the time, or "never".
func timeOrNever(t *string) string {
	if t == nil {
		return "never"
	}
	return *t
}
