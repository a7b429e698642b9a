// Package report prints what a call did in the form the Rust tests assert:
// "ok", or the WASI errno's name and Go's message for it.
package report

import (
	"errors"
	"fmt"
	"syscall"
)

// The errnos these guests expect, by their WASI names (syscall/tables_wasip1.go).
var names = map[syscall.Errno]string{
	syscall.EACCES:      "EACCES",
	syscall.EBADF:       "EBADF",
	syscall.EEXIST:      "EEXIST",
	syscall.EINVAL:      "EINVAL",
	syscall.EISDIR:      "EISDIR",
	syscall.ENOENT:      "ENOENT",
	syscall.ENOTCAPABLE: "ENOTCAPABLE",
	syscall.ENOTDIR:     "ENOTDIR",
	syscall.EPERM:       "EPERM",
}

// Result is "ok" for a nil error, "NAME (message)" for an errno, and the
// error's text for anything else.
func Result(err error) string {
	if err == nil {
		return "ok"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		name, known := names[errno]
		if !known {
			name = fmt.Sprintf("errno %d", uint16(errno))
		}
		return fmt.Sprintf("%s (%v)", name, errno)
	}
	return err.Error()
}

// Line prints "what: result".
func Line(what string, err error) {
	fmt.Printf("%s: %s\n", what, Result(err))
}
