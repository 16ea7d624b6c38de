package auditlogs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Metadata limits of events (the spec's AuditLogEventDto): at most 50
// keys of up to 40 characters ([a-zA-Z0-9_-]), values strings of up to
// 500 characters, numbers or booleans.
const (
	maxMetadataKeys  = 50
	maxMetadataValue = 500
	// maxIdempotencyKey bounds an Idempotency-Key header.
	maxIdempotencyKey = 255
)

var metadataKey = regexp.MustCompile(`^[a-zA-Z0-9_-]{0,40}$`)

// eventInput is a decoded, shape-checked POST /audit_logs/events body.
type eventInput struct {
	orgID  string
	event  store.AuditEvent
	action string
	// raw holds the JSON values the schema validates: actor metadata,
	// each target's type and metadata, the event metadata.
	actorMeta  any
	targetMeta []any
	metadata   any
	version    int
}

// shape checks walk the decoded body, collecting 422 field errors.
type shape struct{ bad []web.FieldError }

func (s *shape) add(field, code, msg string) {
	s.bad = append(s.bad, web.FieldError{Field: field, Code: code, Message: msg})
}

func (s *shape) object(v any, field string, required bool) map[string]any {
	if v == nil {
		if required {
			s.add(field, "required", field+" is required.")
		}
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		s.add(field, "must_be_an_object", field+" must be an object.")
	}
	return m
}

func (s *shape) str(m map[string]any, key, field string, required bool) string {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			s.add(field, "required", field+" is required.")
		}
		return ""
	}
	str, isStr := v.(string)
	if !isStr {
		s.add(field, "must_be_a_string", field+" must be a string.")
	} else if required && str == "" {
		s.add(field, "required", field+" must not be empty.")
	}
	return str
}

// metadata checks a metadata object against the spec's limits.
func (s *shape) metadata(v any, field string) map[string]any {
	m := s.object(v, field, false)
	if m == nil {
		return nil
	}
	if len(m) > maxMetadataKeys {
		s.add(field, "too_many_keys", fmt.Sprintf("%s has %d keys: at most %d.", field, len(m), maxMetadataKeys))
	}
	for k, val := range m {
		if !metadataKey.MatchString(k) {
			s.add(field, "invalid_key", fmt.Sprintf("%s key %q must be at most 40 letters, digits, '_' or '-'.", field, web.Printable(k)))
		}
		switch x := val.(type) {
		case string:
			if utf8.RuneCountInString(x) > maxMetadataValue {
				s.add(field+"."+k, "too_long", fmt.Sprintf("%s.%s is longer than %d characters.", field, web.Printable(k), maxMetadataValue))
			}
		case json.Number, bool:
		default:
			s.add(field+"."+k, "invalid_value", fmt.Sprintf("%s.%s must be a string, a number or a boolean.", field, web.Printable(k)))
		}
	}
	return m
}

// readEvent decodes and shape-checks the body (422s).
func readEvent(body []byte) (eventInput, error) {
	var in eventInput
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil || dec.More() {
		return in, web.APIError(http.StatusBadRequest, web.CodeInvalidRequest, "The body is not a JSON object.")
	}
	var s shape
	root := s.object(doc, "body", true)
	if root == nil {
		return in, web.Invalid(s.bad...)
	}
	in.orgID = s.str(root, "organization_id", "organization_id", true)
	ev := s.object(root["event"], "event", true)
	if ev != nil {
		in.action = s.str(ev, "action", "event.action", true)
		if occurred := s.str(ev, "occurred_at", "event.occurred_at", true); occurred != "" {
			t, err := time.Parse(time.RFC3339Nano, occurred)
			if err != nil {
				s.add("event.occurred_at", "must_be_an_iso8601_timestamp", "event.occurred_at must be an ISO-8601 timestamp.")
			}
			in.event.OccurredAt = t.UTC()
		}
		if actor := s.object(ev["actor"], "event.actor", true); actor != nil {
			in.event.ActorID = s.str(actor, "id", "event.actor.id", true)
			in.event.ActorType = s.str(actor, "type", "event.actor.type", true)
			in.event.ActorName = s.str(actor, "name", "event.actor.name", false)
			in.actorMeta = actor["metadata"]
			in.event.ActorMetadata = s.metadata(actor["metadata"], "event.actor.metadata")
		}
		switch targets := ev["targets"].(type) {
		case nil:
			s.add("event.targets", "required", "event.targets is required.")
		case []any:
			for i, t := range targets {
				field := fmt.Sprintf("event.targets[%d]", i)
				tm := s.object(t, field, true)
				if tm == nil {
					continue
				}
				in.event.Targets = append(in.event.Targets, store.AuditTarget{ID: s.str(tm, "id", field+".id", true),
					Type: s.str(tm, "type", field+".type", true), Name: s.str(tm, "name", field+".name", false),
					Metadata: s.metadata(tm["metadata"], field+".metadata")})
				in.targetMeta = append(in.targetMeta, tm["metadata"])
			}
		default:
			s.add("event.targets", "must_be_an_array", "event.targets must be an array.")
		}
		if ctx := s.object(ev["context"], "event.context", true); ctx != nil {
			in.event.Location = s.str(ctx, "location", "event.context.location", true)
			in.event.UserAgent = s.str(ctx, "user_agent", "event.context.user_agent", false)
		}
		in.metadata = ev["metadata"]
		in.event.Metadata = s.metadata(ev["metadata"], "event.metadata")
		in.version = 1
		if v, ok := ev["version"]; ok && v != nil {
			n, isNum := v.(json.Number)
			i, err := n.Int64()
			if !isNum || err != nil || i < 1 || i > 1<<20 {
				s.add("event.version", "must_be_a_positive_integer", "event.version must be a positive integer.")
			}
			in.version = int(i)
		}
	}
	if len(s.bad) > 0 {
		return in, web.Invalid(s.bad...)
	}
	in.event.OrgID, in.event.Action, in.event.Version = in.orgID, in.action, in.version
	return in, nil
}

