// Command compose-app is the example service under test of the
// docker-compose setup (docker-compose.yml at the repository root): a tiny
// HTTP API that accepts a request only when its Bearer token passes BOTH
//
//  1. local JWT verification: RS256 signature against the JWKS named by the
//     emulator's discovery document, the expected issuer, the audience
//     (Connect/M2M tokens) and exp, as any WorkOS-backed service does; and
//  2. token introspection (POST /oauth2/introspection with this service's own
//     client id and secret), which answers from the emulator's state: revoked
//     sessions and tokens expired by the emulator's clock are inactive.
//
// It reaches the emulator by its compose service name (AUTHKIT_URL, default
// http://authkit:8484) and never derives the issuer from that URL: the issuer
// is configured (AUTHKIT_ISSUER) and discovery must name exactly it.
//
//	compose-app [serve]        GET /whoami (200 with the token's subject, else 401), GET /healthz
//	compose-app verify TOKEN   the same checks once; print the claims, exit 1 if rejected
//	compose-app mint           print a client_credentials token of this service's application
//	compose-app healthcheck    exit 0 when GET /healthz answers 200 (the image's HEALTHCHECK)
//
// Configuration (environment):
//
//	AUTHKIT_URL                     where this process reaches the emulator (discovery); default http://authkit:8484
//	AUTHKIT_ISSUER                  expected iss of Connect/M2M tokens; default AUTHKIT_URL
//	AUTHKIT_CLIENT_ID               the environment client id: aud of Connect/M2M tokens (required)
//	AUTHKIT_USER_MANAGEMENT_ISSUER  expected iss of User Management tokens;
//	                                default AUTHKIT_ISSUER/user_management/AUTHKIT_CLIENT_ID (the emulator's default)
//	AUTHKIT_APP_CLIENT_ID           this service's application: introspection and `mint` credentials (required)
//	AUTHKIT_APP_CLIENT_SECRET
//	AUTHKIT_JWKS_URL                override discovery's jwks_uri (for a process that cannot reach the
//	AUTHKIT_INTROSPECTION_URL       public URL, e.g. on the host); override its introspection_endpoint
//	APP_ADDR                        listen address; default :8080
package main

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

func main() {
	cmd, args := "serve", os.Args[1:]
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve()
	case "verify":
		err = verifyCmd(args)
	case "mint":
		err = mintCmd()
	case "healthcheck":
		err = healthcheck()
	default:
		err = fmt.Errorf("unknown command %q: use serve, verify TOKEN, mint or healthcheck", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose-app:", err)
		os.Exit(1)
	}
}

// config is the environment of the process (see the package comment).
type config struct {
	authkitURL, issuer, umIssuer, clientID string
	appClientID, appClientSecret           string
	jwksURL, introspectionURL              string // overrides; empty: from discovery
	addr                                   string
}

func getenv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func loadConfig() (config, error) {
	c := config{
		authkitURL:       strings.TrimRight(getenv("AUTHKIT_URL", "http://authkit:8484"), "/"),
		clientID:         os.Getenv("AUTHKIT_CLIENT_ID"),
		appClientID:      os.Getenv("AUTHKIT_APP_CLIENT_ID"),
		appClientSecret:  os.Getenv("AUTHKIT_APP_CLIENT_SECRET"),
		jwksURL:          os.Getenv("AUTHKIT_JWKS_URL"),
		introspectionURL: os.Getenv("AUTHKIT_INTROSPECTION_URL"),
		addr:             getenv("APP_ADDR", ":8080"),
	}
	c.issuer = getenv("AUTHKIT_ISSUER", c.authkitURL)
	c.umIssuer = getenv("AUTHKIT_USER_MANAGEMENT_ISSUER", c.issuer+"/user_management/"+c.clientID)
	var missing []string
	for name, v := range map[string]string{"AUTHKIT_CLIENT_ID": c.clientID, "AUTHKIT_APP_CLIENT_ID": c.appClientID,
		"AUTHKIT_APP_CLIENT_SECRET": c.appClientSecret} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return c, fmt.Errorf("missing environment: %s", strings.Join(missing, ", "))
	}
	return c, nil
}

// authkit is what the service learned from discovery: how to verify and
// introspect tokens, and where to get its own.
type authkit struct {
	cfg              config
	http             *http.Client
	connect, um      *oidc.IDTokenVerifier // one verifier per token family (issuer)
	introspectionURL string
	tokenURL         string
}

