// sleep MS: time.Sleep blocks at least the time asked (a poll_oneoff clock subscription), as
// Go's monotonic clock measures it.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	ms, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Println("usage: sleep MILLISECONDS")
		os.Exit(2)
	}
	asked := time.Duration(ms) * time.Millisecond
	start := time.Now()
	time.Sleep(asked)
	if slept := time.Since(start); slept < asked {
		fmt.Printf("slept %v, less than the %v asked\n", slept, asked)
		os.Exit(1)
	}
	fmt.Printf("slept at least %v\n", asked)
}
