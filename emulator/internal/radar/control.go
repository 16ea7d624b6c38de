package radar

import (
	"net/http"
	"slices"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// control serves the area's control-plane routes.
type control struct{ env web.Env }

// ControlRoutes lists the area's control-plane routes.
func ControlRoutes(env web.Env) []web.Route {
	c := &control{env: env}
	const g, ctl = web.GroupControl, web.Control
	return []web.Route{
		web.R(http.MethodGet, "/_emulator/radar", g, ctl, "Radar: the switch, the lists and the recorded attempts with their verdicts (?email=&verdict=)", c.get),
		web.R(http.MethodPost, "/_emulator/radar", g, ctl, "make the next attempts challenge or block: {\"verdict\":\"challenge\"|\"block\",\"count\":N (0: until cleared),\"challenge\":\"email\"|\"sms\",\"control\":...}", c.set),
		web.R(http.MethodDelete, "/_emulator/radar", g, ctl, "clear the Radar switch (attempts are allowed again)", c.clear),
	}
}

// Switch is the control plane's Radar switch, as set and shown.
type Switch struct {
	// Verdict is challenge or block.
	Verdict string `json:"verdict"`
	// Count is how many attempts the switch still overrides; 0 means every
	// attempt until it is cleared.
	Count int `json:"count"`
	// Challenge is the challenge kind (email, the default, or sms).
	Challenge string `json:"challenge,omitempty"`
	// Control is the Radar control the verdicts report (default
	// bot_detection for block, unrecognized_device for challenge).
	Control string `json:"control,omitempty"`
}

// controls are the spec's Radar controls.
var controls = []string{"bot_detection", "brute_force_attack", "impossible_travel", "repeat_sign_up", "stale_account", "unrecognized_device", "restriction"}

// SetSwitch validates and sets the switch: the next sw.Count attempts
// (every attempt when 0) get sw.Verdict. It is what POST /_emulator/radar
// and the Go API call.
func SetSwitch(st *store.Store, sw Switch) (Switch, error) {
	var bad []web.FieldError
	if sw.Verdict != store.RadarChallenge && sw.Verdict != store.RadarBlock {
		bad = append(bad, web.Field("verdict", "verdict_must_be_challenge_or_block"))
	}
	if sw.Count < 0 {
		bad = append(bad, web.Field("count", "count_must_not_be_negative"))
	}
	switch {
	case sw.Verdict != store.RadarChallenge && sw.Challenge != "":
		bad = append(bad, web.Field("challenge", "challenge_needs_verdict_challenge"))
	case sw.Verdict == store.RadarChallenge && sw.Challenge == "":
		sw.Challenge = store.RadarChallengeEmail
	case sw.Verdict == store.RadarChallenge && sw.Challenge != store.RadarChallengeEmail && sw.Challenge != store.RadarChallengeSMS:
		bad = append(bad, web.Field("challenge", "challenge_must_be_email_or_sms"))
	}
	if sw.Control != "" && !slices.Contains(controls, sw.Control) {
		bad = append(bad, web.Field("control", "unknown_control"))
	}
	if len(bad) > 0 {
		return Switch{}, web.Invalid(bad...)
	}
	if sw.Control == "" {
		sw.Control = "bot_detection"
		if sw.Verdict == store.RadarChallenge {
			sw.Control = "unrecognized_device"
		}
	}
	err := st.Write(func(tx *store.Tx) error {
		tx.SetRadarSwitch(&store.RadarSwitch{Verdict: sw.Verdict, Challenge: sw.Challenge, Control: sw.Control,
			Remaining: sw.Count, Unlimited: sw.Count == 0})
		return nil
	})
	return sw, err
}

// ClearSwitch clears the switch: attempts get their verdicts from the
// lists alone again.
func ClearSwitch(st *store.Store) {
	_ = st.Write(func(tx *store.Tx) error { tx.SetRadarSwitch(nil); return nil })
}

// State is what GET /_emulator/radar shows.
type State struct {
	Switch   *Switch             `json:"switch"`
	Lists    map[string][]string `json:"lists"`
	Attempts []wire.Object       `json:"attempts"`
}

// AttemptObject renders a recorded attempt for the control plane.
func AttemptObject(a *store.RadarAttempt) wire.Object {
	return wire.Object{{"id", a.ID}, {"source", a.Source}, {"email", a.Email}, {"user_id", wire.Opt(a.UserID)},
		{"ip_address", wire.Opt(a.IP)}, {"user_agent", wire.Opt(a.UserAgent)}, {"auth_method", a.AuthMethod}, {"action", a.Action},
		{"verdict", a.Verdict}, {"reason", a.Reason}, {"control", wire.Opt(a.Control)}, {"blocklist_type", wire.Opt(a.BlocklistType)},
		{"challenge", wire.Opt(a.Challenge)}, {"attempt_status", wire.Opt(a.AttemptStatus)}, {"challenge_status", wire.Opt(a.ChallengeStatus)},
		{"created_at", wire.Time(a.CreatedAt)}, {"updated_at", wire.Time(a.UpdatedAt)}}
}

// Snapshot reads the Radar state: the switch, the lists (sorted) and the
// attempts, newest first, filtered by e-mail and verdict when not empty.
func Snapshot(st *store.Store, email, verdict string) State {
	out := State{Lists: map[string][]string{}, Attempts: []wire.Object{}}
	_ = st.Read(func(tx *store.Tx) error {
		if sw := tx.RadarSwitchState(); sw != nil {
			out.Switch = &Switch{Verdict: sw.Verdict, Count: sw.Remaining, Challenge: sw.Challenge, Control: sw.Control}
			if sw.Unlimited {
				out.Switch.Count = 0
			}
		}
		for k, l := range tx.RadarLists() {
			if len(l) > 0 {
				sort.Strings(l)
				out.Lists[k] = l
			}
		}
		return nil
	})
	for _, a := range Attempts(st, email, verdict) {
		out.Attempts = append(out.Attempts, AttemptObject(&a))
	}
	return out
}

// Attempts lists the recorded attempts (copies), newest first, filtered by
// e-mail and verdict when not empty.
func Attempts(st *store.Store, email, verdict string) []store.RadarAttempt {
	var out []store.RadarAttempt
	_ = st.Read(func(tx *store.Tx) error {
		all := tx.RadarAttempts()
		for i := len(all) - 1; i >= 0; i-- {
			a := all[i]
			if (email == "" || store.EmailKey(a.Email) == store.EmailKey(email)) && (verdict == "" || a.Verdict == verdict) {
				out = append(out, *a)
			}
		}
		return nil
	})
	return out
}

// get serves GET /_emulator/radar.
func (c *control) get(e echo.Context) error {
	q := e.QueryParams()
	return web.JSON(e, http.StatusOK, Snapshot(c.env(e), q.Get("email"), q.Get("verdict")))
}

// set serves POST /_emulator/radar.
func (c *control) set(e echo.Context) error {
	b, err := web.Decode(e, web.ControlJSON)
	if err != nil {
		return err
	}
	var sw Switch
	if err := b.Into(&sw); err != nil {
		return err
	}
	set, err := SetSwitch(c.env(e), sw)
	if err != nil {
		return err
	}
	return web.JSON(e, http.StatusOK, set)
}

// clear serves DELETE /_emulator/radar.
func (c *control) clear(e echo.Context) error {
	ClearSwitch(c.env(e))
	return web.NoContent(e, http.StatusNoContent)
}
