package emulator_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// browser drives the hosted pages like a browser without JavaScript: it
// follows redirects inside the emulator, keeps the cookies the pages set,
// submits forms with their hidden fields (flow, CSRF token), and stops at
// the first redirect that leaves for the application's redirect URI.
type browser struct {
	t       testing.TB
	h       http.Handler
	appURL  string // redirects starting here end the walk
	page    string // the last HTML page
	flow    string
	csrf    string
	cookies map[string]string
}

func newBrowser(t testing.TB, h http.Handler, appURL string) *browser {
	return &browser{t: t, h: h, appURL: appURL, cookies: map[string]string{}}
}

var (
	flowRE = regexp.MustCompile(`name="flow" value="([^"]+)"`)
	csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// cookieHeader is the Cookie header of the browser's cookies.
func (b *browser) cookieHeader() []string {
	var parts []string
	for k, v := range b.cookies {
		parts = append(parts, k+"="+v)
	}
	if len(parts) == 0 {
		return nil
	}
	return []string{"Cookie", strings.Join(parts, "; ")}
}

// keep stores the cookies a response sets.
func (b *browser) keep(r response) {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		b.cookies[c.Name] = c.Value
	}
}

// visit GETs a path or URL and follows redirects; it returns the application
// callback URL when the walk ended there, else "" with the page loaded.
func (b *browser) visit(target string) string {
	b.t.Helper()
	return b.follow(do(b.t, b.h, http.MethodGet, strip(target), nil, b.cookieHeader()...))
}

// submit posts a form of the current page.
func (b *browser) submit(fields ...string) string {
	b.t.Helper()
	form := url.Values{"flow": {b.flow}, "csrf": {b.csrf}}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	return b.follow(postForm(b.t, b.h, "/authkit/login", form, b.cookieHeader()...))
}

func (b *browser) follow(r response) string {
	b.t.Helper()
	for i := 0; i < 10; i++ {
		b.keep(r)
		switch r.Status {
		case http.StatusFound, http.StatusSeeOther:
			loc := r.Header.Get("Location")
			if strings.HasPrefix(loc, b.appURL) {
				return loc
			}
			r = do(b.t, b.h, http.MethodGet, strip(loc), nil, b.cookieHeader()...)
			continue
		case http.StatusOK:
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				b.t.Fatalf("page is not HTML: %s", r.Body)
			}
			b.page = string(r.Body)
			if m := flowRE.FindStringSubmatch(b.page); m != nil {
				b.flow = m[1]
			}
			if m := csrfRE.FindStringSubmatch(b.page); m != nil {
				b.csrf = m[1]
			}
			return ""
		default:
			b.t.Fatalf("hosted page answered %d: %s", r.Status, r.Body)
		}
	}
	b.t.Fatal("redirect loop")
	return ""
}

// strip turns an absolute emulator URL into a path for the in-memory handler.
func strip(target string) string {
	if u, err := url.Parse(target); err == nil && u.IsAbs() {
		return u.RequestURI()
	}
	return target
}

// expectPage fails unless the current page shows the text.
func (b *browser) expectPage(text string) {
	b.t.Helper()
	if !strings.Contains(b.page, text) {
		b.t.Fatalf("page lacks %q:\n%s", text, b.page)
	}
}

// callbackParams parses the query of an application callback URL.
func callbackParams(t testing.TB, callback string) url.Values {
	t.Helper()
	if callback == "" {
		t.Fatal("the flow did not reach the application")
	}
	u, err := url.Parse(callback)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}
