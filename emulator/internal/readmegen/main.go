// Command readmegen writes the README's table of emulated and unemulated
// endpoints from the emulator's route table and WorkOS's OpenAPI spec, so the
// documentation cannot drift from the router. Run it through
// `go generate ./emulator`; scripts/check-generated.sh fails CI when it is
// stale.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator"
)

const (
	begin = "<!-- BEGIN GENERATED ENDPOINTS (go generate ./emulator) -->"
	end   = "<!-- END GENERATED ENDPOINTS -->"
)

func main() {
	readme := flag.String("readme", "../README.md", "README to update")
	flag.Parse()
	srv, err := emulator.New(emulator.Config{})
	if err != nil {
		log.Fatal(err)
	}
	var b bytes.Buffer
	groups := []string{}
	byGroup := map[string][]emulator.Route{}
	for _, r := range srv.Routes() {
		if _, ok := byGroup[r.Group]; !ok {
			groups = append(groups, r.Group)
		}
		byGroup[r.Group] = append(byGroup[r.Group], r)
	}
	for _, g := range groups {
		fmt.Fprintf(&b, "\n**%s** (%d routes)\n\n| method | path | what |\n|---|---|---|\n", g, len(byGroup[g]))
		for _, r := range byGroup[g] {
			fmt.Fprintf(&b, "| %s | `%s` | %s |\n", r.Method, r.Path, strings.ReplaceAll(r.Doc, "|", "\\|"))
		}
	}
	un := srv.Unemulated()
	fmt.Fprintf(&b, "\n<details><summary>%d operations of WorkOS's OpenAPI spec answer 501 <code>not_implemented</code></summary>\n\n| method | path | WorkOS operation |\n|---|---|---|\n", len(un))
	for _, r := range un {
		fmt.Fprintf(&b, "| %s | `%s` | %s |\n", r.Method, r.Path, r.Doc)
	}
	b.WriteString("\n</details>\n")

	data, err := os.ReadFile(*readme)
	if err != nil {
		log.Fatal(err)
	}
	text := string(data)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		log.Fatalf("%s: markers %q and %q not found", *readme, begin, end)
	}
	out := text[:i+len(begin)] + "\n" + b.String() + text[j:]
	if out != text {
		if err := os.WriteFile(*readme, []byte(out), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
