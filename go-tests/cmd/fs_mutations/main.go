// fs_mutations DIR: each of Go's file-changing calls, once, on the tree at DIR
// (go-tests/testdata/tree.dir). Beneath a writable preopen each succeeds; beneath a read-only
// one each is refused with ENOTCAPABLE, and only the read (os.Readlink) succeeds.
package main

import (
	"fmt"
	"os"
	"path"
	"time"

	"capwasi.test/go-tests/internal/report"
)

func main() {
	dir := os.Args[1]
	at := func(name string) string { return path.Join(dir, name) }

	report.Line("os.WriteFile new.txt", os.WriteFile(at("new.txt"), []byte("written by Go\n"), 0o644))
	report.Line("os.Mkdir newdir", os.Mkdir(at("newdir"), 0o755))
	report.Line("os.Rename old.txt renamed.txt", os.Rename(at("old.txt"), at("renamed.txt")))
	report.Line("os.Remove victim.txt", os.Remove(at("victim.txt")))
	report.Line("os.Symlink hello.txt made-link", os.Symlink("hello.txt", at("made-link")))
	target, err := os.Readlink(at("link"))
	fmt.Printf("os.Readlink link: %q, %s\n", target, report.Result(err))
	atime := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	mtime := time.Date(2002, 3, 4, 5, 6, 7, 800, time.UTC)
	report.Line("os.Chtimes times.txt", os.Chtimes(at("times.txt"), atime, mtime))
	report.Line("os.Truncate trunc.txt 3", os.Truncate(at("trunc.txt"), 3))
}
