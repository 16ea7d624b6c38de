package emutest

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Browser drives the hosted pages like a browser without JavaScript: it
// follows redirects inside the emulator, submits the login page's forms,
// and stops at the first redirect that leaves for the application.
type Browser struct {
	t      testing.TB
	s      *Server
	appURL string // redirects starting here end the walk
	page   string // the last HTML page
	flow   string // the flow of the last login page
}

// NewBrowser is a browser on s whose walks end at redirects to appURL (the
// application's redirect URI).
func NewBrowser(t testing.TB, s *Server, appURL string) *Browser {
	return &Browser{t: t, s: s, appURL: appURL}
}

var flowRE = regexp.MustCompile(`name="flow" value="([^"]+)"`)

// Visit GETs a path or an absolute emulator URL and follows redirects; it
// returns the application callback URL when the walk ended there, else ""
// with the page loaded.
func (b *Browser) Visit(target string) string {
	b.t.Helper()
	return b.Follow(b.s.Do(b.t, http.MethodGet, pathOf(target), nil))
}

// Submit posts a form of the current login page (its flow included);
// fields are names and values in turn. It returns what Visit returns.
func (b *Browser) Submit(fields ...string) string {
	b.t.Helper()
	form := url.Values{"flow": {b.flow}}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	return b.Follow(b.s.PostForm(b.t, "/authkit/login", form))
}

// Follow walks from an answer: it follows redirects inside the emulator
// and loads the HTML page it ends at, or returns the application callback
// URL. Any other answer fails the test.
func (b *Browser) Follow(r Response) string {
	b.t.Helper()
	for i := 0; i < 10; i++ {
		switch r.Status {
		case http.StatusFound, http.StatusSeeOther:
			loc := r.Header.Get("Location")
			if strings.HasPrefix(loc, b.appURL) {
				return loc
			}
			r = b.s.Do(b.t, http.MethodGet, pathOf(loc), nil)
			continue
		case http.StatusOK:
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				b.t.Fatalf("page is not HTML: %s", r.Body)
			}
			b.page = string(r.Body)
			if m := flowRE.FindStringSubmatch(b.page); m != nil {
				b.flow = m[1]
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
