package signin

import (
	"net/http"
	"slices"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// The grants that complete a sign-in with a code: magic auth (a first
// factor), and the follow-up steps of an interrupted sign-in (e-mail
// verification, MFA, organization selection).

// CodeError is the 400 of a refused one-time code.
func CodeError(ce store.CodeError) *web.Error {
	msg := map[store.CodeError]string{
		store.CodeInvalid:         "The code is invalid.",
		store.CodePreviouslyUsed:  "The code was already used.",
		store.CodeExpired:         "The code has expired.",
		store.CodeTooManyAttempts: "Too many wrong codes: request a new one.",
	}[ce]
	return web.APIError(http.StatusBadRequest, string(ce), msg)
}

// RedeemMagicCode verifies the newest magic-auth code sent to an e-mail and
// returns its user.
func RedeemMagicCode(tx *store.Tx, email, code string) (string, error) {
	e := tx.LatestOutbox(store.KindMagicAuth, email)
	if ce := tx.Redeem(e, code); ce != "" {
		return "", CodeError(ce)
	}
	if tx.User(e.UserID) == nil {
		return "", web.APIError(http.StatusBadRequest, "invalid_one_time_code", "The code's user no longer exists.")
	}
	return e.UserID, nil
}

// magicAuthGrant signs a user in with the magic-auth code e-mailed to
// them; the e-mail is verified by it.
func magicAuthGrant(r tokenRequest) error {
	if err := r.b.Required("code", "email"); err != nil {
		return err
	}
	radar, err := r.radarGate(r.b.Param("email"), "MagicAuth")
	if err != nil {
		return err
	}
	var userID string
	err = r.st.Write(func(tx *store.Tx) error {
		var err error
		userID, err = RedeemMagicCode(tx, r.b.Param("email"), r.b.Param("code"))
		if err != nil {
			var known string
			if u := tx.UserByEmail(r.b.Param("email")); u != nil {
				known = u.ID
			}
			authenticated(tx, "magic_auth", r.endUser(), known, r.b.Param("email"), err)
		}
		return err
	})
	if err != nil {
		return err
	}
	a := store.Attempt{UserID: userID, Method: "MagicAuth", EmailVerified: true, Verified: "magic_auth"}
	withRadar(&a, radar)
	return r.signIn(a)
}

// continuePending applies the step a pending sign-in waits for (reasons)
// and completes it; a failed step leaves the pending token usable, so a
// wrong code can be retried.
func (r *tokenRequest) continuePending(waitingFor string, reasons []store.Step, apply func(tx *store.Tx, pa *store.PendingAuth, a *store.Attempt) error) error {
	var a store.Attempt
	err := r.st.Write(func(tx *store.Tx) error {
		pa := tx.Pending(r.b.Param("pending_authentication_token"))
		if pa == nil || !tx.Now().Before(pa.ExpiresAt) {
			return web.APIError(http.StatusBadRequest, "invalid_pending_authentication_token", "The pending authentication token is invalid or expired.")
		}
		if !slices.Contains(reasons, pa.Reason) {
			return web.APIError(http.StatusBadRequest, "invalid_pending_authentication_token", "This pending authentication is not waiting for "+waitingFor+".")
		}
		a = pa.Attempt
		a.Verified = ""
		if err := apply(tx, pa, &a); err != nil {
			return err
		}
		tx.DeletePending(pa.Token)
		return nil
	})
	if err != nil {
		return err
	}
	return r.respond(complete(r.c.Request().Context(), r.st, a))
}

// emailVerificationGrant completes a sign-in interrupted for e-mail
// verification.
func emailVerificationGrant(r tokenRequest) error {
	if err := r.b.Required("code", "pending_authentication_token"); err != nil {
		return err
	}
	return r.continuePending("e-mail verification", []store.Step{store.StepVerifyEmail},
		func(tx *store.Tx, pa *store.PendingAuth, a *store.Attempt) error {
			a.EmailVerified, a.Verified = true, "email_verification"
			if ce := tx.Redeem(tx.OutboxEntry(pa.EmailVerificationID, store.KindEmailVerification), r.b.Param("code")); ce != "" {
				authenticated(tx, "email_verification", r.endUser(), a.UserID, "", CodeError(ce))
				return CodeError(ce)
			}
			return nil
		})
}

// totpGrant completes a sign-in interrupted for MFA.
func totpGrant(r tokenRequest) error {
	if err := r.b.Required("code", "pending_authentication_token", "authentication_challenge_id"); err != nil {
		return err
	}
	return r.continuePending("MFA", []store.Step{store.StepMFAChallenge, store.StepMFAEnroll},
		func(tx *store.Tx, pa *store.PendingAuth, a *store.Attempt) error {
			a.MFADone, a.Verified = true, "mfa"
			err := VerifyChallenge(tx, r.b.Param("authentication_challenge_id"), pa.Attempt.UserID, r.b.Param("code"))
			if err != nil {
				authenticated(tx, "mfa", r.endUser(), a.UserID, "", err)
			}
			return err
		})
}

// orgSelectionGrant completes a sign-in interrupted to choose an
// organization.
func orgSelectionGrant(r tokenRequest) error {
	if err := r.b.Required("pending_authentication_token", "organization_id"); err != nil {
		return err
	}
	return r.continuePending("an organization", []store.Step{store.StepChooseOrg},
		func(tx *store.Tx, _ *store.PendingAuth, a *store.Attempt) error {
			a.OrgID = r.b.Param("organization_id")
			_, err := nextStep(tx, a) // not a member: the token stays usable for another choice
			return err
		})
}
