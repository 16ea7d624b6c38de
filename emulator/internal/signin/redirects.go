package signin

import (
	"net/url"
	"strings"
)

// RedirectAllowed matches a redirect URI against allowed ones: exactly, or
// with WorkOS wildcards (a leftmost `*.` host label, a `:*` localhost port).
// A URI with userinfo (http://evil.com@localhost:3000/...) is refused: a
// browser would send its user there. An allowed entry with a `*` is only
// ever a pattern: the literal URI https://*.example.com/cb does not match
// it, and a URI that carries a `*` in its host or port matches nothing.
func RedirectAllowed(uri string, allowed []string) bool {
	got, err := url.Parse(uri)
	if err != nil || got.Scheme == "" || got.Host == "" || got.Fragment != "" || got.User != nil ||
		strings.Contains(got.Host, "*") {
		return false
	}
	for _, a := range allowed {
		if !strings.Contains(a, "*") {
			if a == uri {
				return true
			}
			continue
		}
		pattern, err := url.Parse(strings.Replace(strings.Replace(a, "*.", "wildcard.", 1), ":*", ":1", 1))
		if err != nil || pattern.Scheme != got.Scheme || pattern.Path != got.Path || pattern.RawQuery != got.RawQuery {
			continue
		}
		host, port := got.Hostname(), got.Port()
		ph := pattern.Hostname()
		if strings.HasPrefix(ph, "wildcard.") {
			suffix := strings.TrimPrefix(ph, "wildcard")
			label, ok := strings.CutSuffix(host, suffix)
			if !ok || label == "" || strings.Contains(label, ".") {
				continue
			}
		} else if ph != host {
			continue
		}
		if strings.Contains(a, ":*") {
			if port == "" {
				continue
			}
		} else if pattern.Port() != port {
			continue
		}
		return true
	}
	return false
}

// withQuery adds non-empty parameters to a URL's query.
func withQuery(raw string, kv ...string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
