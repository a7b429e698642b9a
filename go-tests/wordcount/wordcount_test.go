package wordcount

import (
	"os"
	"path/filepath"
	"testing"
)

// The fixture is read by a relative path, as Go tests do: the test binary runs in the
// package's directory, which capwasi reaches through a preopen and $PWD.
func TestCountsTheWordsOfAFixture(t *testing.T) {
	f, err := os.Open("testdata/words.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	counts, err := Count(f)
	if err != nil {
		t.Fatal(err)
	}
	if counts["the"] != 3 || counts["fox"] != 1 || len(counts) != 9 {
		t.Errorf("counts = %v, want 3 x the, 1 x fox, 9 distinct words", counts)
	}
}

// t.TempDir is beneath $TMPDIR (else /tmp): writable through the preopen.
func TestCountsAFileWrittenToATempDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.txt")
	if err := os.WriteFile(path, []byte("a b a"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	counts, err := Count(f)
	if err != nil || counts["a"] != 2 || counts["b"] != 1 {
		t.Errorf("counts = %v, %v; want a: 2, b: 1", counts, err)
	}
}
