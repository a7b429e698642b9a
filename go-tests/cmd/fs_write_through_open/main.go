// fs_write_through_open FILE: a file opened with os.Open is read-only, as on Linux: writing
// through it fails with EBADF ("Bad file number" in Go's wasip1 errno table) and changes
// nothing, while reading through it works.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"capwasi.test/go-tests/internal/report"
)

func main() {
	f, err := os.Open(os.Args[1])
	report.Line("os.Open", err)
	if err != nil {
		os.Exit(1)
	}
	_, err = f.Write([]byte("overwritten"))
	report.Line("Write", err)
	fmt.Printf("Write error: %v; errors.Is EBADF: %v\n", err, errors.Is(err, syscall.EBADF))
	_, err = f.WriteAt([]byte("overwritten"), 0)
	report.Line("WriteAt", err)
	data, err := io.ReadAll(f)
	fmt.Printf("read: %q, %s\n", data, report.Result(err))
}
