package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// writeMarkdown writes the table with the machine and the command, ready
// for BENCHMARKS.md.
func (h *harness) writeMarkdown(path string, total time.Duration) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	for _, kv := range [][2]string{
		{"command", "`" + command() + "`"},
		{"machine", machine()},
		{"kernel", kernel()},
		{"Go", goVersion()},
		{"tree", tree()},
		{"date", h.started.Format("2006-01-02 15:04 MST")},
		{"load average at start", h.loadavg},
		{"full run", total.String()},
	} {
		fmt.Fprintf(&b, "| %s | %s |\n", kv[0], strings.ReplaceAll(kv[1], "|", "\\|"))
	}
	fmt.Fprintln(&b)
	fmt.Fprintf(&b, "| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat("---|", len(header)))
	for _, r := range h.rows {
		cells := r.cells()
		for i, c := range cells {
			cells[i] = strings.ReplaceAll(c, "|", "\\|")
		}
		fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintln(&b)
	for _, line := range strings.Split(strings.TrimSpace(legend(h.cfg)), "\n") {
		fmt.Fprintf(&b, "%s\n\n", line)
	}
	if len(h.notes) > 0 {
		fmt.Fprintln(&b, "Notes:")
		fmt.Fprintln(&b)
		for _, n := range h.notes {
			fmt.Fprintf(&b, "- %s\n", strings.ReplaceAll(n, "\n", " "))
		}
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// command is how this run was started.
func command() string {
	args := []string{"go", "run", "./bench"}
	for _, a := range os.Args[1:] {
		if strings.ContainsAny(a, " \t'\"$") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		args = append(args, a)
	}
	return strings.Join(args, " ")
}

func machine() string {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	s := fmt.Sprintf("%s, %d cores (GOMAXPROCS %d)", cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			s += fmt.Sprintf(", %.1f GiB RAM", float64(kb)/(1<<20))
		}
	}
	return s
}

func kernel() string {
	read := func(name string) string {
		b, _ := os.ReadFile("/proc/sys/kernel/" + name)
		return strings.TrimSpace(string(b))
	}
	return fmt.Sprintf("%s %s %s", read("ostype"), read("osrelease"), runtime.GOARCH)
}

// goVersion is the toolchain that built the emulator (go build uses the go
// on PATH, as the harness does).
func goVersion() string {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		return runtime.Version()
	}
	return strings.TrimSpace(string(out))
}

// tree is the commit measured, read without touching the index.
func tree() string {
	git := func(args ...string) (string, error) {
		cmd := exec.Command("git", args...)
		cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0")
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), err
	}
	rev, err := git("rev-parse", "--short", "HEAD")
	if err != nil {
		return "unknown"
	}
	// Untracked files (the BENCHMARKS.md being written, say) are not
	// changes to the code that was measured.
	if st, err := git("status", "--porcelain", "--untracked-files=no"); err == nil && st != "" {
		rev += " with uncommitted changes"
	}
	return rev
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
