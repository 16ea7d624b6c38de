package store

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// JWTTemplate is the environment's JWT template: a JSON object whose values
// may use {{ user.email }}-style expressions, evaluated at every User
// Management mint. Inside a JSON string an expression interpolates text; as
// a bare value (`"email": {{user.email}}`) it keeps the value's JSON type.
// `{{ expr || "fallback" }}` falls back when the value is empty.
type JWTTemplate struct {
	Content   string
	tree      map[string]any // the parsed template; leaves with expressions are bareExpr or interpolation
	CreatedAt time.Time
	UpdatedAt time.Time
}

var exprRE = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// bareMarker stands for the n-th bare expression while the template is
// parsed as JSON.
func bareMarker(n int) string { return fmt.Sprintf("\x00tpl%d\x00", n) }

// bareExpr is a template value that is one expression outside quotes: it
// renders as the value, keeping its JSON type.
type bareExpr string

// interpolation is a template string with {{ }} expressions: it renders as
// a string.
type interpolation string

// mapLeaves rebuilds a JSON tree with f applied to every leaf (anything
// but an object or an array).
func mapLeaves(v any, f func(any) (any, error)) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			m, err := mapLeaves(e, f)
			if err != nil {
				return nil, err
			}
			out[k] = m
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			m, err := mapLeaves(e, f)
			if err != nil {
				return nil, err
			}
			out[i] = m
		}
		return out, nil
	}
	return f(v)
}

// ParseJWTTemplate checks and compiles a template. Claims the emulator sets
// from state cannot be templated.
func ParseJWTTemplate(content string, now time.Time) (*JWTTemplate, error) {
	t := &JWTTemplate{Content: content, CreatedAt: now, UpdatedAt: now}
	// Replace expressions that stand outside JSON strings by string markers.
	bare := map[string]string{} // marker → expression
	var b strings.Builder
	inString, escaped := false, false
	for i := 0; i < len(content); i++ {
		ch := content[i]
		if inString {
			b.WriteByte(ch)
			switch {
			case escaped:
				escaped = false
			case ch == '\\':
				escaped = true
			case ch == '"':
				inString = false
			}
			continue
		}
		if ch == '"' {
			inString = true
			b.WriteByte(ch)
			continue
		}
		if ch == '{' && strings.HasPrefix(content[i:], "{{") {
			end := strings.Index(content[i:], "}}")
			if end < 0 {
				return nil, fmt.Errorf("unclosed {{")
			}
			expr := strings.TrimSpace(content[i+2 : i+end])
			marker := bareMarker(len(bare))
			quoted, _ := json.Marshal(marker)
			b.Write(quoted)
			bare[marker] = expr
			i += end + 1
			continue
		}
		b.WriteByte(ch)
	}
	if err := json.Unmarshal([]byte(b.String()), &t.tree); err != nil || t.tree == nil {
		return nil, fmt.Errorf("the template is not a JSON object")
	}
	for k := range t.tree {
		if ReservedClaims[k] {
			return nil, fmt.Errorf("claim %q is reserved", k)
		}
	}
	// Resolve markers and find interpolations once, here, not at every mint.
	tree, err := mapLeaves(t.tree, func(v any) (any, error) {
		x, ok := v.(string)
		if !ok {
			return v, nil
		}
		if expr, ok := bare[x]; ok {
			return bareExpr(expr), checkExpr(expr)
		}
		matches := exprRE.FindAllStringSubmatch(x, -1)
		if len(matches) == 0 {
			return x, nil
		}
		for _, m := range matches {
			if err := checkExpr(m[1]); err != nil {
				return nil, err
			}
		}
		return interpolation(x), nil
	})
	if err != nil {
		return nil, err
	}
	t.tree = tree.(map[string]any)
	return t, nil
}

var templateVars = map[string]bool{
	"user.id": true, "user.email": true, "user.first_name": true, "user.last_name": true, "user.name": true,
	"user.email_verified": true, "user.external_id": true, "user.locale": true, "user.profile_picture_url": true,
	"organization.id": true, "organization.name": true, "organization.external_id": true, "organization.domain": true,
	"organization_membership.role": true,
}

func checkExpr(expr string) error {
	path, _, _ := strings.Cut(expr, "||")
	path = strings.TrimSpace(path)
	if templateVars[path] || strings.HasPrefix(path, "user.metadata.") || strings.HasPrefix(path, "organization.metadata.") {
		return nil
	}
	return fmt.Errorf("unknown template variable %q", path)
}

