package organizations

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Organization domains (/organization_domains): a domain added here is
// pending until verified; verified domains route SSO sign-ins by e-mail and
// appear in the organization's domains (every state does). The emulator
// has no DNS: verification succeeds unless the control plane marked the
// domain to fail (PUT /_emulator/organization_domains/verification).

// domainFor finds the domain the route's :id names, or a 404.
func domainFor(c echo.Context, tx *store.Tx) (*store.OrgDomain, error) {
	id := web.PathParam(c, "id")
	if d := tx.OrgDomain(id); d != nil {
		return d, nil
	}
	return nil, web.NotFound("Organization domain", id)
}

// validDomain is how the organization API checks a domain.
func validDomain(d string) bool {
	return d != "" && !strings.ContainsAny(d, " /@:") && strings.Contains(d, ".") && len(d) <= fixtures.MaxDomainLength
}

// createDomain serves POST /organization_domains (201, state pending,
// with the DNS verification token and prefix): organization_domain.created.
func (a *api) createDomain(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	domain, orgID := strings.ToLower(strings.TrimSpace(b.Str("domain"))), b.Str("organization_id")
	switch {
	case domain == "":
		b.Bad("domain", "domain_required")
	case !validDomain(domain):
		b.Bad("domain", "invalid_domain")
	}
	if orgID == "" {
		b.Bad("organization_id", "organization_id_required")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		o := tx.Org(orgID)
		if o == nil {
			return nil, web.NotFound("Organization", orgID)
		}
		if d := tx.DomainOwner(domain); d != nil {
			return nil, web.APIError(http.StatusConflict, "domain_already_exists", fmt.Sprintf("The domain %s already belongs to organization %s.", domain, d.OrgID))
		}
		d := tx.AddOrgDomain(o, domain)
		tx.Emit("organization_domain.created", o.ID, d.Object())
		return d.Object(), nil
	})
}

// getDomain serves GET /organization_domains/{id}.
func (a *api) getDomain(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		d, err := domainFor(c, tx)
		if err != nil {
			return nil, err
		}
		return d.Object(), nil
	})
}

// verifyDomain serves POST /organization_domains/{id}/verify (201): the
// domain becomes verified, or failed when marked to fail (see
// store.VerifyOrgDomain for the events). A verified domain answers 400
// domain_already_verified.
func (a *api) verifyDomain(c echo.Context) error {
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		d, err := domainFor(c, tx)
		if err != nil {
			return nil, err
		}
		if d.State == store.DomainVerified {
			return nil, web.APIError(http.StatusBadRequest, "domain_already_verified", fmt.Sprintf("The domain %s is already verified.", d.Domain))
		}
		tx.VerifyOrgDomain(d)
		return d.Object(), nil
	})
}

// deleteDomain serves DELETE /organization_domains/{id} (204):
// organization_domain.deleted.
func (a *api) deleteDomain(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		d, err := domainFor(c, tx)
		if err != nil {
			return err
		}
		tx.DeleteOrgDomain(d)
		tx.Emit("organization_domain.deleted", d.OrgID, d.Object())
		return nil
	})
}

// setVerification serves PUT /_emulator/organization_domains/verification
// {"domain": "...", "outcome": "fail" | "succeed"}: the switch that makes
// a domain's verification fail (the emulator has no DNS to look at).
func (a *api) setVerification(c echo.Context) error {
	b, err := web.Decode(c, web.ControlJSON)
	if err != nil {
		return err
	}
	domain, outcome := strings.ToLower(strings.TrimSpace(b.Str("domain"))), b.Str("outcome")
	if !validDomain(domain) {
		b.Bad("domain", "invalid_domain")
	}
	if outcome != "fail" && outcome != "succeed" {
		b.Bad("outcome", "must_be_fail_or_succeed")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		tx.SetDomainVerification(domain, outcome == "fail")
		return wire.Object{{"domain", domain}, {"outcome", outcome}}, nil
	})
}
