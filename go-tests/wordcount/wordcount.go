// Package wordcount counts words. It is here to be tested as any Go package is, with
// `go test`, compiled for wasip1 and run by capwasi (see the README's "Go tests").
package wordcount

import (
	"bufio"
	"io"
)

// Count returns how many times each whitespace-separated word occurs in r.
func Count(r io.Reader) (map[string]int, error) {
	counts := make(map[string]int)
	words := bufio.NewScanner(r)
	words.Split(bufio.ScanWords)
	for words.Scan() {
		counts[words.Text()]++
	}
	return counts, words.Err()
}
