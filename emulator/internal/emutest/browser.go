package emutest

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Browser drives the hosted pages like a browser without JavaScript: it
// follows redirects inside the emulator, keeps the cookies the pages set,
// submits the login page's forms with their hidden fields (flow, CSRF
// token), and stops at the first redirect that leaves for the application.
type Browser struct {
	t       testing.TB
	s       *Server
	appURL  string // redirects starting here end the walk
	page    string // the last HTML page
	flow    string // the flow of the last login page
	request string // the IdP sign-in of the last identity provider page
	csrf    string // its CSRF token
	cookies map[string]string
}

// NewBrowser is a browser on s whose walks end at redirects to appURL (the
// application's redirect URI).
func NewBrowser(t testing.TB, s *Server, appURL string) *Browser {
	return &Browser{t: t, s: s, appURL: appURL, cookies: map[string]string{}}
}

var (
	flowRE    = regexp.MustCompile(`name="flow" value="([^"]+)"`)
	requestRE = regexp.MustCompile(`name="request" value="([^"]+)"`)
	csrfRE    = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// Cookie is the value of a cookie the browser holds ("" when none).
func (b *Browser) Cookie(name string) string { return b.cookies[name] }

// cookieHeader is the Cookie header of the browser's cookies, as header
// name and value (none when it holds no cookie).
func (b *Browser) cookieHeader() []string {
	var parts []string
	for k, v := range b.cookies {
		parts = append(parts, k+"="+v)
	}
	if len(parts) == 0 {
		return nil
	}
	sort.Strings(parts)
	return []string{"Cookie", strings.Join(parts, "; ")}
}

// keep stores the cookies an answer sets (and drops those it expires).
func (b *Browser) keep(r Response) {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
			continue
		}
		b.cookies[c.Name] = c.Value
	}
}

// Visit GETs a path or an absolute emulator URL and follows redirects; it
// returns the application callback URL when the walk ended there, else ""
// with the page loaded.
func (b *Browser) Visit(target string) string {
	b.t.Helper()
	return b.Follow(b.s.Do(b.t, http.MethodGet, pathOf(target), nil, b.cookieHeader()...))
}

// Submit posts a form of the current login page (its flow and CSRF token
// included, with the browser's cookies); fields are names and values in
// turn. It returns what Visit returns.
func (b *Browser) Submit(fields ...string) string {
	b.t.Helper()
	form := url.Values{"flow": {b.flow}, "csrf": {b.csrf}}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	return b.Follow(b.s.PostForm(b.t, "/authkit/login", form, b.cookieHeader()...))
}

// SubmitIdP posts a form of the current emulated identity provider page
// (its request and CSRF token included, with the browser's cookies);
// fields are names and values in turn. It returns what Visit returns.
func (b *Browser) SubmitIdP(fields ...string) string {
	b.t.Helper()
	form := url.Values{"request": {b.request}, "csrf": {b.csrf}}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	return b.Follow(b.s.PostForm(b.t, "/idp/authorize", form, b.cookieHeader()...))
}

// Page is the HTML of the last page the browser loaded.
func (b *Browser) Page() string { return b.page }

// Follow walks from an answer: it follows redirects inside the emulator
// and loads the HTML page it ends at, or returns the application callback
// URL. Any other answer fails the test.
func (b *Browser) Follow(r Response) string {
	b.t.Helper()
	for i := 0; i < 10; i++ {
		b.keep(r)
		switch r.Status {
		case http.StatusFound, http.StatusSeeOther:
			loc := r.Header.Get("Location")
			if strings.HasPrefix(loc, b.appURL) {
				return loc
			}
			r = b.s.Do(b.t, http.MethodGet, pathOf(loc), nil, b.cookieHeader()...)
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
			if m := requestRE.FindStringSubmatch(b.page); m != nil {
				b.request = m[1]
			}
			return ""
		default:
			b.t.Fatalf("hosted page answered %d: %s", r.Status, r.Body)
		}
	}
	b.t.Fatal("redirect loop")
	return ""
}

// ExpectPage fails the test unless the current page shows the text.
func (b *Browser) ExpectPage(text string) {
	b.t.Helper()
	if !strings.Contains(b.page, text) {
		b.t.Fatalf("page lacks %q:\n%s", text, b.page)
	}
}

// pathOf turns an absolute emulator URL into a path for the in-memory
// handler.
func pathOf(target string) string {
	if u, err := url.Parse(target); err == nil && u.IsAbs() {
		return u.RequestURI()
	}
	return target
}

// CallbackParams parses the query of an application callback URL (what a
// Browser walk returned), failing the test when the walk did not reach the
// application.
func CallbackParams(t testing.TB, callback string) url.Values {
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
