// relative_paths: Go resolves relative paths against $PWD (its wasip1 port keeps the working
// directory itself), beneath whichever preopen holds it; ".." stays inside the preopen. Run
// with PWD set to the tree's sub/ directory (go-tests/testdata/tree.dir).
package main

import (
	"fmt"
	"os"

	"capwasi.test/go-tests/internal/report"
)

func main() {
	wd, err := os.Getwd()
	fmt.Printf("os.Getwd: %s, %s\n", wd, report.Result(err))
	read := func(name string) {
		data, err := os.ReadFile(name)
		fmt.Printf("os.ReadFile %s: %q, %s\n", name, data, report.Result(err))
	}
	read("inner.txt")
	read("../hello.txt")
	report.Line("os.WriteFile made-here.txt", os.WriteFile("made-here.txt", []byte("relative\n"), 0o644))
	report.Line("os.Chdir ..", os.Chdir(".."))
	wd, err = os.Getwd()
	fmt.Printf("os.Getwd: %s, %s\n", wd, report.Result(err))
	read("sub/made-here.txt")
}
