package store

import "time"

// Attempt is a sign-in in progress: who proved who they are (and how), and
// which of the follow-up steps are done. The same pipeline serves the API
// (where a missing step is a 403 with a pending_authentication_token), the
// hosted login page (where it is the next screen) and authorization codes
// (which carry the attempt to the token endpoints).
type Attempt struct {
	UserID        string
	Method        string // authentication_method: Password, MagicAuth, ...
	OrgID         string // requested or chosen organization
	EmailVerified bool   // the e-mail verification step is done
	MFADone       bool
	InvitationID  string
	IP, UserAgent string
	// Verified is the factor the current request just verified (password,
	// magic_auth, email_verification, mfa, ...): the sign-in step that
	// consumes the attempt emits its authentication.*_succeeded event.
	Verified string
	// ConnectionID is the SSO connection or OAuth provider the user signed
	// in through ("" for AuthKit's own methods); OAuth the provider's
	// tokens, when the sign-in asked for them.
	ConnectionID string
	OAuth        *OAuthTokens
	// Radar is the kind of Radar challenge the sign-in still owes (email
	// or sms; "" for none); RadarAttemptID is the attempt Radar recorded.
	Radar          string
	RadarAttemptID string
}

// Step is what a sign-in needs next.
type Step int

// Sign-in steps, in WorkOS's order: e-mail verification, then MFA, then the
// organization.
const (
	StepDone Step = iota
	StepVerifyEmail
	StepMFAChallenge
	StepMFAEnroll
	StepChooseOrg
	// StepRadarChallenge comes first of all: Radar challenges the first
	// factor itself.
	StepRadarChallenge
)

// Surface is which front door a hosted sign-in came through.
type Surface int

const (
	// SurfaceUM is /user_management/authorize.
	SurfaceUM Surface = iota
	// SurfaceConnect is /oauth2/authorize.
	SurfaceConnect
	// SurfaceDevice is the /device approval page.
	SurfaceDevice
)

// LoginFlow is a hosted sign-in in progress: the validated authorization
// request, and how far the user got.
type LoginFlow struct {
	ID          string
	Surface     Surface
	ClientID    string
	AppName     string
	RedirectURI string
	State       string
	Challenge   string // PKCE code_challenge
	Scopes      []string
	Nonce       string
	Resource    string
	ScreenHint  string
	LoginHint   string
	OrgID       string // requested organization
	ThirdParty  bool
	DeviceCode  string
	ExpiresAt   time.Time
	// CSRF binds the flow's forms to the browser that opened it: every
	// form carries it, and so does a cookie only that browser has.
	CSRF string

	Attempt      *Attempt // set once the user proved who they are
	EmailCodeID  string   // outbox id of the verification code sent
	ChallengeID  string   // MFA challenge id
	EnrollSecret string
	MagicEmail   string // magic code sent, waiting for it
	Consented    bool
	// RadarChallengeID is the Radar challenge e-mailed to the user.
	RadarChallengeID string
	// IP and UserAgent are the browser's, for Radar.
	IP, UserAgent string
	// ExternalAuth is set when the flow waits for the application's own
	// login (Standalone Connect) to call POST /authkit/oauth2/complete.
	ExternalAuth bool
}

// AuthCode is an authorization code: a finished sign-in waiting to be
// exchanged at a token endpoint.
type AuthCode struct {
	Code        string
	ClientID    string
	RedirectURI string
	Challenge   string
	Scopes      []string
	Nonce       string
	Resource    string
	Attempt     Attempt
	ExpiresAt   time.Time
}

// PendingAuth is an interrupted API sign-in, named by its
// pending_authentication_token.
type PendingAuth struct {
	Token     string
	Attempt   Attempt
	Reason    Step // the sign-in step it waits for
	ExpiresAt time.Time
	// EmailVerificationID is the code sent for an e-mail verification step.
	EmailVerificationID string
	// RadarChallengeID is the Radar challenge e-mailed for a Radar step,
	// or the newest SMS verification texted for it.
	RadarChallengeID string
}

// DeviceStatus is where a device authorization stands.
type DeviceStatus int

// Device authorization states.
const (
	DevicePending DeviceStatus = iota
	DeviceApproved
	DeviceDenied
	DeviceConsumed
)

// DeviceAuth is an RFC 8628 device authorization.
type DeviceAuth struct {
	DeviceCode string
	UserCode   string
	ClientID   string
	Scopes     []string
	ExpiresAt  time.Time
	Interval   time.Duration
	LastPoll   time.Time
	Status     DeviceStatus
	Attempt    Attempt
}

// Flow is the hosted sign-in with that id, or nil.
func (tx *Tx) Flow(id string) *LoginFlow { return tx.w.flows[id] }

// AddFlow registers a hosted sign-in until it expires.
func (tx *Tx) AddFlow(f *LoginFlow) {
	tx.w.flows[f.ID] = f
	tx.w.expireAt(f.ExpiresAt, evictFlow, f.ID)
}

// DeleteFlow ends a hosted sign-in.
func (tx *Tx) DeleteFlow(id string) { delete(tx.w.flows, id) }

// AuthCode is the authorization code record, or nil.
func (tx *Tx) AuthCode(code string) *AuthCode { return tx.w.codes[code] }

// AddAuthCode registers an authorization code until it expires.
func (tx *Tx) AddAuthCode(ac *AuthCode) {
	tx.w.codes[ac.Code] = ac
	tx.w.expireAt(ac.ExpiresAt, evictCode, ac.Code)
}

// DeleteAuthCode burns an authorization code.
func (tx *Tx) DeleteAuthCode(code string) { delete(tx.w.codes, code) }

// Pending is the pending authentication of a token, or nil.
func (tx *Tx) Pending(token string) *PendingAuth { return tx.w.pending[token] }

// AddPending registers a pending authentication until it expires.
func (tx *Tx) AddPending(p *PendingAuth) {
	tx.w.pending[p.Token] = p
	tx.w.expireAt(p.ExpiresAt, evictPending, p.Token)
}

// DeletePending ends a pending authentication.
func (tx *Tx) DeletePending(token string) { delete(tx.w.pending, token) }

// DropPendingOf ends every pending authentication of a user (a completed
// sign-in makes them moot).
func (tx *Tx) DropPendingOf(userID string) {
	for id, p := range tx.w.pending {
		if p.Attempt.UserID == userID {
			delete(tx.w.pending, id)
		}
	}
}

// Device is the device authorization of a device code, or nil.
func (tx *Tx) Device(deviceCode string) *DeviceAuth { return tx.w.devices[deviceCode] }

// DeviceByUserCode is the device authorization of a user code, or nil.
func (tx *Tx) DeviceByUserCode(userCode string) *DeviceAuth { return tx.w.userCodes[userCode] }

// AddDevice registers a device authorization until it expires.
func (tx *Tx) AddDevice(d *DeviceAuth) {
	tx.w.devices[d.DeviceCode] = d
	tx.w.userCodes[d.UserCode] = d
	tx.w.expireAt(d.ExpiresAt, evictDevice, d.DeviceCode)
}

// ReleaseUserCode frees a consumed device authorization's user code.
func (tx *Tx) ReleaseUserCode(d *DeviceAuth) { delete(tx.w.userCodes, d.UserCode) }
