package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// A proc is one server process (the emulator or the baseline) on a free
// loopback port.
type proc struct {
	name    string
	pid     int
	url     string // http://127.0.0.1:PORT
	startup time.Duration
	logPath string // its stdout and stderr

	cmd  *exec.Cmd
	done chan struct{} // closed when it exited
	err  error         // why it exited, once done is closed
}

// children is every process the harness started and has not stopped: they
// are all killed on exit, on Ctrl-C and on failure.
var children = struct {
	sync.Mutex
	live map[*proc]bool
}{live: map[*proc]bool{}}

func killChildren() {
	children.Lock()
	defer children.Unlock()
	for p := range children.live {
		_ = p.cmd.Process.Kill()
	}
}

// buildEmulator compiles the module root (the emulator's main package) into
// dir and returns the binary's path.
func buildEmulator(dir string) (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the authkit-emulator module: run the harness from the repository")
	}
	bin := filepath.Join(dir, "authkit-emulator")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Dir(gomod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// validateFixture runs `<bin> validate PATH`.
func validateFixture(bin, path string) error {
	out, err := exec.Command(bin, "validate", path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s validate %s: %v\n%s", bin, path, err, out)
	}
	return nil
}

// freePort asks the kernel for a free loopback port. The child binds it a
// moment later; startProc retries when another process was faster.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, nil
}

// startProc execs bin with args plus --addr on a free port and waits for
// the first 200 on /_emulator/health, polled every millisecond; startup is
// the time from exec to that answer. Both the emulator and the baseline
// answer that path.
func startProc(name, bin string, args []string, logDir string) (*proc, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		p, err := startOnce(name, bin, args, logDir)
		if err == nil {
			return p, nil
		}
		lastErr = err
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	return nil, lastErr
}

var logSeq struct {
	sync.Mutex
	n int
}

// serverProcs is the GOMAXPROCS of server processes (0: the Go default).
var serverProcs int

// defaultServerProcs keeps one core for the load generator.
func defaultServerProcs() int {
	if n := runtime.NumCPU(); n >= 2 {
		return n - 1
	}
	return 0
}

func startOnce(name, bin string, args []string, logDir string) (*proc, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	logSeq.Lock()
	logSeq.n++
	logPath := filepath.Join(logDir, fmt.Sprintf("%03d-%s.log", logSeq.n, strings.ReplaceAll(name, " ", "_")))
	logSeq.Unlock()
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own descriptor

	cmd := exec.Command(bin, append(append([]string{}, args...), "--addr", addr)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if serverProcs > 0 {
		// Leave the load generator a core of its own: on a small machine a
		// saturated server and the client measuring it would otherwise
		// take turns on the same cores, and the client's own scheduling
		// delays would show up as the server's tail latency.
		cmd.Env = append(os.Environ(), fmt.Sprintf("GOMAXPROCS=%d", serverProcs))
	}
	// The kernel kills the child if the harness dies without cleaning up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p := &proc{name: name, url: "http://" + addr, logPath: logPath, cmd: cmd, done: make(chan struct{})}

	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %v", name, err)
	}
	p.pid = cmd.Process.Pid
	children.Lock()
	children.live[p] = true
	children.Unlock()
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()

	if err := p.waitHealthy(t0, 60*time.Second); err != nil {
		p.stop()
		return nil, fmt.Errorf("%s: %v\n%s", name, err, p.logTail(2000))
	}
	return p, nil
}

// healthClient polls without keep-alive: each poll is a fresh connection,
// as a readiness probe makes.
var healthClient = &http.Client{
	Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
	Timeout:   2 * time.Second,
}

func (p *proc) waitHealthy(t0 time.Time, timeout time.Duration) error {
	url := p.url + "/_emulator/health"
	for {
		resp, err := healthClient.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.startup = time.Since(t0)
				return nil
			}
		}
		select {
		case <-p.done:
			return fmt.Errorf("exited before it was healthy: %v", p.err)
		default:
		}
		if time.Since(t0) > timeout {
			return fmt.Errorf("not healthy after %v (last: %v)", timeout, err)
		}
		time.Sleep(time.Millisecond)
	}
}

// alive reports an error when the process has exited (it should not have).
func (p *proc) alive() error {
	select {
	case <-p.done:
		return fmt.Errorf("%s exited: %v\n%s", p.name, p.err, p.logTail(2000))
	default:
		return nil
	}
}

// stop kills the process and waits for it.
func (p *proc) stop() {
	_ = p.cmd.Process.Kill()
	<-p.done
	children.Lock()
	delete(children.live, p)
	children.Unlock()
}

// logTail is what the process wrote (at --log-level warn the emulator
// writes nothing while it works well).
func (p *proc) logTail(n int) string {
	b, _ := os.ReadFile(p.logPath)
	return tail(strings.TrimSpace(string(b)), n)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
