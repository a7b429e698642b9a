// fs_reads DIR: os.Open, os.ReadFile, os.ReadDir, os.Stat and fs.WalkDir read the tree at DIR
// (go-tests/testdata/tree.dir), which may be a read-only preopen: reading needs no write access.
package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"capwasi.test/go-tests/internal/report"
)

func main() {
	dir := os.Args[1]

	f, err := os.Open(path.Join(dir, "hello.txt"))
	report.Line("os.Open hello.txt", err)
	if err == nil {
		data, err := io.ReadAll(f)
		fmt.Printf("read: %q, %s\n", data, report.Result(err))
		report.Line("Close", f.Close())
	}

	data, err := os.ReadFile(path.Join(dir, "sub/inner.txt"))
	fmt.Printf("os.ReadFile sub/inner.txt: %q, %s\n", data, report.Result(err))

	entries, err := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			name += "/"
		} else if e.Type()&fs.ModeSymlink != 0 {
			name += "@"
		}
		names = append(names, name)
	}
	fmt.Printf("os.ReadDir: %s, %s\n", strings.Join(names, " "), report.Result(err))

	for _, name := range []string{"hello.txt", "sub", "link"} {
		info, err := os.Stat(path.Join(dir, name))
		if err != nil {
			report.Line("os.Stat "+name, err)
			continue
		}
		switch {
		case info.IsDir():
			fmt.Printf("os.Stat %s: directory\n", name)
		case info.Mode().IsRegular():
			fmt.Printf("os.Stat %s: regular file, %d bytes\n", name, info.Size())
		default:
			fmt.Printf("os.Stat %s: mode %v\n", name, info.Mode())
		}
	}

	var walked []string
	err = fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		walked = append(walked, p)
		return err
	})
	fmt.Printf("fs.WalkDir: %s, %s\n", strings.Join(walked, " "), report.Result(err))
}
