package auditlogs

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// listActions serves GET /audit_logs/actions, newest first.
func (a *api) listActions(c echo.Context) error {
	pg, err := web.ParsePage(c.QueryParams())
	if err != nil {
		return err
	}
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		return web.PageOf(tx, tx.AuditLogActions(), pg, (*store.AuditLogAction).Object)
	})
}

// listSchemas serves GET /audit_logs/actions/{name}/schemas, newest first.
func (a *api) listSchemas(c echo.Context) error {
	pg, err := web.ParsePage(c.QueryParams())
	if err != nil {
		return err
	}
	name := web.PathParam(c, "name")
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		act := tx.AuditLogAction(name)
		if act == nil {
			return nil, web.NotFound("Audit Log Action", name)
		}
		return web.PageOf(tx, act.Schemas, pg, (*store.AuditLogSchema).Object)
	})
}

// schemaBody is POST .../schemas' body (the spec's AuditLogSchemaDto).
type schemaBody struct {
	Actor *struct {
		Metadata json.RawMessage `json:"metadata"`
	} `json:"actor"`
	Targets []struct {
		Type     string          `json:"type"`
		Metadata json.RawMessage `json:"metadata"`
	} `json:"targets"`
	Metadata json.RawMessage `json:"metadata"`
}

// readSchema checks a schema body: every metadata member must be a JSON
// Schema the emulator enforces.
func readSchema(raw []byte) (store.AuditLogSchemaInput, error) {
	var in store.AuditLogSchemaInput
	var body schemaBody
	if err := json.Unmarshal(raw, &body); err != nil {
		return in, web.Invalid(web.FieldError{Field: "body", Code: "invalid_json", Message: "The body is not an Audit Log schema (a JSON object with targets)."})
	}
	var bad []web.FieldError
	schema := func(field string, raw json.RawMessage) map[string]any {
		if len(raw) == 0 || string(raw) == "null" {
			return nil
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			bad = append(bad, web.FieldError{Field: field, Code: "must_be_an_object", Message: field + " must be a JSON Schema object."})
			return nil
		}
		if _, err := fixtures.ParseMetadataSchema(m); err != nil {
			bad = append(bad, web.FieldError{Field: field, Code: "invalid_schema", Message: err.Error()})
			return nil
		}
		return m
	}
	if body.Actor != nil {
		in.HasActor = true
		if len(body.Actor.Metadata) == 0 || string(body.Actor.Metadata) == "null" {
			bad = append(bad, web.FieldError{Field: "actor.metadata", Code: "required", Message: "actor.metadata is required."})
		}
		in.Actor = schema("actor.metadata", body.Actor.Metadata)
	}
	if len(body.Targets) == 0 {
		bad = append(bad, web.FieldError{Field: "targets", Code: "required", Message: "targets must list at least one target type."})
	}
	seen := map[string]bool{}
	for i, t := range body.Targets {
		field := fmt.Sprintf("targets[%d]", i)
		if t.Type == "" {
			bad = append(bad, web.FieldError{Field: field + ".type", Code: "required", Message: field + ".type is required."})
		} else if seen[t.Type] {
			bad = append(bad, web.FieldError{Field: field + ".type", Code: "duplicate", Message: fmt.Sprintf("target type %q is listed twice.", web.Printable(t.Type))})
		}
		seen[t.Type] = true
		in.Targets = append(in.Targets, store.AuditLogSchemaTarget{Type: t.Type, Metadata: schema(field+".metadata", t.Metadata)})
	}
	in.Metadata = schema("metadata", body.Metadata)
	if len(bad) > 0 {
		return in, web.Invalid(bad...)
	}
	return in, nil
}

// createSchema serves POST /audit_logs/actions/{name}/schemas (201): the
// action's next schema version, the action created if it is new.
func (a *api) createSchema(c echo.Context) error {
	if _, err := web.Decode(c, web.Decoding{JSON: true}); err != nil {
		return err
	}
	name := web.PathParam(c, "name")
	if err := fixtures.CheckAuditLogActionName(name); err != nil {
		return web.Invalid(web.FieldError{Field: "actionName", Code: "invalid_action_name", Message: err.Error()})
	}
	in, err := readSchema(web.RawBody(c))
	if err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		s, err := tx.AddAuditLogSchema(name, in)
		if err != nil {
			return nil, web.Invalid(web.FieldError{Field: "body", Code: "invalid_schema", Message: err.Error()})
		}
		return s.Object(), nil
	})
}