// eval evaluates one expression for a user in an organization.
func (tx *Tx) eval(expr, userID, orgID string) any {
	w := tx.w
	path, fallback, hasFallback := strings.Cut(expr, "||")
	path = strings.TrimSpace(path)
	var v any
	u, o := w.users[userID], w.orgs[orgID]
	str := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	switch {
	case u == nil:
	case path == "user.id":
		v = u.ID
	case path == "user.email":
		v = u.Email
	case path == "user.first_name":
		v = str(u.FirstName)
	case path == "user.last_name":
		v = str(u.LastName)
	case path == "user.name":
		v = str(u.Name())
	case path == "user.email_verified":
		v = u.EmailVerified
	case path == "user.external_id":
		if u.ExternalID != nil {
			v = *u.ExternalID
		}
	case path == "user.locale":
		v = str(u.Locale)
	case path == "user.profile_picture_url":
		v = str(u.ProfilePictureURL)
	case strings.HasPrefix(path, "user.metadata."):
		v = str(u.Metadata[strings.TrimPrefix(path, "user.metadata.")])
	case o == nil:
	case path == "organization.id":
		v = o.ID
	case path == "organization.name":
		v = o.Name
	case path == "organization.external_id":
		if o.ExternalID != nil {
			v = *o.ExternalID
		}
	case path == "organization.domain":
		if len(o.Domains) > 0 {
			v = o.Domains[0].Domain
		}
	case strings.HasPrefix(path, "organization.metadata."):
		v = str(o.Metadata[strings.TrimPrefix(path, "organization.metadata.")])
	case path == "organization_membership.role":
		if m := tx.MembershipOf(userID, orgID); m != nil && len(m.Roles) > 0 {
			v = m.Roles[0]
		}
	}
	if v == nil && hasFallback {
		var lit any
		if json.Unmarshal([]byte(strings.TrimSpace(fallback)), &lit) == nil {
			return lit
		}
		return strings.Trim(strings.TrimSpace(fallback), `"'`)
	}
	return v
}

// render evaluates the template for a mint.
func (t *JWTTemplate) render(tx *Tx, userID, orgID string) map[string]any {
	out, _ := mapLeaves(t.tree, func(v any) (any, error) {
		switch x := v.(type) {
		case bareExpr:
			return tx.eval(string(x), userID, orgID), nil
		case interpolation:
			return exprRE.ReplaceAllStringFunc(string(x), func(m string) string {
				got := tx.eval(exprRE.FindStringSubmatch(m)[1], userID, orgID)
				if got == nil {
					return ""
				}
				return fmt.Sprint(got)
			}), nil
		}
		return v, nil
	})
	return out.(map[string]any)
}

// TemplateClaims are the custom claims the environment's JWT template
// adds to User Management access tokens.
func (tx *Tx) TemplateClaims(userID, orgID string) map[string]any {
	if tx.w.jwtTemplate == nil {
		return nil
	}
	return tx.w.jwtTemplate.render(tx, userID, orgID)
}

// JWTTemplate is the environment's JWT template (nil: none).
func (tx *Tx) JWTTemplate() *JWTTemplate { return tx.w.jwtTemplate }

// SetJWTTemplate replaces the JWT template (nil removes it).
func (tx *Tx) SetJWTTemplate(t *JWTTemplate) { tx.w.jwtTemplate = t }

// ReservedClaims are set by the emulator from state; neither extra claims
// nor a JWT template may override them, or introspection (which answers
// from state) would disagree with the token.
var ReservedClaims = map[string]bool{
	"iss": true, "sub": true, "aud": true, "exp": true, "iat": true, "nbf": true, "jti": true, "sid": true,
	"org_id": true, "client_id": true, "scope": true, "role": true, "roles": true, "permissions": true,
}

// JWTTemplateObject renders the WorkOS jwt_template; with no template it
// is the empty one, dated fallback.
func JWTTemplateObject(t *JWTTemplate, fallback time.Time) wire.Object {
	if t == nil {
		at := wire.Time(fallback)
		return wire.Object{{"object", "jwt_template"}, {"content", "{}"}, {"created_at", at}, {"updated_at", at}}
	}
	return wire.Object{{"object", "jwt_template"}, {"content", t.Content}, {"created_at", wire.Time(t.CreatedAt)}, {"updated_at", wire.Time(t.UpdatedAt)}}
}
