package web

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// HostPolicy decides which Host headers the emulator answers over the
// network. A web page cannot choose the Host its browser sends, except
// through DNS rebinding: it makes its own domain resolve to 127.0.0.1 and
// then talks to the emulator as attacker.example. So the emulator answers
// only Hosts a rebinding page cannot produce or the operator named: its
// public URL's host, an IP address, a name without a dot (localhost, a
// docker-compose service name such as "authkit"), and the allow-list.
type HostPolicy struct {
	// Public is the hostname of the public URL.
	Public string
	// Allowed are more hostnames to answer ("*" answers any).
	Allowed []string
}

// allows reports whether the policy answers a Host header.
func (p *HostPolicy) allows(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "" || net.ParseIP(host) != nil || !strings.Contains(host, ".") || strings.EqualFold(host, p.Public) {
		return true
	}
	for _, a := range p.Allowed {
		if a == "*" || strings.EqualFold(strings.TrimSuffix(a, "."), host) {
			return true
		}
	}
	return false
}

// checkHost refuses a request that came over a network connection with a
// Host the policy does not answer. Requests handed to the handler in
// process (the testkit's Handler, httptest) never crossed a network, so no
// web page can have sent them.
func checkHost(r *http.Request, p *HostPolicy) error {
	if p == nil || r.Context().Value(http.LocalAddrContextKey) == nil || p.allows(r.Host) {
		return nil
	}
	return ErrorFor(r.URL.Path, http.StatusMisdirectedRequest, "host_not_allowed",
		"Host "+Printable(r.Host)+" is not answered: the emulator answers its public URL's host, IP addresses, names without a dot (localhost, docker-compose service names) and --allowed-hosts (AUTHKIT_EMULATOR_ALLOWED_HOSTS). This guards against DNS rebinding.")
}

// yamlTypes are the YAML media types the control plane takes for fixtures.
var yamlTypes = map[string]bool{"application/yaml": true, "application/x-yaml": true, "text/yaml": true, "text/x-yaml": true}

// CheckControlRequest refuses control-plane requests a web page could have
// sent: any request with a foreign Origin or a cross-site fetch, and any
// body not declared as JSON or YAML (a page can POST text/plain and form
// bodies to any origin without a preflight). The emulator's own pages (the
// inspector) are same-origin and pass.
func CheckControlRequest(c echo.Context, publicURL string) error {
	r := c.Request()
	if CrossSite(r, publicURL) {
		return APIError(http.StatusForbidden, "cross_site_request_refused",
			"The control plane refuses requests from another origin or site: a web page must not drive the emulator.")
	}
	if len(RawBody(c)) > 0 {
		switch mt := MediaType(r); {
		case mt == echo.MIMEApplicationJSON, yamlTypes[mt]:
		default:
			return APIError(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
				"The control plane takes JSON or YAML bodies (Content-Type: application/json or application/yaml).")
		}
	}
	return nil
}

// CrossSite reports whether a browser sent the request from another
// origin (a foreign Origin header) or site (Sec-Fetch-Site: cross-site).
func CrossSite(r *http.Request, publicURL string) bool {
	if origin := r.Header.Get(echo.HeaderOrigin); origin != "" && !sameOrigin(origin, r, publicURL) {
		return true
	}
	return r.Header.Get("Sec-Fetch-Site") == "cross-site"
}

// sameOrigin reports whether an Origin is the emulator's own: its public
// URL, or the scheme and Host the request came to.
func sameOrigin(origin string, r *http.Request, publicURL string) bool {
	o := strings.TrimRight(origin, "/")
	if strings.EqualFold(o, originOf(publicURL)) {
		return true
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return strings.EqualFold(o, scheme+"://"+r.Host)
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
