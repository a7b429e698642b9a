// deep_recursion DEPTH: a plain recursion DEPTH calls deep. Every Go call is also a wasm
// call, so a deep one needs a wasm stack larger than wasmtime's default 512 KiB (Go's own
// runner gives 8 MiB): past the limit the guest traps with "call stack exhausted".
package main

import (
	"fmt"
	"os"
	"strconv"
)

//go:noinline
func depth(n int) int {
	if n == 0 {
		return 0
	}
	return depth(n-1) + 1
}

func main() {
	n, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Println("usage: deep_recursion DEPTH")
		os.Exit(2)
	}
	fmt.Printf("recursed %d calls deep\n", depth(n))
}
