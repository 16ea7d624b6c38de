package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// jwtTemplate is the environment's JWT template: a JSON object whose values
// may use {{ user.email }}-style expressions, evaluated at every User
// Management mint. Inside a JSON string an expression interpolates text; as
// a bare value (`"email": {{user.email}}`) it keeps the value's JSON type.
// `{{ expr || "fallback" }}` falls back when the value is empty.
type jwtTemplate struct {
	content   string
	tree      map[string]any // the parsed template; leaves with expressions are bareExpr or interpolation
	createdAt time.Time
	updatedAt time.Time
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

// parseJWTTemplate checks and compiles a template. Claims the emulator sets
// from state cannot be templated.
func parseJWTTemplate(content string, now time.Time) (*jwtTemplate, error) {
	t := &jwtTemplate{content: content, createdAt: now, updatedAt: now}
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
		if reservedClaims[k] {
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
func (w *world) eval(expr, userID, orgID string) any {
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
		v = str(fullName(u))
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
			v = o.Domains[0].domain
		}
	case strings.HasPrefix(path, "organization.metadata."):
		v = str(o.Metadata[strings.TrimPrefix(path, "organization.metadata.")])
	case path == "organization_membership.role":
		if m := w.byPair[pairKey(userID, orgID)]; m != nil && len(m.Roles) > 0 {
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

// render evaluates the template for a mint. Caller holds w.mu.
func (t *jwtTemplate) render(w *world, userID, orgID string) map[string]any {
	out, _ := mapLeaves(t.tree, func(v any) (any, error) {
		switch x := v.(type) {
		case bareExpr:
			return w.eval(string(x), userID, orgID), nil
		case interpolation:
			return exprRE.ReplaceAllStringFunc(string(x), func(m string) string {
				got := w.eval(exprRE.FindStringSubmatch(m)[1], userID, orgID)
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

// templateClaims are the custom claims the environment's JWT template adds
// to User Management access tokens. Caller holds w.mu.
func (w *world) templateClaims(userID, orgID string) map[string]any {
	if w.jwtTemplate == nil {
		return nil
	}
	return w.jwtTemplate.render(w, userID, orgID)
}

func jwtTemplateObject(t *jwtTemplate, fallback time.Time) object {
	if t == nil {
		return object{{"object", "jwt_template"}, {"content", "{}"}, {"created_at", isoTime(fallback)}, {"updated_at", isoTime(fallback)}}
	}
	return object{{"object", "jwt_template"}, {"content", t.content}, {"created_at", isoTime(t.createdAt)}, {"updated_at", isoTime(t.updatedAt)}}
}

// getJWTTemplate serves GET /user_management/jwt_template.
func (s *Server) getJWTTemplate(c echo.Context) error {
	w := s.world()
	w.mu.RLock()
	defer w.mu.RUnlock()
	return writeJSON(c, http.StatusOK, jwtTemplateObject(w.jwtTemplate, w.createdAt))
}

// putJWTTemplate serves PUT /user_management/jwt_template: every later User
// Management mint applies it.
func (s *Server) putJWTTemplate(c echo.Context) error {
	b, err := readJSONBody(c)
	if err != nil {
		return err
	}
	content := b.str("content")
	if !b.has("content") {
		b.bad("content", "content_required")
	}
	if err := b.err(); err != nil {
		return err
	}
	w := s.world()
	now := s.clock.Now()
	t, perr := parseJWTTemplate(content, now)
	if perr != nil {
		return invalidParams(FieldError{Field: "content", Code: "invalid_template"}).WithMessage("Invalid JWT template: " + perr.Error() + ".")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.jwtTemplate != nil {
		t.createdAt = w.jwtTemplate.createdAt
	}
	if strings.TrimSpace(content) == "{}" || strings.TrimSpace(content) == "" {
		t = nil
	}
	w.jwtTemplate = t
	return writeJSON(c, http.StatusOK, jwtTemplateObject(t, now))
}