// discover fetches AUTHKIT_URL/.well-known/openid-configuration, retrying
// until ctx ends (compose's service_healthy makes the first try succeed).
// The document must name the configured issuer: go-oidc checks it, even
// though it was fetched from another URL (InsecureIssuerURLContext only
// separates "where" from "who"; it does not skip the check).
func discover(ctx context.Context, cfg config) (*authkit, error) {
	hc := &http.Client{Timeout: 5 * time.Second}
	ctx = oidc.ClientContext(ctx, hc)
	var provider *oidc.Provider
	var err error
	for {
		provider, err = oidc.NewProvider(oidc.InsecureIssuerURLContext(ctx, cfg.issuer), cfg.authkitURL)
		if err == nil || ctx.Err() != nil {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if err != nil {
		return nil, fmt.Errorf("discovery at %s: %w", cfg.authkitURL, err)
	}
	var doc struct {
		JWKSURI               string `json:"jwks_uri"`
		IntrospectionEndpoint string `json:"introspection_endpoint"`
	}
	if err := provider.Claims(&doc); err != nil {
		return nil, err
	}
	jwksURL := cmp.Or(cfg.jwksURL, doc.JWKSURI)
	// The key set outlives this call: give it a context that is never canceled.
	keys := oidc.NewRemoteKeySet(oidc.ClientContext(context.Background(), hc), jwksURL)
	return &authkit{
		cfg:              cfg,
		http:             hc,
		connect:          oidc.NewVerifier(cfg.issuer, keys, &oidc.Config{ClientID: cfg.clientID}),
		um:               oidc.NewVerifier(cfg.umIssuer, keys, &oidc.Config{SkipClientIDCheck: true}),
		introspectionURL: cmp.Or(cfg.introspectionURL, doc.IntrospectionEndpoint),
		tokenURL:         provider.Endpoint().TokenURL,
	}, nil
}

// identity is what /whoami answers for an accepted token.
type identity struct {
	Subject  string `json:"sub"`
	Issuer   string `json:"iss"`
	Family   string `json:"family"` // "connect" (Connect and M2M) or "user_management"
	ClientID string `json:"client_id,omitempty"`
	OrgID    string `json:"org_id,omitempty"`
	Session  string `json:"sid,omitempty"`
}

// verify runs both checks; the error says which one failed and why.
func (a *authkit) verify(ctx context.Context, raw string) (*identity, error) {
	// The (unverified) iss only picks the verifier, which then checks the
	// signature and the issuer for real.
	var v *oidc.IDTokenVerifier
	family := ""
	switch iss := peekIssuer(raw); iss {
	case a.cfg.issuer:
		v, family = a.connect, "connect"
	case a.cfg.umIssuer:
		v, family = a.um, "user_management"
	default:
		return nil, fmt.Errorf("jwt: issuer %q is not trusted (want %q or %q)", iss, a.cfg.issuer, a.cfg.umIssuer)
	}
	tok, err := v.Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("jwt: %w", err)
	}
	id := &identity{Subject: tok.Subject, Issuer: tok.Issuer, Family: family}
	if err := tok.Claims(id); err != nil {
		return nil, fmt.Errorf("jwt: claims: %w", err)
	}
	active, sub, err := a.introspect(ctx, raw)
	switch {
	case err != nil:
		return nil, fmt.Errorf("introspection: %w", err)
	case !active:
		return nil, errors.New("introspection: token is not active (revoked, expired by the emulator's clock, or unknown)")
	case sub != tok.Subject:
		return nil, fmt.Errorf("introspection: sub %q differs from the token's %q", sub, tok.Subject)
	}
	return id, nil
}

// peekIssuer reads iss from a JWT's payload without verifying anything.
func peekIssuer(raw string) string {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		Iss string `json:"iss"`
	}
	_ = json.Unmarshal(payload, &c)
	return c.Iss
}

// introspect asks the emulator whether the token is active (RFC 7662, with
// client_secret_post authentication as WorkOS documents it).
func (a *authkit) introspect(ctx context.Context, raw string) (active bool, sub string, err error) {
	form := url.Values{"token": {raw}, "client_id": {a.cfg.appClientID}, "client_secret": {a.cfg.appClientSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.introspectionURL, strings.NewReader(form.Encode()))
	if err != nil {
		return false, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := a.http.Do(req)
	if err != nil {
		return false, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return false, "", fmt.Errorf("%s: %s", resp.Status, body)
	}
	var doc struct {
		Active bool   `json:"active"`
		Sub    string `json:"sub"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return false, "", err
	}
	return doc.Active, doc.Sub, nil
}

// whoami serves GET /whoami: the identity of an accepted Bearer token, or a
// 401 naming the check that failed.
func (a *authkit) whoami(log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || raw == "" {
			reject(w, "missing Bearer token")
			return
		}
		id, err := a.verify(r.Context(), raw)
		if err != nil {
			log.Info("rejected", slog.String("reason", err.Error()))
			reject(w, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, id)
	}
}

func reject(w http.ResponseWriter, reason string) {
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token", "error_description": reason})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func serve() error {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	a, err := discover(dctx, cfg)
	cancel()
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /whoami", a.whoami(log))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	log.Info("compose-app ready", slog.String("addr", ln.Addr().String()), slog.String("authkit", cfg.authkitURL),
		slog.String("issuer", cfg.issuer), slog.String("user_management_issuer", cfg.umIssuer))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}

// verifyCmd runs the checks of /whoami once, outside a server: how a process
// on the host checks a token minted inside the compose network.
func verifyCmd(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: compose-app verify TOKEN")
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, err := discover(ctx, cfg)
	if err != nil {
		return err
	}
	id, err := a.verify(ctx, args[0])
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(id)
}

// mintCmd prints an access token of this service's own application
// (client_credentials at discovery's token_endpoint): a token minted inside
// the compose network, through http://authkit:8484.
func mintCmd() error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, err := discover(ctx, cfg)
	if err != nil {
		return err
	}
	cc := clientcredentials.Config{ClientID: cfg.appClientID, ClientSecret: cfg.appClientSecret,
		TokenURL: a.tokenURL, AuthStyle: oauth2.AuthStyleInParams}
	tok, err := cc.Token(oidc.ClientContext(ctx, a.http))
	if err != nil {
		return err
	}
	fmt.Println(tok.AccessToken)
	return nil
}

// healthcheck exits 0 when this service answers GET /healthz: the image's
// HEALTHCHECK (a scratch image has no shell or curl).
func healthcheck() error {
	host, port, err := net.SplitHostPort(getenv("APP_ADDR", ":8080"))
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Get("http://" + net.JoinHostPort(host, port) + "/healthz")
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: %s", resp.Status)
	}
	return nil
}