// digest is a request's fingerprint for Idempotency-Key: its JSON in a
// canonical form (keys sorted), so the same event sent again with other
// whitespace or member order is the same request.
func digest(body []byte) string {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	_ = dec.Decode(&doc)
	canon, err := json.Marshal(doc)
	if err != nil {
		canon = body
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

// invalidEvent is WorkOS's 400 for an event its action's schema refuses.
func invalidEvent(errs []fixtures.SchemaError) error {
	list := make([]wire.Object, len(errs))
	for i, e := range errs {
		list[i] = wire.Object{{"instancePath", e.InstancePath}, {"keyword", e.Keyword}, {"message", e.Message}}
	}
	return web.APIError(http.StatusBadRequest, "invalid_audit_log_event", "Invalid Audit Log event.").With("errors", list)
}

// validate checks the event against its action's schema version.
func validate(tx *store.Tx, in *eventInput) []fixtures.SchemaError {
	act := tx.AuditLogAction(in.action)
	if act == nil {
		return []fixtures.SchemaError{{InstancePath: "/action", Keyword: "action",
			Message: fmt.Sprintf("no Audit Log action '%s' is configured: create its schema first", web.Printable(in.action))}}
	}
	schema := act.Schema(in.version)
	if schema == nil {
		return []fixtures.SchemaError{{InstancePath: "/version", Keyword: "version",
			Message: fmt.Sprintf("action '%s' has no schema version %d (latest: %d)", act.Name, in.version, len(act.Schemas))}}
	}
	var errs []fixtures.SchemaError
	if s := schema.ActorSchema(); s != nil && in.actorMeta != nil {
		errs = s.Validate(in.actorMeta, "/actor/metadata", errs)
	}
	if s := schema.ActorSchema(); s != nil && in.actorMeta == nil {
		errs = s.Validate(map[string]any{}, "/actor/metadata", errs)
	}
	for i, t := range in.event.Targets {
		st := schema.Target(t.Type)
		if st == nil {
			errs = append(errs, fixtures.SchemaError{InstancePath: fmt.Sprintf("/targets/%d/type", i), Keyword: "enum",
				Message: fmt.Sprintf("target type '%s' is not in the schema of '%s' version %d", web.Printable(t.Type), act.Name, schema.Version)})
			continue
		}
		if c := st.Compiled(); c != nil {
			meta := in.targetMeta[i]
			if meta == nil {
				meta = map[string]any{}
			}
			errs = c.Validate(meta, fmt.Sprintf("/targets/%d/metadata", i), errs)
		}
	}
	if s := schema.MetadataSchema(); s != nil {
		meta := in.metadata
		if meta == nil {
			meta = map[string]any{}
		}
		errs = s.Validate(meta, "/metadata", errs)
	}
	return errs
}

// createEvent serves POST /audit_logs/events: 200 {"success":true}. With
// an Idempotency-Key, the same request again (within 24 hours) answers
// the same without a second event; the key with another request is a 400.
func (a *api) createEvent(c echo.Context) error {
	if _, err := web.Decode(c, web.Decoding{JSON: true}); err != nil {
		return err
	}
	body := web.RawBody(c)
	in, err := readEvent(body)
	if err != nil {
		return err
	}
	key := c.Request().Header.Get("Idempotency-Key")
	if len(key) > maxIdempotencyKey {
		return web.APIError(http.StatusBadRequest, "invalid_idempotency_key", fmt.Sprintf("The Idempotency-Key header is longer than %d characters.", maxIdempotencyKey))
	}
	sum := ""
	if key != "" {
		sum = digest(body)
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		if tx.Org(in.orgID) == nil {
			return nil, web.NotFound("Organization", in.orgID)
		}
		if key != "" {
			if known, same := tx.SeenIdempotencyKey(key, sum); known {
				if !same {
					return nil, web.APIError(http.StatusBadRequest, "idempotency_key_reused",
						"This Idempotency-Key was used with a different request in the last 24 hours; use a new key for a new event.")
				}
				return wire.Object{{"success", true}}, nil
			}
		}
		if errs := validate(tx, &in); len(errs) > 0 {
			return nil, invalidEvent(errs)
		}
		ev := in.event
		tx.AddAuditEvent(&ev)
		if key != "" {
			tx.RememberIdempotencyKey(key, sum)
		}
		return wire.Object{{"success", true}}, nil
	})
}
