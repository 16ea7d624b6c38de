package inspector

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// The panels of the control plane's own state: scripted faults and signing
// keys. Their actions call the control routes that own them
// (/_emulator/faults, /_emulator/keys).

func faultsPanel() Panel {
	return Panel{
		ID: "faults", Title: "Faults", Columns: []string{"id", "method", "path", "status", "remaining", "delay"},
		Actions: []Action{{Label: "Clear faults", Method: http.MethodDelete, Path: "/_emulator/faults", Confirm: "Clear every scripted fault?"}},
		Form: &Form{Label: "Add fault", Method: http.MethodPost, Path: "/_emulator/faults", Fields: []Field{
			{Name: "method", Label: "method", Type: "text", Placeholder: "POST (empty: any)"},
			{Name: "path", Label: "path", Type: "text", Placeholder: "/user_management/authenticate"},
			{Name: "status", Label: "status", Type: "number", Placeholder: "503"},
			{Name: "count", Label: "count", Type: "number", Placeholder: "1 (0: until cleared)"},
			{Name: "delay", Label: "delay", Type: "text", Placeholder: "0s"},
			{Name: "body", Label: "body (JSON)", Type: "json", Placeholder: `{"code":"unavailable"}`},
		}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			for _, f := range v.Store.Faults().List() { // queue order: the first match wins
				remaining := "until cleared"
				if f.Count > 0 {
					remaining = strconv.Itoa(f.Remaining) + " of " + strconv.Itoa(f.Count)
				}
				method := f.Method
				if method == "" {
					method = "any"
				}
				if !q.Match(f.ID, f.Method, f.Path) {
					continue
				}
				out = append(out, Row{ID: f.ID, Cells: []string{f.ID, method, f.Path, strconv.Itoa(f.Status), remaining, f.Delay.String()}})
			}
			return out
		},
		Detail: func(v View, id string) any {
			for _, f := range v.Store.Faults().List() {
				if f.ID == id {
					var body any
					if len(f.Body) > 0 {
						body = json.RawMessage(f.Body)
					}
					return wire.Object{{"id", f.ID}, {"method", f.Method}, {"path", f.Path}, {"status", f.Status}, {"body", body},
						{"count", f.Count}, {"remaining", f.Remaining}, {"delay", f.Delay.String()}}
				}
			}
			return nil
		},
	}
}

func keysPanel() Panel {
	return Panel{
		ID: "keys", Title: "Keys", Columns: []string{"kid", "signs new tokens"},
		Actions: []Action{{Label: "Rotate key", Method: http.MethodPost, Path: "/_emulator/keys/rotate",
			Confirm: "Rotate the signing key? The old key stays published until retired."}},
		Rows: func(v View, q Query) []Row {
			ring := v.Tx.Ring()
			var out []Row
			for _, k := range ring.Published() {
				if !q.Match(k.KID) {
					continue
				}
				signing := k == ring.Active()
				row := Row{ID: k.KID, Cells: []string{k.KID, yesNo(signing)}}
				if signing {
					row.Status = "active"
				} else {
					row.Actions = []Action{{Label: "Retire", Method: http.MethodDelete, Path: "/_emulator/keys/" + url.PathEscape(k.KID),
						Confirm: "Retire key " + k.KID + "? Tokens it signed turn inactive."}}
				}
				out = append(out, row)
			}
			return out
		},
		Detail: func(v View, id string) any {
			ring := v.Tx.Ring()
			for _, k := range ring.Published() {
				if k.KID == id {
					return wire.Object{{"kid", k.KID}, {"signing", k == ring.Active()}}
				}
			}
			return nil
		},
	}
}
