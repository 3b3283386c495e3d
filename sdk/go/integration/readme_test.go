package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The README's quick start is a whole program: it is built and run as it is written (only the
// base URL is the test platform's), in a module of its own that requires the SDK by name.
func TestWhenTheReadmeQuickStartRunsThenItPaysAndFindsNoStrangerOrder(t *testing.T) {
	url := baseURL(t)
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := strings.SplitN(string(readme), "## Quick start", 2)[1]
	program := regexp.MustCompile("(?s)```go\n(.*?)```").FindStringSubmatch(section)[1]
	sdk, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	goMod := "module example.com/quickstart\n\ngo 1.23\n\nrequire github.com/disqo-commerce/sdk-go v0.1.0\n\nreplace github.com/disqo-commerce/sdk-go => " + sdk + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goMod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(strings.Replace(program, "http://localhost:8080", url, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || !regexp.MustCompile(`^\d{2,} books; order paid$`).MatchString(lines[0]) || lines[1] != "404 not_found" {
		t.Fatalf("output:\n%s", out)
	}
}
