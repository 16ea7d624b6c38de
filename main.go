// Command authkit-emulator runs a local, deterministic WorkOS AuthKit for
// automated tests.
//
//	authkit-emulator [serve] [--fixtures PATH] [--addr HOST:PORT] [--public-url URL] [--issuer URL]
//	authkit-emulator validate PATH
//	authkit-emulator healthcheck [--url URL]
//	authkit-emulator version
//
// Every serve flag can also be set with an AUTHKIT_EMULATOR_* environment
// variable (flags win).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code, so tests can
// drive every subcommand.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && (!strings.HasPrefix(args[0], "-") || isHelp(args[0])) {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, stderr)
	case "validate":
		return validate(args, stdout, stderr)
	case "healthcheck":
		return healthcheck(args, stderr)
	case "schema":
		return schema(args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "authkit-emulator", fullVersion())
		return 0
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "authkit-emulator: unknown command %q\n", cmd)
	usage(stderr)
	return 2
}

// isHelp reports whether an argument asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

// otherSections lists the non-empty fixture sections beyond the six the
// summary always names (connections, directories, webhook endpoints, ...),
// so a file that seeds only those does not look empty.
func otherSections(set *fixtures.Set, core map[string]int) string {
	if set == nil {
		return ""
	}
	counts := set.Counts()
	keys := make([]string, 0, len(counts))
	for k, n := range counts {
		if _, named := core[k]; !named && n > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, ", %d %s", counts[k], k)
	}
	return b.String()
}

// usage prints the commands and the serve flags: what `--help` answers.
func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  authkit-emulator [serve] [flags]       run the emulator (default command)
  authkit-emulator validate PATH         check a fixture file or directory, as serve would load it
  authkit-emulator healthcheck [--url U] exit 0 when the emulator answers /_emulator/health
  authkit-emulator schema [--out FILE]   print the JSON Schema of fixture files (for editors)
  authkit-emulator version               print the version

