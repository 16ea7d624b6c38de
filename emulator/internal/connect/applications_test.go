package connect_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestM2MApplicationAndSecretsOverTheAPI: an M2M application created over
// the API has no secret until one is created; a created secret works with
// x/oauth2's client credentials at once, a deleted one stops at once while
// another keeps working, and deleting the application ends its tokens.
func TestM2MApplicationAndSecretsOverTheAPI(t *testing.T) {
	t.Parallel()
	ts := emutest.Start(t, emulator.Config{Clock: emutest.T0})
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client)
	app := emutest.WantJSON(t, ts.API(t, http.MethodPost, "/connect/applications", map[string]any{
		"name": "Reports job", "application_type": "m2m", "organization_id": emutest.AcmeID, "scopes": []string{"reports:read"}}), 201)
	clientID, appID := app["client_id"].(string), app["id"].(string)
	if app["application_type"] != "m2m" || app["organization_id"] != emutest.AcmeID || app["object"] != "connect_application" {
		t.Fatalf("created %v", app)
	}
	token := func(secret string) (*oauth2.Token, error) {
		cfg := clientcredentials.Config{ClientID: clientID, ClientSecret: secret, TokenURL: ts.URL + "/oauth2/token",
			Scopes: []string{"reports:read"}, AuthStyle: oauth2.AuthStyleInParams}
		return cfg.Token(ctx)
	}
	if _, err := token("anything"); err == nil {
		t.Fatal("an application without secrets authenticated")
	}
	s1 := emutest.WantJSON(t, ts.API(t, http.MethodPost, "/connect/applications/"+appID+"/client_secrets", map[string]any{}), 201)
	s2 := emutest.WantJSON(t, ts.API(t, http.MethodPost, "/connect/applications/"+clientID+"/client_secrets", nil), 201)
	v1, v2 := s1["secret"].(string), s2["secret"].(string)
	if v1 == v2 || len(v1) != 64 || s1["secret_hint"] != v1[60:] || s1["last_used_at"] != nil {
		t.Fatalf("secrets %v %v", s1, s2)
	}
	tok, err := token(v1)
	if err != nil {
		t.Fatalf("client_credentials with a new secret: %v", err)
	}
	claims := emutest.Claims(t, tok.AccessToken)
	if claims["sub"] != clientID || claims["org_id"] != emutest.AcmeID || claims["scope"] != "reports:read" {
		t.Fatalf("claims %v", claims)
	}
	list := ts.API(t, http.MethodGet, "/connect/applications/"+appID+"/client_secrets", nil)
	if list.Status != 200 || !strings.Contains(string(list.Body), `"last_used_at":"2026-01-15T12:00:00.000Z"`) || strings.Contains(string(list.Body), v1) {
		t.Fatalf("secrets list %d %s", list.Status, list.Body)
	}
	if r := ts.API(t, http.MethodDelete, "/connect/client_secrets/"+s1["id"].(string), nil); r.Status != 204 {
		t.Fatalf("delete secret: %d %s", r.Status, r.Body)
	}
	if _, err := token(v1); err == nil {
		t.Fatal("a deleted secret still authenticates")
	}
	if in := ts.IntrospectAs(t, clientID, v2, tok.AccessToken); in["active"] != true {
		t.Fatalf("introspection with the other secret: %v", in)
	}
	if _, err := token(v2); err != nil {
		t.Fatalf("the remaining secret: %v", err)
	}
	if r := ts.API(t, http.MethodDelete, "/connect/applications/"+appID, nil); r.Status != 204 {
		t.Fatalf("delete app: %d %s", r.Status, r.Body)
	}
	if in := ts.IntrospectAs(t, emutest.OAuthClientID, emutest.OAuthSecret, tok.AccessToken); in["active"] != false {
		t.Fatalf("a deleted application's token: %v", in)
	}
	emutest.WantError(t, ts.API(t, http.MethodGet, "/connect/applications/"+clientID, nil), 404, "entity_not_found")
}

