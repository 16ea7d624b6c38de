package radar

import (
	"net/http"
	"net/netip"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// maxEntryLength bounds a list entry.
const maxEntryLength = 512

// listEntry reads and checks a list request: the path's type and action
// and the body's entry, which must have the type's format.
func listEntry(c echo.Context) (typ, action, entry string, err error) {
	typ, action = web.PathParam(c, "type"), web.PathParam(c, "action")
	if !slices.Contains(store.RadarListTypes, typ) {
		return "", "", "", badRequest("The list type must be one of " + strings.Join(store.RadarListTypes, ", ") + ".")
	}
	if action != "allow" && action != "block" {
		return "", "", "", badRequest("The list action must be allow or block.")
	}
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return "", "", "", err
	}
	entry = strings.TrimSpace(b.Str("entry"))
	if err := b.Err(); err != nil {
		return "", "", "", err
	}
	if entry == "" {
		return "", "", "", badRequest("entry is required.")
	}
	if msg := checkEntry(typ, entry); msg != "" {
		return "", "", "", badRequest(msg)
	}
	return typ, action, entry, nil
}

// checkEntry is why an entry does not fit its list type ("" when it does).
func checkEntry(typ, entry string) string {
	if len(entry) > maxEntryLength {
		return "The entry is too long."
	}
	switch typ {
	case "ip_address":
		if _, err := netip.ParseAddr(entry); err != nil {
			if _, err := netip.ParsePrefix(entry); err != nil {
				return "The entry must be an IP address or a CIDR range."
			}
		}
	case "email":
		if fixtures.CheckEmail(entry) != nil {
			return "The entry must be an e-mail address."
		}
	case "domain":
		if !strings.Contains(entry, ".") || strings.ContainsAny(entry, "@/: \t") {
			return "The entry must be a domain such as example.com."
		}
	case "country":
		if len(entry) != 2 || strings.Trim(strings.ToUpper(entry), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return "The entry must be an ISO 3166-1 alpha-2 country code."
		}
	}
	return ""
}

// addEntry serves POST /radar/lists/{type}/{action}: 204 when added, 200
// with a message when the entry was already there.
func (a *api) addEntry(c echo.Context) error {
	typ, action, entry, err := listEntry(c)
	if err != nil {
		return err
	}
	var added bool
	err = a.env(c).Write(func(tx *store.Tx) error {
		added = tx.AddRadarListEntry(typ, action, entry)
		return nil
	})
	if err != nil {
		return err
	}
	if !added {
		return web.JSON(c, http.StatusOK, wire.Object{{"message", "Entry already present in list"}})
	}
	return web.NoContent(c, http.StatusNoContent)
}

// removeEntry serves DELETE /radar/lists/{type}/{action}.
func (a *api) removeEntry(c echo.Context) error {
	typ, action, entry, err := listEntry(c)
	if err != nil {
		return err
	}
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		if !tx.RemoveRadarListEntry(typ, action, entry) {
			return web.APIError(http.StatusNotFound, web.CodeNotFound, "Entry not found in the "+typ+" "+action+" list.")
		}
		return nil
	})
}
