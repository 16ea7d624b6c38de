package sso

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// connectionFor finds the connection the route's :id names, or a 404.
func connectionFor(c echo.Context, tx *store.Tx) (*store.Connection, error) {
	id := web.PathParam(c, "id")
	if conn := tx.Connection(id); conn != nil {
		return conn, nil
	}
	return nil, web.NotFound("Connection", id)
}

// connectionFilter is what GET /connections filters by.
type connectionFilter struct {
	orgID, typ, domain, search string
}

// match reports whether a connection passes every filter.
func (f connectionFilter) match(tx *store.Tx, c *store.Connection) bool {
	switch {
	case f.orgID != "" && c.OrgID != f.orgID, f.typ != "" && c.Type != f.typ:
		return false
	case f.search != "" && !strings.Contains(strings.ToLower(c.Name), f.search):
		return false
	case f.domain != "" && !slices.ContainsFunc(tx.ConnectionDomains(c), func(d string) bool { return strings.EqualFold(d, f.domain) }):
		return false
	}
	return true
}

// listConnections serves GET /connections, newest first. The list comes
// from the index of the most selective filter (organization, type, domain)
// and is paged by binary search, so a page costs O(log n + limit) however
// many connections there are; a second filter (or search) walks only the
// first filter's connections.
func (a *api) listConnections(c echo.Context) error {
	q := c.QueryParams()
	pg, err := web.ParsePage(q)
	if err != nil {
		return err
	}
	f := connectionFilter{orgID: q.Get("organization_id"), typ: q.Get("connection_type"), domain: strings.ToLower(q.Get("domain")),
		search: strings.ToLower(q.Get("search"))}
	if f.typ == "GithubOAuth" {
		f.typ = "GitHubOAuth" // the spec's filter enum spells it so
	}
	if f.typ != "" && !slices.Contains(fixtures.ConnectionTypes, f.typ) {
		return web.Invalid(web.Field("connection_type", "invalid_connection_type"))
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		var list []*store.Connection
		filters := 0
		for _, v := range []string{f.orgID, f.typ, f.domain, f.search} {
			if v != "" {
				filters++
			}
		}
		switch {
		case f.orgID != "":
			list = tx.ConnectionsOfOrg(f.orgID)
		case f.typ != "":
			list = tx.ConnectionsOfType(f.typ)
		case f.domain != "":
			list = tx.ConnectionsWithDomain(f.domain)
		default:
			list = tx.Connections()
		}
		if filters > 1 || (filters == 1 && f.search != "") {
			var kept []*store.Connection
			for _, conn := range list {
				if f.match(tx, conn) {
					kept = append(kept, conn)
				}
			}
			list = kept
		}
		return web.PageOf(tx, list, pg, tx.ConnectionObject)
	})
}

// getConnection serves GET /connections/{id}.
func (a *api) getConnection(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		conn, err := connectionFor(c, tx)
		if err != nil {
			return nil, err
		}
		return tx.ConnectionObject(conn), nil
	})
}

// deleteConnection serves DELETE /connections/{id}: the sessions started
// through it end, its codes and SSO tokens stop working
// (connection.deleted).
func (a *api) deleteConnection(c echo.Context) error {
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		conn, err := connectionFor(c, tx)
		if err != nil {
			return err
		}
		tx.DeleteConnection(conn)
		return nil
	})
}

// setState serves PATCH /_emulator/connections/{id} {"state": ...}: the
// dashboard's power to activate or deactivate a connection, which the API
// lacks. Deactivating ends the sessions started through it.
func (a *api) setState(c echo.Context) error {
	b, err := web.Decode(c, web.ControlJSON)
	if err != nil {
		return err
	}
	state := b.Str("state")
	if !slices.Contains(fixtures.ConnectionStates, state) {
		b.Bad("state", "must_be_active_inactive_draft_or_validating")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		conn, err := connectionFor(c, tx)
		if err != nil {
			return nil, err
		}
		tx.SetConnectionState(conn, state)
		return tx.ConnectionObject(conn), nil
	})
}
