//go:build failing

package wordcount

import (
	"strings"
	"testing"
)

// Built only with `-tags failing`: shows that a failing test makes `go test` fail when the
// test binary runs under capwasi (tests/go_test_exec.rs).
func TestFailsOnPurpose(t *testing.T) {
	counts, _ := Count(strings.NewReader("one"))
	if counts["one"] != 2 {
		t.Errorf("counts[\"one\"] = %d, want 2 (this test fails on purpose)", counts["one"])
	}
}
