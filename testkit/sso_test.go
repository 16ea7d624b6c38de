package testkit_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"golang.org/x/oauth2"

	"github.com/authkit-emulator/authkit-emulator/testkit"
)

// TestHeadlessSSORecipe is docs/sso.md's Go recipe, as written there: an
// SSO connection added to the default world, a headless authorization URL
// built by golang.org/x/oauth2 that redirects straight to the callback,
// and the code exchanged for the profile.
func TestHeadlessSSORecipe(t *testing.T) {
	ctx := context.Background()
	em := testkit.Start(t)
	em.AddFixtures(t, `
connections:
  - {id: conn_01JGK0000000000000000000A1, name: Acme Okta, connection_type: OktaSAML,
     organization_id: org_01JGJ5PDQQYSQW43DAPDSPEJEY, profiles: [{email: dana@acme.test}]}
`)
	conf := &oauth2.Config{ClientID: em.ClientID(), ClientSecret: em.APIKey(), RedirectURL: "http://localhost:3000/callback",
		Endpoint: oauth2.Endpoint{AuthURL: em.URL() + "/sso/authorize", TokenURL: em.URL() + "/sso/token", AuthStyle: oauth2.AuthStyleInParams}}
	u := conf.AuthCodeURL("state", oauth2.SetAuthURLParam("connection", "conn_01JGK0000000000000000000A1"),
		oauth2.SetAuthURLParam("login_hint", "dana@acme.test"), oauth2.SetAuthURLParam("auto_login", "true"))
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound || loc.Query().Get("state") != "state" {
		t.Fatalf("authorize: %d %s %v", res.StatusCode, res.Header.Get("Location"), err)
	}
	tok, err := conf.Exchange(ctx, loc.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	profile := tok.Extra("profile").(map[string]any)
	if profile["email"] != "dana@acme.test" || profile["organization_id"] != "org_01JGJ5PDQQYSQW43DAPDSPEJEY" {
		t.Fatalf("profile %v", profile)
	}
}
