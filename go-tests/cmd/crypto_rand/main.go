// crypto_rand: crypto/rand reads bytes from random_get; two reads of 32 bytes differ and are
// not all zero (else the exit status is 1), and rand.Text gives a 26-character key.
package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"os"
)

func main() {
	a, b := make([]byte, 32), make([]byte, 32)
	if _, err := rand.Read(a); err != nil {
		fmt.Println("rand.Read:", err)
		os.Exit(1)
	}
	if _, err := rand.Read(b); err != nil {
		fmt.Println("rand.Read:", err)
		os.Exit(1)
	}
	fmt.Printf("%x\n%x\n", a, b)
	differ, zero := !bytes.Equal(a, b), bytes.Equal(a, make([]byte, 32))
	fmt.Printf("differ: %v, all zero: %v\n", differ, zero)
	fmt.Printf("rand.Text: %d characters\n", len(rand.Text()))
	if !differ || zero {
		os.Exit(1)
	}
}