// TestOAuthApplicationCodeFlowAndRevocation: an OAuth application created
// over the API, with a secret created over the API, signs Alice in with
// x/oauth2 (code + PKCE) at once; the grant shows as an authorized
// application of Alice and of Acme; revoking it ends the grant: the access
// token introspects inactive and the refresh token gets invalid_grant.
func TestOAuthApplicationCodeFlowAndRevocation(t *testing.T) {
	t.Parallel()
	ts := emutest.Start(t, emulator.Config{Clock: emutest.T0})
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client)
	const callback = "http://localhost:4000/auth/callback"
	app := emutest.WantJSON(t, ts.API(t, http.MethodPost, "/connect/applications", map[string]any{
		"name": "Dashboard", "application_type": "oauth", "is_first_party": true,
		"redirect_uris": []map[string]any{{"uri": callback, "default": true}}}), 201)
	clientID := app["client_id"].(string)
	if app["uses_pkce"] != false || app["is_first_party"] != true || fmt.Sprint(app["scopes"]) != "[openid profile email offline_access]" {
		t.Fatalf("created %v", app)
	}
	secret := emutest.WantJSON(t, ts.API(t, http.MethodPost, "/connect/applications/"+clientID+"/client_secrets", nil), 201)["secret"].(string)

	conf := &oauth2.Config{ClientID: clientID, ClientSecret: secret, RedirectURL: callback,
		Endpoint: oauth2.Endpoint{AuthURL: ts.URL + "/oauth2/authorize", TokenURL: ts.URL + "/oauth2/token", AuthStyle: oauth2.AuthStyleInParams},
		Scopes:   []string{"openid", "offline_access"}}
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("login_hint", "alice@example.com"), oauth2.SetAuthURLParam("auto_login", "true"))
	cb := emutest.CallbackParams(t, emutest.NewBrowser(t, ts, callback).Visit(authURL))
	tok, err := conf.Exchange(ctx, cb.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if tok.RefreshToken == "" || emutest.Claims(t, tok.AccessToken)["client_id"] != clientID {
		t.Fatalf("token %+v", tok)
	}

	mine := emutest.WantJSON(t, ts.API(t, http.MethodGet, "/user_management/users/"+emutest.AliceID+"/authorized_applications", nil), 200)
	data := mine["data"].([]any)
	if len(data) != 1 {
		t.Fatalf("authorized applications %v", mine)
	}
	auth := data[0].(map[string]any)
	if auth["application"].(map[string]any)["client_id"] != clientID || fmt.Sprint(auth["granted_scopes"]) != "[openid offline_access]" || auth["user_id"] != nil {
		t.Fatalf("authorization %v", auth)
	}
	acme := emutest.WantJSON(t, ts.API(t, http.MethodGet, "/organizations/"+emutest.AcmeID+"/authorized_applications", nil), 200)
	if d := acme["data"].([]any); len(d) != 1 || d[0].(map[string]any)["user_id"] != emutest.AliceID || d[0].(map[string]any)["id"] != auth["id"] {
		t.Fatalf("organization's list %v", acme)
	}
	// a second grant joins the same authorization
	cb = emutest.CallbackParams(t, emutest.NewBrowser(t, ts, callback).Visit(authURL))
	tok2, err := conf.Exchange(ctx, cb.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if d := emutest.WantJSON(t, ts.API(t, http.MethodGet, "/user_management/users/"+emutest.AliceID+"/authorized_applications", nil), 200)["data"].([]any); len(d) != 1 {
		t.Fatalf("a second grant made a second authorization: %v", d)
	}

	if r := ts.API(t, http.MethodDelete, "/user_management/users/"+emutest.AliceID+"/authorized_applications/"+app["id"].(string), nil); r.Status != 204 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	for _, tk := range []*oauth2.Token{tok, tok2} {
		if in := ts.IntrospectAs(t, clientID, secret, tk.AccessToken); in["active"] != false {
			t.Fatalf("after revocation: %v", in)
		}
	}
	refresh := ts.PostForm(t, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken},
		"client_id": {clientID}, "client_secret": {secret}})
	emutest.WantError(t, refresh, 400, "invalid_grant")
	if d := emutest.WantJSON(t, ts.API(t, http.MethodGet, "/user_management/users/"+emutest.AliceID+"/authorized_applications", nil), 200)["data"].([]any); len(d) != 0 {
		t.Fatalf("still authorized: %v", d)
	}
	emutest.WantError(t, ts.API(t, http.MethodDelete, "/user_management/users/"+emutest.AliceID+"/authorized_applications/"+clientID, nil), 404, "entity_not_found")
}

