package signin

import (
	"net/http"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// Radar at sign-in: every first-factor attempt (the password and magic-auth
// grants, the hosted page's sign-in, sign-up and code forms) is assessed by
// the store's Radar (lists, then the control-plane switch) and recorded
// with its verdict before anything else happens. A block ends the attempt;
// a challenge makes the sign-in owe a Radar step before the others
// (e-mail verification, MFA, organization).

// Grant types of the Radar challenges at /user_management/authenticate.
const (
	grantRadarEmail = "urn:workos:oauth:grant-type:radar-email-challenge:code"
	grantRadarSMS   = "urn:workos:oauth:grant-type:radar-sms-challenge:code"
)

// radarMethods maps authentication_method to the spec's Radar auth_method.
var radarMethods = map[string]string{"Password": "Password", "MagicAuth": "Email_OTP", "SSO": "SSO", "Passkey": "Passkey"}

// radarEventMethods maps authentication_method to the event's lower-case
// auth_method.
var radarEventMethods = map[string]string{"Password": "password", "MagicAuth": "magic_code", "SSO": "sso", "Passkey": "passkey"}

// radarBlocked is the answer to a blocked API sign-in. WorkOS documents no
// dedicated body for a Radar block; access_denied is the refusal the
// authenticate endpoint documents for a denied sign-in.
func radarBlocked() *web.Error {
	return web.OAuthError(http.StatusBadRequest, web.CodeAccessDenied, "Radar blocked this authentication attempt.")
}

// radarSignIn assesses a sign-in attempt (or takes the attempt the caller
// already assessed, radar_auth_attempt_id) and emits
// authentication.radar_risk_detected when it was not allowed and names a
// user. method is the authentication_method; action sign-in or sign-up.
func radarSignIn(tx *store.Tx, in store.RadarInput, method, attemptID string) *store.RadarAttempt {
	if attemptID != "" {
		if a := tx.RadarAttempt(attemptID); a != nil {
			return a
		}
	}
	in.AuthMethod = radarMethods[method]
	if in.AuthMethod == "" {
		in.AuthMethod = "Other"
	}
	u := tx.UserByEmail(in.Email)
	if u != nil {
		in.UserID = u.ID
	}
	a := tx.AssessRadar(in, store.PrefixRadarAuthAttempt)
	if a.Verdict != store.RadarAllow && u != nil {
		action := "login"
		if in.Action == "sign-up" {
			action = "signup"
		}
		evMethod := radarEventMethods[method]
		if evMethod == "" {
			evMethod = strings.ToLower(method)
		}
		tx.Emit("authentication.radar_risk_detected", "", wire.Object{{"auth_method", evMethod}, {"action", action},
			{"control", a.Verdict}, {"blocklist_type", wire.Opt(a.BlocklistType)}, {"ip_address", wire.Opt(in.IP)},
			{"user_agent", wire.Opt(in.UserAgent)}, {"user_id", u.ID}, {"email", u.Email}})
	}
	return a
}

// withRadar carries an assessment into the sign-in attempt: its id, and
// the challenge it owes.
func withRadar(a *store.Attempt, r *store.RadarAttempt) {
	if r == nil {
		return
	}
	a.RadarAttemptID = r.ID
	if r.Verdict == store.RadarChallenge {
		a.Radar = r.Challenge
		if a.Radar == "" {
			a.Radar = store.RadarChallengeEmail
		}
	}
}

// radarGate assesses an API sign-in before its first factor is checked.
// The attempt (and its event) is committed even when it is blocked, and a
// block is the error to answer.
func (r *tokenRequest) radarGate(email, method string) (*store.RadarAttempt, error) {
	in := store.RadarInput{Source: "authenticate", IP: r.b.Param("ip_address"), UserAgent: r.b.Param("user_agent"),
		Email: email, Action: "sign-in", DeviceID: r.b.Param("device_id"), SignalsID: r.b.Param("signals_id")}
	var att *store.RadarAttempt
	_ = r.st.Write(func(tx *store.Tx) error {
		a := *radarSignIn(tx, in, method, r.b.Param("radar_auth_attempt_id"))
		att = &a
		return nil
	})
	if att.Verdict == store.RadarBlock {
		return nil, radarBlocked()
	}
	return att, nil
}

// radarChallengeCreated e-mails a Radar challenge to the user of a sign-in
// and emits radar.challenge_created.
func radarChallengeCreated(tx *store.Tx, u *store.User) *store.OutboxEntry {
	ch := tx.SendRadarChallenge(u)
	tx.Emit("radar.challenge_created", "", wire.Object{{"type", "email"}, {"radar_challenge_id", ch.ID},
		{"user_id", u.ID}, {"email", u.Email}})
	return ch
}

// radarInterruption is the 403 of an API sign-in that owes a Radar
// challenge: radar_email_challenge (the code is e-mailed; the outbox has
// it) or radar_sms_challenge (the application texts a code with POST
// /user_management/radar_challenges). These are the codes the SDKs
// surface as an AuthenticationException carrying the pending token.
func radarInterruption(tx *store.Tx, p *store.PendingAuth, u *store.User) *web.Error {
	if p.Attempt.Radar == store.RadarChallengeSMS {
		return web.APIError(http.StatusForbidden, "radar_sms_challenge", "Radar requires the user to complete an SMS challenge.").
			With("pending_authentication_token", p.Token).With("user", u.Object())
	}
	ch := radarChallengeCreated(tx, u)
	p.RadarChallengeID = ch.ID
	return web.APIError(http.StatusForbidden, "radar_email_challenge", "Radar requires the user to complete an email challenge.").
		With("pending_authentication_token", p.Token).With("radar_challenge_id", ch.ID).With("email", u.Email)
}

// radarEmailGrant completes a sign-in interrupted by a Radar e-mail
// challenge.
func radarEmailGrant(r tokenRequest) error {
	if err := r.b.Required("code", "radar_challenge_id", "pending_authentication_token"); err != nil {
		return err
	}
	return r.continuePending("a Radar challenge", []store.Step{store.StepRadarChallenge},
		func(tx *store.Tx, pa *store.PendingAuth, a *store.Attempt) error {
			if pa.Attempt.Radar != store.RadarChallengeEmail || pa.RadarChallengeID != r.b.Param("radar_challenge_id") {
				return web.APIError(http.StatusBadRequest, string(store.CodeInvalid), "The Radar challenge is not this pending authentication's.")
			}
			if ce := tx.Redeem(tx.OutboxEntry(pa.RadarChallengeID, store.KindRadarChallenge), r.b.Param("code")); ce != "" {
				return CodeError(ce)
			}
			a.Radar = ""
			tx.RadarChallengePassed(a.RadarAttemptID)
			return nil
		})
}

// radarSMSGrant completes a sign-in interrupted by a Radar SMS challenge,
// with the code texted by POST /user_management/radar_challenges: the
// verification named by verification_id (with its phone_number), or the
// newest one texted for this sign-in.
func radarSMSGrant(r tokenRequest) error {
	if err := r.b.Required("code", "pending_authentication_token"); err != nil {
		return err
	}
	return r.continuePending("a Radar challenge", []store.Step{store.StepRadarChallenge},
		func(tx *store.Tx, pa *store.PendingAuth, a *store.Attempt) error {
			var e *store.OutboxEntry
			if vid := r.b.Param("verification_id"); vid != "" {
				if r.b.Param("phone_number") == "" {
					return web.APIError(http.StatusBadRequest, "phone_number_required", "phone_number is required with verification_id.")
				}
				e = tx.OutboxEntry(vid, store.KindRadarSMS)
				if e == nil || e.UserID != pa.Attempt.UserID || e.Phone != r.b.Param("phone_number") {
					return CodeError(store.CodeInvalid)
				}
			} else if e = tx.OutboxEntry(pa.RadarChallengeID, store.KindRadarSMS); e == nil {
				return web.APIError(http.StatusBadRequest, "verification_id_required", "No SMS code was sent for this sign-in: send one with POST /user_management/radar_challenges.")
			}
			if ce := tx.Redeem(e, r.b.Param("code")); ce != "" {
				return CodeError(ce)
			}
			a.Radar = ""
			tx.RadarChallengePassed(a.RadarAttemptID)
			return nil
		})
}

// hostedRadar assesses a hosted-page sign-in from the flow's browser; it
// answers the page to show instead when Radar blocks it.
func hostedRadar(tx *store.Tx, f *store.LoginFlow, email, method, action, step string) (*store.RadarAttempt, *outcome) {
	in := store.RadarInput{Source: "hosted", IP: f.IP, UserAgent: f.UserAgent, Email: email, Action: action}
	a := radarSignIn(tx, in, method, "")
	if a.Verdict == store.RadarBlock {
		return nil, &outcome{page: page(tx, f, step, "Radar blocked this sign-in attempt.")}
	}
	return a, nil
}
