package emulator_test

// The layout of design.md §2, enforced: the tree is the table of contents,
// dependencies point one way, and the world's lock has one owner.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/authkit-emulator/authkit-emulator"

// layers orders the shared packages of emulator/internal: a package may
// import only packages of a lower layer. Every other internal package is a
// WorkOS product area (one layer above signin), and no area imports
// another: what two areas share lives in store or signin.
var layers = map[string]int{
	"wire": 0, "spec": 0,
	"keys":  1,
	"store": 2,
	"web":   3, "tokens": 3,
	"signin": 4,
}

const areaLayer = 5

// tools are commands and test support, outside the layering.
var tools = map[string]bool{"specgen": true, "docsgen": true, "emutest": true}

// noHTTP are the packages that must not know HTTP: the world and the
// tokens are plain data and crypto.
var noHTTP = map[string]bool{"wire": true, "spec": true, "keys": true, "store": true, "tokens": true}

// sourceFiles parses the non-test Go files of a directory (imports and
// declarations).
func sourceFiles(t *testing.T, dir string) []*ast.File {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []*ast.File
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

func internalPackages(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("internal")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

func layerOf(pkg string) int {
	if l, ok := layers[pkg]; ok {
		return l
	}
	return areaLayer
}

// TestLayoutDependencies: no area imports another; store, tokens, keys,
// wire and spec import neither Echo nor net/http; every internal import
// points to a lower layer.
func TestLayoutDependencies(t *testing.T) {
	for _, pkg := range internalPackages(t) {
		if tools[pkg] {
			continue
		}
		for _, f := range sourceFiles(t, filepath.Join("internal", pkg)) {
			for _, imp := range f.Imports {
				path := strings.Trim(imp.Path.Value, `"`)
				if noHTTP[pkg] && (strings.HasPrefix(path, "github.com/labstack/echo") || strings.HasPrefix(path, "net/http")) {
					t.Errorf("internal/%s imports %s: it must not know HTTP", pkg, path)
				}
				dep, ok := strings.CutPrefix(path, module+"/emulator/internal/")
				if !ok {
					if path == module+"/emulator" || strings.HasPrefix(path, module+"/testkit") {
						t.Errorf("internal/%s imports %s: internal packages sit below the public API", pkg, path)
					}
					continue
				}
				dep, _, _ = strings.Cut(dep, "/")
				switch {
				case tools[dep]:
					t.Errorf("internal/%s imports the tool %s", pkg, dep)
				case layerOf(pkg) == areaLayer && layerOf(dep) == areaLayer:
					t.Errorf("area %s imports area %s: move what they share to store or signin", pkg, dep)
				case layerOf(dep) >= layerOf(pkg):
					t.Errorf("internal/%s (layer %d) imports internal/%s (layer %d): dependencies point down", pkg, layerOf(pkg), dep, layerOf(dep))
				}
			}
		}
	}
}

// TestLayoutLockOwner: only the store takes the world's lock (handlers
// call its transactions); no other package declares a mutex or locks one.
func TestLayoutLockOwner(t *testing.T) {
	dirs := []string{"."}
	for _, pkg := range internalPackages(t) {
		if pkg != "store" {
			dirs = append(dirs, filepath.Join("internal", pkg))
		}
	}
	for _, dir := range dirs {
		for _, f := range sourceFiles(t, dir) {
			ast.Inspect(f, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.SelectorExpr:
					if id, ok := x.X.(*ast.Ident); ok && id.Name == "sync" && (x.Sel.Name == "Mutex" || x.Sel.Name == "RWMutex") {
						t.Errorf("%s/%s declares a sync.%s: state and its lock belong in the store", dir, f.Name.Name, x.Sel.Name)
					}
				case *ast.CallExpr:
					if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
						switch sel.Sel.Name {
						case "Lock", "RLock", "Unlock", "RUnlock":
							t.Errorf("%s (package %s) calls %s: take the world through store transactions", dir, f.Name.Name, sel.Sel.Name)
						}
					}
				}
				return true
			})
		}
	}
}

// TestLayoutPublicAPI: Echo never appears in the emulator package's
// exported API (Handler returns an http.Handler).
func TestLayoutPublicAPI(t *testing.T) {
	for _, f := range sourceFiles(t, ".") {
		for _, d := range f.Decls {
			var node ast.Node
			switch x := d.(type) {
			case *ast.FuncDecl:
				if !x.Name.IsExported() || (x.Recv != nil && !exportedRecv(x.Recv)) {
					continue
				}
				node = x.Type
			case *ast.GenDecl:
				for _, s := range x.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.IsExported() {
						checkNoEcho(t, ts.Name.Name, ts.Type)
					}
				}
				continue
			}
			checkNoEcho(t, d.(*ast.FuncDecl).Name.Name, node)
		}
	}
}

func exportedRecv(fl *ast.FieldList) bool {
	t := fl.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	id, ok := t.(*ast.Ident)
	return ok && id.IsExported()
}

func checkNoEcho(t *testing.T, name string, n ast.Node) {
	t.Helper()
	ast.Inspect(n, func(n ast.Node) bool {
		if f, ok := n.(*ast.Field); ok && len(f.Names) > 0 && !f.Names[0].IsExported() {
			return false // unexported struct fields are not API
		}
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "echo" {
				t.Errorf("exported %s mentions echo.%s", name, sel.Sel.Name)
			}
		}
		return true
	})
}

// TestLayoutFileSize: no source file over 600 lines; a file that grows past
// it holds more than one thing (split it by what it holds).
func TestLayoutFileSize(t *testing.T) {
	var big []string
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b[:min(len(b), 200)]), "Code generated") {
			return nil
		}
		if n := strings.Count(string(b), "\n"); n > 600 {
			big = append(big, path+": "+strconv.Itoa(n)+" lines")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(big)
	for _, b := range big {
		t.Errorf("%s (limit 600)", b)
	}
}