// TestPublicApplicationAndRedirectUpdates: uses_pkce makes a public client
// (PKCE, no secret); a redirect URI replaced over the API is refused by the
// next authorize request, and the new one accepted.
func TestPublicApplicationAndRedirectUpdates(t *testing.T) {
	t.Parallel()
	ts := emutest.Start(t, emulator.Config{Clock: emutest.T0})
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client)
	const oldCB, newCB = "http://localhost:5173/callback", "http://localhost:5174/callback"
	app := emutest.WantJSON(t, ts.API(t, http.MethodPost, "/connect/applications", map[string]any{
		"name": "SPA", "application_type": "oauth", "is_first_party": true, "uses_pkce": true,
		"redirect_uris": []map[string]any{{"uri": oldCB}}}), 201)
	clientID := app["client_id"].(string)
	if app["uses_pkce"] != true || app["redirect_uris"].([]any)[0].(map[string]any)["default"] != true {
		t.Fatalf("created %v", app)
	}
	up := emutest.WantJSON(t, ts.API(t, http.MethodPut, "/connect/applications/"+clientID, map[string]any{
		"name": nil, "description": "single page", "scopes": nil, "redirect_uris": []map[string]any{{"uri": newCB, "default": nil}}}), 200)
	if up["name"] != "SPA" || up["description"] != "single page" || len(up["redirect_uris"].([]any)) != 1 {
		t.Fatalf("updated %v", up)
	}
	authorize := func(cb string, verifier string) string {
		conf := &oauth2.Config{ClientID: clientID, RedirectURL: cb, Scopes: []string{"openid"},
			Endpoint: oauth2.Endpoint{AuthURL: ts.URL + "/oauth2/authorize", TokenURL: ts.URL + "/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}}
		return conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier),
			oauth2.SetAuthURLParam("login_hint", "alice@example.com"), oauth2.SetAuthURLParam("auto_login", "true"))
	}
	verifier := oauth2.GenerateVerifier()
	r := ts.Do(t, http.MethodGet, pathOf(authorize(oldCB, verifier)), nil)
	emutest.WantError(t, r, 400, "invalid_request")
	cb := emutest.CallbackParams(t, emutest.NewBrowser(t, ts, newCB).Visit(authorize(newCB, verifier)))
	conf := &oauth2.Config{ClientID: clientID, RedirectURL: newCB,
		Endpoint: oauth2.Endpoint{TokenURL: ts.URL + "/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}}
	if _, err := conf.Exchange(ctx, cb.Get("code"), oauth2.VerifierOption(verifier)); err != nil {
		t.Fatalf("public client exchange: %v", err)
	}
}

// TestApplicationsListAndValidation: fixture applications are listed with
// the API's (newest first, paged by cursor, filtered by organization); the
// create and update refusals.
func TestApplicationsListAndValidation(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	var ids []string
	for i := range 3 {
		app := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/connect/applications", map[string]any{
			"name": fmt.Sprintf("Job %d", i), "application_type": "m2m", "organization_id": emutest.GlobexID}), 201)
		ids = append(ids, app["id"].(string))
	}
	page := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/connect/applications?limit=2", nil), 200)
	if got := idsOf(page); fmt.Sprint(got) != fmt.Sprint([]string{ids[2], ids[1]}) {
		t.Fatalf("first page %v", got)
	}
	after := page["list_metadata"].(map[string]any)["after"].(string)
	rest := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/connect/applications?limit=10&after="+after, nil), 200)
	if got := idsOf(rest); len(got) != 4 || got[0] != ids[0] { // the three fixture apps follow
		t.Fatalf("second page %v", got)
	}
	fixture := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/connect/applications/"+emutest.OAuthClientID, nil), 200)
	if fixture["name"] != "Demo OAuth app" || fixture["application_type"] != "oauth" {
		t.Fatalf("fixture app %v", fixture)
	}
	pub := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/connect/applications/"+emutest.PublicClientID, nil), 200)
	if pub["uses_pkce"] != true {
		t.Fatalf("public fixture app %v", pub)
	}
	secrets := srv.API(t, http.MethodGet, "/connect/applications/"+emutest.M2MClientID+"/client_secrets", nil)
	if secrets.Status != 200 || !strings.Contains(string(secrets.Body), `"secret_hint":"cret"`) { // demo_m2m_secret
		t.Fatalf("fixture secret %s", secrets.Body)
	}
	globex := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/connect/applications?organization_id="+emutest.GlobexID, nil), 200)
	if len(idsOf(globex)) != 3 {
		t.Fatalf("organization filter %v", globex)
	}
	if d := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/connect/applications?registration_types=dynamic", nil), 200)["data"].([]any); len(d) != 0 {
		t.Fatalf("dynamic registrations %v", d)
	}
	for _, bad := range []map[string]any{
		{"application_type": "oauth", "is_first_party": true},
		{"name": "x", "application_type": "oauth"},
		{"name": "x", "application_type": "oauth", "is_first_party": true, "redirect_uris": []map[string]any{{"uri": "not a url"}}},
		{"name": "x", "application_type": "oauth", "is_first_party": true, "redirect_uris": []map[string]any{{"uri": "https://a.test/cb", "default": true}, {"uri": "https://b.test/cb", "default": true}}},
		{"name": "x", "application_type": "m2m"},
		{"name": "x", "application_type": "m2m", "organization_id": emutest.AcmeID, "redirect_uris": []map[string]any{}},
		{"name": "x", "application_type": "oauth", "is_first_party": true, "scopes": []string{"two words"}},
	} {
		emutest.WantError(t, srv.API(t, http.MethodPost, "/connect/applications", bad), 422, "invalid_request_parameters")
	}
	emutest.WantError(t, srv.API(t, http.MethodPut, "/connect/applications/"+ids[0], map[string]any{"name": ""}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/connect/applications/"+ids[0]+"/client_secrets", "x"), 400, "invalid_request")
}

func idsOf(list map[string]any) []string {
	var out []string
	for _, x := range list["data"].([]any) {
		out = append(out, x.(map[string]any)["id"].(string))
	}
	return out
}

func pathOf(raw string) string {
	u, _ := url.Parse(raw)
	return u.RequestURI()
}
