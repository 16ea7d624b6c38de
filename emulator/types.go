package emulator

import (
	"encoding/json"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/signin"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/tokens"
)

// Token families a MintRequest may ask for.
const (
	FamilyUserManagement = signin.FamilyUserManagement
	FamilyConnect        = signin.FamilyConnect
	FamilyM2M            = signin.FamilyM2M
)

// MintRequest asks for an access token without a sign-in flow: for a user
// (a User Management token by default, or a Connect token) or, with only a
// ClientID, for an M2M application. The control plane's POST
// /_emulator/tokens and the testkit's Mint helpers both call Server.Mint.
type MintRequest struct {
	UserID         string         `json:"user_id,omitempty"`
	OrganizationID string         `json:"organization_id,omitempty"`
	ClientID       string         `json:"client_id,omitempty"`
	Family         string         `json:"family,omitempty"`
	SessionID      string         `json:"session_id,omitempty"`
	Role           string         `json:"role,omitempty"`
	Roles          []string       `json:"roles,omitempty"`
	Permissions    []string       `json:"permissions,omitempty"`
	Scopes         []string       `json:"scopes,omitempty"`
	TTL            time.Duration  `json:"-"`
	Claims         map[string]any `json:"claims,omitempty"`
}

// MintResult is a minted token and the session it belongs to.
type MintResult struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	JTI          string `json:"jti"`
	SessionID    string `json:"session_id,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// SessionInfo is a session with its current tokens, as GET
// /_emulator/sessions/{id} and the testkit's Session return it. The access
// token is kept for fixture sessions and minted ones; a session a client
// signed in to (or refreshed) has handed its access token to the client, and
// AccessToken is empty.
type SessionInfo struct {
	Object         string  `json:"object"`
	ID             string  `json:"id"`
	UserID         string  `json:"user_id"`
	OrganizationID *string `json:"organization_id"`
	ClientID       string  `json:"client_id"`
	Status         string  `json:"status"`
	AuthMethod     string  `json:"auth_method"`
	CreatedAt      string  `json:"created_at"`
	ExpiresAt      *string `json:"expires_at"`
	EndedAt        *string `json:"ended_at"`
	AccessToken    string  `json:"access_token"`
	RefreshToken   string  `json:"refresh_token"`
}

// Defects of the bad-token catalogue: tokens integrators need to prove their
// verifiers reject. Each is otherwise a normal token of the requested kind;
// none is registered, so every one introspects inactive.
const (
	DefectExpired       = tokens.DefectExpired
	DefectNotYetValid   = tokens.DefectNotYetValid
	DefectWrongIssuer   = tokens.DefectWrongIssuer
	DefectWrongAudience = tokens.DefectWrongAudience
	DefectUnknownKey    = tokens.DefectUnknownKey
	DefectBadSignature  = tokens.DefectBadSignature
	DefectAlgNone       = tokens.DefectAlgNone
	DefectMissingClaim  = tokens.DefectMissingClaim
)

// Defects lists the catalogue, for documentation and validation.
var Defects = tokens.Defects

// BadTokenIssuer and BadTokenAudience are the wrong values wrong_issuer and
// wrong_audience tokens carry.
const (
	BadTokenIssuer   = tokens.BadTokenIssuer
	BadTokenAudience = tokens.BadTokenAudience
)

// Fault is a scripted failure: requests matching Method and Path answer
// Status with Body (after Delay) instead of reaching the emulator, Count
// times (0: until cleared). A fault with Status 0 and a Delay only slows
// matching requests down.
type Fault struct {
	ID     string          `json:"id"`
	Method string          `json:"method"` // "" or "*": any
	Path   string          `json:"path"`   // exact, or * per segment and trailing **
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body,omitempty"`
	Count  int             `json:"count"`
	Delay  time.Duration   `json:"-"`
	// Remaining counts down from Count; it is reported, not set.
	Remaining int `json:"remaining"`
}

// RecordedRequest is one journal entry: a request the emulator received
// (control-plane requests excluded), with secrets redacted.
type RecordedRequest struct {
	Seq       uint64            `json:"seq"`
	Time      string            `json:"time"`
	RequestID string            `json:"request_id"`
	Method    string            `json:"method"`
	Path      string            `json:"path"`
	Query     map[string]string `json:"query"`
	Headers   map[string]string `json:"headers"`
	Body      string            `json:"body"`
	Status    int               `json:"status"`
	Truncated bool              `json:"truncated,omitempty"`
	// Response is the answer the emulator gave.
	Response RecordedResponse `json:"response"`
}

// RecordedResponse is the answer to a journaled request, secrets redacted
// (tokens, secrets, cookies): its headers and the start of its body (the
// journal keeps about 2 KB of it; Size is the full size, and Truncated
// tells that the body or headers were cut).
type RecordedResponse struct {
	Headers   map[string]string `json:"headers"`
	Body      string            `json:"body"`
	Size      int               `json:"size"`
	Truncated bool              `json:"truncated,omitempty"`
}

// RequestFilter selects journal entries; zero fields match everything.
type RequestFilter struct {
	Method string
	// Path matches exactly, or as a pattern where * stands for one path
	// segment and ** for any rest (the fault syntax).
	Path string
	// SinceSeq keeps entries with a larger sequence number.
	SinceSeq uint64
	// Since keeps entries at or after this instance-clock time.
	Since time.Time
}

// Outbox kinds: what the real service would have e-mailed.
const (
	KindMagicAuth         = store.KindMagicAuth
	KindEmailVerification = store.KindEmailVerification
	KindPasswordReset     = store.KindPasswordReset
	KindInvitation        = store.KindInvitation
	// KindSMS is the code an SMS factor's challenge "sent" (phone_number
	// says where).
	KindSMS = store.KindSMS
)

// Code is an outbox entry as GET /_emulator/codes and testkit Codes show it.
type Code struct {
	ID        string  `json:"id"`
	Kind      string  `json:"kind"`
	Email     string  `json:"email"`
	Phone     string  `json:"phone_number,omitempty"`
	UserID    string  `json:"user_id,omitempty"`
	Code      string  `json:"code,omitempty"`
	Token     string  `json:"token,omitempty"`
	Link      string  `json:"link,omitempty"`
	CreatedAt string  `json:"created_at"`
	ExpiresAt string  `json:"expires_at"`
	UsedAt    *string `json:"used_at"`
}

// KeyInfo describes a published signing key.
type KeyInfo struct {
	KID     string `json:"kid"`
	Signing bool   `json:"signing"`
}

// User is the WorkOS user object (the OpenAPI spec's UserlandUser), in the
// spec's member order. The API returns it and the testkit hands it out.
type User struct {
	Object            string            `json:"object"`
	ID                string            `json:"id"`
	FirstName         *string           `json:"first_name"`
	LastName          *string           `json:"last_name"`
	Name              *string           `json:"name"`
	ProfilePictureURL *string           `json:"profile_picture_url"`
	Email             string            `json:"email"`
	EmailVerified     bool              `json:"email_verified"`
	ExternalID        *string           `json:"external_id"`
	Metadata          map[string]string `json:"metadata"`
	LastSignInAt      *string           `json:"last_sign_in_at"`
	Locale            *string           `json:"locale"`
	CreatedAt         string            `json:"created_at"`
	UpdatedAt         string            `json:"updated_at"`
}
