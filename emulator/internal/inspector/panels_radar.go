package inspector

import (
	"net/http"
	"slices"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// radarPanel is Radar: the control plane's switch (when set) and the
// allow and block lists on top, then every assessed attempt with its
// verdict, newest first. The switch is set with the panel's form and
// cleared with its action, through /_emulator/radar.
func radarPanel() Panel {
	return Panel{
		ID: "radar", Title: "Radar", Columns: []string{"id", "kind", "email or entry", "auth method", "control", "created", "verdict"},
		Filters: []Filter{
			{Name: "kind", Label: "kind", Options: []string{"attempt", "switch", "list"}},
			{Name: "verdict", Label: "verdict", Options: []string{store.RadarAllow, store.RadarChallenge, store.RadarBlock}},
		},
		Actions: []Action{{Label: "Clear switch", Method: http.MethodDelete, Path: "/_emulator/radar"}},
		Form: &Form{Label: "Set switch", Method: http.MethodPost, Path: "/_emulator/radar", Fields: []Field{
			{Name: "verdict", Label: "verdict", Type: "text", Placeholder: "block | challenge"},
			{Name: "count", Label: "count", Type: "number", Placeholder: "1 (0: until cleared)"},
			{Name: "challenge", Label: "challenge", Type: "text", Placeholder: "email | sms (challenge)"},
			{Name: "control", Label: "control", Type: "text", Placeholder: "bot_detection"},
		}},
		Rows: func(v View, q Query) []Row {
			kind, verdict := q.Filter("kind"), q.Filter("verdict")
			var out []Row
			if sw := v.Tx.RadarSwitchState(); sw != nil && (kind == "" || kind == "switch") && (verdict == "" || verdict == sw.Verdict) &&
				q.Match("switch", sw.Verdict, sw.Control) {
				out = append(out, Row{ID: "switch", Status: sw.Verdict, Cells: []string{"switch", "switch", switchLeft(sw), "", sw.Control, "", sw.Verdict},
					Actions: []Action{{Label: "Clear", Method: http.MethodDelete, Path: "/_emulator/radar"}}})
			}
			if kind == "" || kind == "list" {
				for _, e := range radarEntries(v.Tx) {
					if (verdict == "" || verdict == e.verdict()) && q.Match(e.typ, e.action+" list", e.entry) {
						out = append(out, Row{ID: e.id(), Status: e.verdict(), Cells: []string{e.id(), e.action + " list (" + e.typ + ")", e.entry, "", "", "", e.verdict()}})
					}
				}
			}
			if kind != "" && kind != "attempt" {
				return out
			}
			newestFirst(v.Tx.RadarAttempts(), func(a *store.RadarAttempt) {
				if (verdict != "" && a.Verdict != verdict) || !q.Match(a.ID, a.Email, a.UserID, userEmail(v.Tx, a.UserID), a.IP, a.UserAgent, a.Control) {
					return
				}
				out = append(out, Row{ID: a.ID, Status: a.Verdict,
					Cells: []string{a.ID, "attempt (" + a.Source + ", " + a.Action + ")", a.Email, a.AuthMethod, a.Control, wire.Time(a.CreatedAt), a.Verdict}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			if id == "switch" {
				if sw := v.Tx.RadarSwitchState(); sw != nil {
					count := sw.Remaining
					if sw.Unlimited {
						count = 0
					}
					return wire.Object{{"switch", wire.Object{{"verdict", sw.Verdict}, {"count", count}, {"challenge", wire.Opt(sw.Challenge)},
						{"control", sw.Control}}}, {"applies_to", switchLeft(sw)}}
				}
				return nil
			}
			for _, e := range radarEntries(v.Tx) {
				if e.id() == id {
					return wire.Object{{"list", e.action}, {"type", e.typ}, {"entry", e.entry}}
				}
			}
			if a := v.Tx.RadarAttempt(id); a != nil {
				return wire.Object{{"id", a.ID}, {"source", a.Source}, {"email", a.Email}, {"user_id", wire.Opt(a.UserID)},
					{"ip_address", wire.Opt(a.IP)}, {"user_agent", wire.Opt(a.UserAgent)}, {"auth_method", a.AuthMethod}, {"action", a.Action},
					{"verdict", a.Verdict}, {"reason", a.Reason}, {"control", wire.Opt(a.Control)}, {"blocklist_type", wire.Opt(a.BlocklistType)},
					{"challenge", wire.Opt(a.Challenge)}, {"attempt_status", wire.Opt(a.AttemptStatus)}, {"challenge_status", wire.Opt(a.ChallengeStatus)},
					{"created_at", wire.Time(a.CreatedAt)}, {"updated_at", wire.Time(a.UpdatedAt)}}
			}
			return nil
		},
	}
}

// switchLeft says how many attempts the switch still overrides.
func switchLeft(sw *store.RadarSwitch) string {
	if sw.Unlimited {
		return "every attempt until cleared"
	}
	if sw.Remaining == 1 {
		return "the next attempt"
	}
	return "the next " + itoa(sw.Remaining) + " attempts"
}

// radarEntry is an entry of a Radar allow or block list.
type radarEntry struct{ typ, action, entry string }

// id names the entry's row: list, its action and type, and the entry.
func (e radarEntry) id() string { return "list:" + e.action + ":" + e.typ + ":" + e.entry }

// verdict is the verdict the entry gives a matching attempt.
func (e radarEntry) verdict() string {
	if e.action == "allow" {
		return store.RadarAllow
	}
	return store.RadarBlock
}

// radarEntries lists every list entry, sorted (the lists are sets).
func radarEntries(tx *store.Tx) []radarEntry {
	var out []radarEntry
	for k, entries := range tx.RadarLists() {
		typ, action, _ := strings.Cut(k, "/")
		for _, e := range entries {
			out = append(out, radarEntry{typ: typ, action: action, entry: e})
		}
	}
	slices.SortFunc(out, func(a, b radarEntry) int { return strings.Compare(a.id(), b.id()) })
	return out
}
