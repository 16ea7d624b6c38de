package signin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/tokens"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Token families a MintRequest may ask for.
const (
	FamilyUserManagement = "user_management"
	FamilyConnect        = "connect"
	FamilyM2M            = "m2m"
)

// MintRequest asks for an access token without a sign-in flow: for a user
// (a User Management token by default, or a Connect token) or, with only a
// ClientID, for an M2M application. The control plane's POST
// /_emulator/tokens and the testkit's Mint helpers both come here.
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

// mintToken mints an access token (tokens.Mint) and answers a refusal in
// the API's words: claims over the size limit are the JWT template's doing.
func mintToken(ctx context.Context, st *store.Store, spec tokens.Spec) (string, *store.AccessToken, error) {
	token, rec, err := tokens.Mint(ctx, st, spec)
	return token, rec, mintError(err)
}

// mintError names what made a mint fail, for the client.
func mintError(err error) error {
	var big tokens.ClaimsTooLargeError
	if errors.As(err, &big) {
		return web.APIError(http.StatusUnprocessableEntity, "jwt_template_claims_too_large",
			fmt.Sprintf("The access token's claims would be %d bytes, over the emulator's limit of %d: the JWT template (PUT /user_management/jwt_template, environment.jwt_template) or the extra claims render too much.", big.Size, tokens.MaxClaimsBytes))
	}
	return err
}

// checkExtraClaims rejects extra claims that would contradict state.
func checkExtraClaims(extra map[string]any) error {
	for k := range extra {
		if store.ReservedClaims[k] {
			return web.Invalid(web.Field("claims."+k, "reserved_claim")).
				With("message", fmt.Sprintf("Claim %q is set by the emulator; use the dedicated option instead.", k))
		}
	}
	return nil
}

// checkTTL refuses lifetimes under a second: JWT times are whole seconds,
// so a shorter lifetime would mint a token that is expired on arrival.
func checkTTL(ttl time.Duration) error {
	if ttl < 0 || (ttl > 0 && ttl < time.Second) {
		return web.Invalid(web.Field("ttl", "must_be_at_least_1s"))
	}
	return nil
}

// Mint issues an access token as req describes. A user token gets a new
// session (with a refresh token, auth method impersonation) unless
// SessionID names one of the user's; an M2M token has none. Invalid
// requests are 422s.
func Mint(ctx context.Context, st *store.Store, req MintRequest) (*MintResult, error) {
	if err := checkExtraClaims(req.Claims); err != nil {
		return nil, err
	}
	if err := checkTTL(req.TTL); err != nil {
		return nil, err
	}
	var spec tokens.Spec
	res := &MintResult{TokenType: "bearer"}
	err := st.Write(func(tx *store.Tx) error {
		var err error
		if spec, err = specFor(tx, req); err != nil {
			return err
		}
		if spec.Family == store.FamilyM2M {
			return nil
		}
		id, refresh, err := sessionForMint(tx, req, spec)
		spec.SessionID, res.SessionID, res.RefreshToken = id, id, refresh
		return err
	})
	if err != nil {
		return nil, err
	}
	token, rec, err := mintToken(ctx, st, spec)
	if err != nil {
		return nil, err
	}
	res.AccessToken, res.ExpiresIn, res.JTI = token, rec.Exp-rec.IAT, rec.JTI
	return res, nil
}

// MintBad mints a token with one defect of the bad-token catalogue
// (tokens.Defects); claim names the claim a missing_claim token lacks.
func MintBad(ctx context.Context, st *store.Store, req MintRequest, defect, claim string) (string, error) {
	if err := checkExtraClaims(req.Claims); err != nil {
		return "", err
	}
	if err := checkTTL(req.TTL); err != nil {
		return "", err
	}
	var spec tokens.Spec
	err := st.Read(func(tx *store.Tx) error {
		var err error
		spec, err = specFor(tx, req)
		return err
	})
	if err != nil {
		return "", err
	}
	token, err := tokens.Bad(ctx, st, spec, defect, claim)
	switch {
	case errors.Is(err, tokens.ErrUnknownDefect):
		return "", web.Invalid(web.Field("defect", "unknown_defect")).
			With("message", fmt.Sprintf("Unknown defect %q; one of %s.", defect, strings.Join(tokens.Defects, ", ")))
	case errors.Is(err, tokens.ErrClaimRequired):
		return "", web.Invalid(web.Field("claim", "required_for_missing_claim"))
	case errors.Is(err, tokens.ErrNotAClaim):
		return "", web.Invalid(web.Field("claim", "not_a_claim_of_this_token"))
	}
	return token, mintError(err)
}

