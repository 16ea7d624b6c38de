package widgets

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/keys"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// WidgetTokenTTL is how long a widget token lives: WorkOS documents one
// hour. Client API tokens are "short-lived": the emulator gives them the
// environment's access token lifetime.
const WidgetTokenTTL = time.Hour

// WidgetScopes are the scopes a widget token may carry (the spec's enum),
// each also the permission a user's role must grant for the widget.
var WidgetScopes = []string{
	"widgets:users-table:manage",
	"widgets:domain-verification:manage",
	"widgets:sso:manage",
	"widgets:api-keys:manage",
	"widgets:dsync:manage",
	"widgets:audit-log-streaming:manage",
	"widgets:pipes:manage",
}

// subject is whom a token is for, checked in a transaction.
type subject struct{ userID, orgID string }

// check finds the user and organization (404s) and, when both are given,
// the user's active membership (400): a widget acts for a member.
func (s subject) check(tx *store.Tx) error {
	if s.userID != "" && tx.User(s.userID) == nil {
		return web.NotFound("User", s.userID)
	}
	if s.orgID != "" && tx.Org(s.orgID) == nil {
		return web.NotFound("Organization", s.orgID)
	}
	if s.userID != "" && s.orgID != "" && !tx.ActiveMember(s.userID, s.orgID) {
		return web.APIError(http.StatusBadRequest, "organization_membership_not_found",
			fmt.Sprintf("User '%s' has no active membership in organization '%s'.", s.userID, s.orgID))
	}
	return nil
}

// claims lays out a token's claims the way User Management access tokens
// have them (a widget accepts those too): issuer, subject, organization,
// then extra, jti, exp and iat.
func (s subject) claims(tx *store.Tx, ttl time.Duration, extra ...wire.KV) wire.Object {
	now := tx.Now()
	o := wire.Object{{"iss", tx.Config().UMIssuer}}
	if s.userID != "" {
		o = append(o, wire.KV{"sub", s.userID})
	}
	if s.orgID != "" {
		o = append(o, wire.KV{"org_id", s.orgID})
	}
	o = append(o, extra...)
	return append(o, wire.KV{"jti", tx.ULID(now)}, wire.KV{"exp", now.Add(ttl).Unix()}, wire.KV{"iat", now.Unix()})
}

// sign signs claims with the key that was active in the transaction,
// outside any lock, and answers {"token": ...} with 201.
func sign(c echo.Context, key *keys.Key, claims wire.Object) error {
	payload, err := claims.MarshalJSON()
	if err != nil {
		return err
	}
	token, err := key.Sign(c.Request().Context(), payload)
	if err != nil {
		return err
	}
	return web.JSON(c, http.StatusCreated, wire.Object{{"token", token}})
}

// widgetToken serves POST /widgets/token (201): a token for the user and
// organization. Scopes need an organization; with a user, they are cut
// down to the widget permissions the user's roles grant in it (as WorkOS
// documents), and carried in the permissions claim.
func (a *api) widgetToken(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	s := subject{userID: b.Str("user_id"), orgID: b.Str("organization_id")}
	scopes := b.Strings("scopes")
	for i, sc := range scopes {
		if !slices.Contains(WidgetScopes, sc) {
			b.Bad(fmt.Sprintf("scopes[%d]", i), "invalid_widget_scope")
		}
	}
	if len(scopes) > 0 && s.orgID == "" {
		b.Bad("organization_id", "organization_id_required_with_scopes")
	}
	if s.userID == "" && s.orgID == "" {
		b.Bad("user_id", "user_id_or_organization_id_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	var claims wire.Object
	var key *keys.Key
	err = a.env(c).Read(func(tx *store.Tx) error {
		if err := s.check(tx); err != nil {
			return err
		}
		granted := scopes
		if s.userID != "" && s.orgID != "" {
			_, _, perms := tx.RoleClaims(s.userID, s.orgID)
			granted = nil
			for _, sc := range scopes {
				if slices.Contains(perms, sc) && !slices.Contains(granted, sc) {
					granted = append(granted, sc)
				}
			}
		}
		var extra []wire.KV
		if s.orgID != "" {
			extra = append(extra, wire.KV{"permissions", wire.NonNil(granted)})
		}
		claims, key = s.claims(tx, WidgetTokenTTL, extra...), tx.Ring().Active()
		return nil
	})
	if err != nil {
		return err
	}
	return sign(c, key, claims)
}

// clientToken serves POST /client/token (201): a Client API token for a
// user in an organization they are an active member of, bound to the
// user's newest live User Management session there when they have one
// (its sid).
func (a *api) clientToken(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	s := subject{userID: b.Str("user_id"), orgID: b.Str("organization_id")}
	if s.userID == "" {
		b.Bad("user_id", "user_id_required")
	}
	if s.orgID == "" {
		b.Bad("organization_id", "organization_id_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	var claims wire.Object
	var key *keys.Key
	err = a.env(c).Read(func(tx *store.Tx) error {
		if err := s.check(tx); err != nil {
			return err
		}
		var extra []wire.KV
		sessions := tx.SessionsOfUser(s.userID)
		for i := len(sessions) - 1; i >= 0; i-- {
			ss := sessions[i]
			if ss.Family == store.FamilyUM && ss.OrgID == s.orgID && ss.ActiveAt(tx.Now(), tx.Config()) {
				extra = append(extra, wire.KV{"sid", ss.ID})
				break
			}
		}
		claims, key = s.claims(tx, tx.Config().AccessTTL, extra...), tx.Ring().Active()
		return nil
	})
	if err != nil {
		return err
	}
	return sign(c, key, claims)
}