serve flags (each also an AUTHKIT_EMULATOR_* environment variable; flags win):
`)
	fs, _ := serveFlagSet(&serveFlags{})
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func fullVersion() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok && v == "dev" {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return v
}

// env reads an AUTHKIT_EMULATOR_* variable.
func env(name, def string) string {
	if v, ok := os.LookupEnv("AUTHKIT_EMULATOR_" + name); ok {
		return v
	}
	return def
}

type serveFlags struct {
	fixtures, addr, publicURL, issuer, logFormat, logLevel, controlToken, allowedHosts, exportOnExit string
	control                                                                                          bool
}

// serveFlagSet declares the serve flags, with defaults from the
// environment.
func serveFlagSet(f *serveFlags) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&f.fixtures, "fixtures", env("FIXTURES", ""), "fixture file or directory (env AUTHKIT_EMULATOR_FIXTURES); default: the embedded default world")
	fs.StringVar(&f.addr, "addr", env("ADDR", "127.0.0.1:8484"), "listen address (env AUTHKIT_EMULATOR_ADDR)")
	fs.StringVar(&f.publicURL, "public-url", env("PUBLIC_URL", ""), "base of every URL handed out (env AUTHKIT_EMULATOR_PUBLIC_URL); default: environment.public_url, else http://<addr>")
	fs.StringVar(&f.issuer, "issuer", env("ISSUER", ""), "iss of Connect tokens and discovery (env AUTHKIT_EMULATOR_ISSUER); default: environment.issuer, else the public URL")
	fs.StringVar(&f.logFormat, "log-format", env("LOG_FORMAT", "text"), "text or json (env AUTHKIT_EMULATOR_LOG_FORMAT)")
	fs.StringVar(&f.logLevel, "log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (env AUTHKIT_EMULATOR_LOG_LEVEL)")
	control, err := strconv.ParseBool(env("CONTROL", "true"))
	if err != nil {
		err = fmt.Errorf("AUTHKIT_EMULATOR_CONTROL=%q is not a boolean", env("CONTROL", ""))
	}
	fs.BoolVar(&f.control, "control", control, "serve the /_emulator control plane (env AUTHKIT_EMULATOR_CONTROL)")
	fs.StringVar(&f.controlToken, "control-token", env("CONTROL_TOKEN", ""), "require this Bearer token on the control plane (env AUTHKIT_EMULATOR_CONTROL_TOKEN)")
	fs.StringVar(&f.exportOnExit, "export-on-exit", env("EXPORT_ON_EXIT", ""), "on shutdown, write the world as a fixture file (a snapshot) to this path (env AUTHKIT_EMULATOR_EXPORT_ON_EXIT)")
	fs.StringVar(&f.allowedHosts, "allowed-hosts", env("ALLOWED_HOSTS", ""), "comma-separated Host names to answer besides the public URL's host, IP addresses and names without a dot; * for any (env AUTHKIT_EMULATOR_ALLOWED_HOSTS)")
	return fs, err
}

// errReported is a flag error the flag package already printed (with the
// usage): the caller only sets the exit code.
var errReported = errors.New("reported")

func parseServeFlags(args []string, stderr io.Writer) (*serveFlags, error) {
	f := &serveFlags{}
	fs, err := serveFlagSet(f)
	if err != nil {
		return nil, err
	}
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errReported
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return f, nil
}

func newLogger(format, level string, w io.Writer) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: use text or json", format)
}

// loadFixtures loads the fixture path; an empty path, or an empty directory
// (the image's /fixtures when nothing is mounted), means the default world.
func loadFixtures(path string, log *slog.Logger) (*fixtures.Set, error) {
	if path == "" {
		return fixtures.Default(), nil
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() && !hasFixtureFiles(path) {
		log.Warn("no fixture files in the fixtures directory: serving the embedded default world", slog.String("fixtures", path))
		return fixtures.Default(), nil
	}
	return fixtures.Load(path)
}

func hasFixtureFiles(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		n := strings.ToLower(e.Name())
		if !e.IsDir() && (strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".json")) {
			return true
		}
	}
	return false
}

// publicURLFor derives the public URL from a listen address when nothing
// configures one: an unspecified host (0.0.0.0, ::) becomes 127.0.0.1.
func publicURLFor(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return emulator.DefaultPublicURL
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func serve(args []string, stderr io.Writer) int {
	f, err := parseServeFlags(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errReported):
		return 2
	case err != nil:
		fmt.Fprintln(stderr, "authkit-emulator:", err)
		return 2
	}
	logOut := newBufferedLog(stderr)
	defer logOut.Close()
	log, err := newLogger(f.logFormat, f.logLevel, logOut)
	if err != nil {
		fmt.Fprintln(stderr, "authkit-emulator:", err)
		return 2
	}
	set, err := loadFixtures(f.fixtures, log)
	if err != nil {
		fmt.Fprintln(stderr, "authkit-emulator: invalid fixtures:")
		fmt.Fprintln(stderr, err)
		return 1
	}
	publicURL := f.publicURL
	if publicURL == "" && set.Environment.PublicURL == "" {
		publicURL = publicURLFor(f.addr)
	}
	srv, err := emulator.New(emulator.Config{Fixtures: set, PublicURL: publicURL, Issuer: f.issuer, Logger: log,
		DisableControl: !f.control, ControlToken: f.controlToken, AllowedHosts: splitList(f.allowedHosts), Version: fullVersion()})
	if err != nil {
		fmt.Fprintln(stderr, "authkit-emulator: cannot start:")
		fmt.Fprintln(stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		fmt.Fprintln(stderr, "authkit-emulator:", err)
		return 1
	}
	if host, _, _ := net.SplitHostPort(f.addr); !isLoopback(host) && os.Getenv("AUTHKIT_EMULATOR_IMAGE") == "" {
		log.Warn("listening beyond loopback: this is a test tool with public test keys; anyone who can reach it can mint tokens",
			slog.String("addr", f.addr))
	}
	hs := emulator.NewHTTPServer(srv)
	counts := srv.Counts()
	attrs := []any{slog.String("url", srv.PublicURL()), slog.String("addr", ln.Addr().String()),
		slog.String("issuer", srv.Issuer()), slog.String("user_management_issuer", srv.UserManagementIssuer()),
		slog.String("client_id", srv.ClientID()), slog.String("version", fullVersion()), slog.Bool("control", f.control)}
	for _, k := range []string{"applications", "users", "organizations", "memberships", "roles", "sessions"} {
		attrs = append(attrs, slog.Int(k, counts[k]))
	}
	log.Info("authkit-emulator ready", attrs...)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	// Parsing a large fixture leaves tens of MB of garbage (YAML trees,
	// intermediate slices) that the runtime returns to the OS only slowly:
	// an idle emulator seeded with 10,000 users sat at 52 or 89 MiB
	// depending on when the scavenger ran. Hand it back once, after the
	// listener is serving, so startup does not wait for the collection.
	go debug.FreeOSMemory()
	select {
	case err := <-errc:
		log.Error("server stopped", slog.String("err", err.Error()))
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down", slog.Duration("accept_grace", acceptGrace), slog.Duration("drain", drainTime))
	shutdown(hs, log)
	srv.Close()
	if f.exportOnExit != "" {
		// After the drain: the snapshot has every request that was served.
		doc, err := srv.Snapshot()
		if err == nil {
			err = os.WriteFile(f.exportOnExit, doc, 0o644)
		}
		if err != nil {
			log.Error("cannot write the snapshot", slog.String("path", f.exportOnExit), slog.String("err", err.Error()))
			return 1
		}
		log.Info("snapshot written", slog.String("path", f.exportOnExit))
	}
	return 0
}

// The shutdown's two phases, documented in docs/cli.md.
const (
	// acceptGrace keeps accepting after the signal: connections the kernel
	// already queued (requests sent just before it) are served instead of
	// reset when the listener closes.
	acceptGrace = 250 * time.Millisecond
	// drainTime is how long requests in flight may take to finish before
	// their connections are closed.
	drainTime = 5 * time.Second
)

// shutdown stops serving gracefully: keep-alives off, a short grace for
// queued connections, then a bounded drain of requests in flight, then
// whatever is left (a client sending its body slowly) is closed. A test
// tool that is told to stop has stopped well: it exits 0 either way.
func shutdown(hs *http.Server, log *slog.Logger) {
	hs.SetKeepAlivesEnabled(false)
	t := time.NewTimer(acceptGrace)
	<-t.C
	ctx, cancel := context.WithTimeout(context.Background(), drainTime)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		log.Warn("requests still in flight after the drain: closing their connections", slog.Duration("drain", drainTime))
		_ = hs.Close()
	}
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validate loads fixtures the way serve does (including signing keys, and
// the default world for an empty directory) and prints every problem, or a
// summary.
func validate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: authkit-emulator validate PATH\n\nChecks a fixture file, or a directory of *.yaml, *.yml and *.json files,\nand prints every problem as file:line: path: message (exit 1), or a summary (exit 0).")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	path := fs.Arg(0)
	var notes bytes.Buffer
	set, err := loadFixtures(path, slog.New(slog.NewTextHandler(&notes, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if notes.Len() > 0 {
		fmt.Fprintf(stdout, "%s: no fixture files: serve uses the embedded default world\n", path)
	}
	if err == nil {
		var srv *emulator.Server
		if srv, err = emulator.New(emulator.Config{Fixtures: set}); err == nil {
			c := srv.Counts()
			fmt.Fprintf(stdout, "%s: valid: %d applications, %d users, %d organizations, %d roles, %d memberships, %d sessions%s\n",
				path, c["applications"], c["users"], c["organizations"], c["roles"], c["memberships"], c["sessions"], otherSections(set, c))
			return 0
		}
	}
	var ps fixtures.Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			fmt.Fprintln(stdout, p)
		}
		fmt.Fprintf(stdout, "%d problem(s)\n", len(ps))
		return 1
	}
	fmt.Fprintln(stdout, err)
	return 1
}

// healthcheck exits 0 only when /_emulator/health answers 200. The image's
// HEALTHCHECK runs it: a scratch image has no shell or curl.
func healthcheck(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "", "base URL of the emulator; default: from AUTHKIT_EMULATOR_ADDR, else http://127.0.0.1:8484")
	timeout := fs.Duration("timeout", 2*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	base := *url
	if base == "" {
		base = publicURLFor(env("ADDR", "127.0.0.1:8484"))
	}
	client := &http.Client{Timeout: *timeout}
	resp, err := client.Get(strings.TrimRight(base, "/") + "/_emulator/health")
	if err != nil {
		fmt.Fprintln(stderr, "unhealthy:", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(stderr, "unhealthy: status", resp.StatusCode)
		return 1
	}
	return 0
}

// schema prints the JSON Schema of fixture files (draft 2020-12), or
// writes it to --out (go generate keeps docs/fixtures.schema.json).
func schema(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("schema", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "write the schema to this file instead of standard output")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	doc, err := fixtures.JSONSchema()
	if err != nil {
		fmt.Fprintln(stderr, "authkit-emulator schema:", err)
		return 1
	}
	if *out == "" {
		_, _ = stdout.Write(doc)
		return 0
	}
	if err := os.WriteFile(*out, doc, 0o644); err != nil {
		fmt.Fprintln(stderr, "authkit-emulator schema:", err)
		return 1
	}
	return 0
}