// specFor validates a MintRequest against the world.
func specFor(tx *store.Tx, req MintRequest) (tokens.Spec, error) {
	spec := tokens.Spec{UserID: req.UserID, OrgID: req.OrganizationID, TTL: req.TTL, Extra: req.Claims, Scope: req.Scopes, Keep: true}
	if req.Role != "" || req.Roles != nil {
		spec.Roles, spec.RolesSet = req.Roles, true
		if req.Role != "" {
			spec.Roles = append([]string{req.Role}, store.Without(req.Roles, req.Role)...)
		}
	}
	if req.Permissions != nil {
		spec.Permissions, spec.PermsSet = req.Permissions, true
	}
	family := req.Family
	if family == "" {
		family = FamilyUserManagement
		if req.UserID == "" {
			family = FamilyM2M
		}
	}
	cfg := tx.Config()
	var app *store.Application
	if req.ClientID != "" && req.ClientID != cfg.ClientID {
		if app = tx.App(req.ClientID); app == nil {
			return spec, web.Invalid(web.Field("client_id", "application_not_found"))
		}
	}
	if req.OrganizationID != "" && tx.Org(req.OrganizationID) == nil {
		return spec, web.Invalid(web.Field("organization_id", "organization_not_found"))
	}
	switch family {
	case FamilyM2M:
		if app == nil {
			return spec, web.Invalid(web.Field("client_id", "application_required"))
		}
		spec.Family, spec.ClientID, spec.UserID = store.FamilyM2M, app.ClientID, ""
		if spec.OrgID == "" {
			spec.OrgID = app.OrganizationID
		}
		if spec.Scope == nil {
			spec.Scope = app.Scopes
		}
		return spec, nil
	case FamilyUserManagement, FamilyConnect:
	default:
		return spec, web.Invalid(web.Field("family", "invalid_family"))
	}
	if tx.User(req.UserID) == nil {
		return spec, web.Invalid(web.Field("user_id", "user_not_found"))
	}
	if family == FamilyConnect {
		if app == nil {
			return spec, web.Invalid(web.Field("client_id", "application_required"))
		}
		spec.Family, spec.ClientID = store.FamilyConnect, app.ClientID
		if spec.Scope == nil {
			spec.Scope = app.Scopes
		}
		return spec, nil
	}
	if app != nil {
		return spec, web.Invalid(web.Field("client_id", "user_management_tokens_belong_to_the_environment"))
	}
	spec.Family, spec.ClientID = store.FamilyUM, cfg.ClientID
	return spec, nil
}

// sessionForMint returns the session a minted user token carries: the named
// one (which must be the user's, in the same family) or a new one.
func sessionForMint(tx *store.Tx, req MintRequest, spec tokens.Spec) (id, refresh string, err error) {
	if req.SessionID != "" {
		ss := tx.Session(req.SessionID)
		if ss == nil || ss.UserID != spec.UserID || ss.Family != spec.Family {
			return "", "", web.Invalid(web.Field("session_id", "session_not_found_for_user"))
		}
		return ss.ID, "", nil
	}
	prefix := fixtures.PrefixSession
	if spec.Family == store.FamilyConnect {
		prefix = fixtures.PrefixConsent
	}
	now := tx.Now()
	ss := &store.Session{ID: tx.NewID(prefix), UserID: spec.UserID, OrgID: spec.OrgID, ClientID: spec.ClientID,
		Family: spec.Family, Status: fixtures.SessionActive, AuthMethod: "impersonation", Scopes: spec.Scope,
		CreatedAt: now, LastActive: now, UpdatedAt: now, RefreshToken: tx.Token(store.RefreshTokenLength)}
	tx.AddSession(ss)
	return ss.ID, ss.RefreshToken, nil
}
