;; Dagger files, read-only beneath the preopens: reads file:///data/digits.txt
;; (unstable.dir, preopened as /data) and copies it to stdout with a newline;
;; the descriptor is the lowest free one (stdio 0-2, the preopen 3: 4), and
;; writing to it fails (-1). Then file:///data/../unstable.dir/digits.txt,
;; which leaves the preopen, and file:///elsewhere/x, beneath no preopen, fail
;; to open (-2), as does a missing file. Traps at the first failed check.
;; Hand-written; scripts/build-guests runs wat2wasm on it.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (import "dagger" "close" (func $close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "file:///data/digits.txt")
  (data (i32.const 32) "file:///data/../unstable.dir/digits.txt")
  (data (i32.const 80) "file:///elsewhere/x")
  (data (i32.const 112) "file:///data/missing.txt")
  (data (i32.const 140) "stdout://")
  (data (i32.const 150) "\n")
  (func $expect (param $got i32) (param $want i32) (param $check i32)
    (if (i32.ne (local.get $got) (local.get $want)) (then (unreachable))))
  (func (export "_start")
    (local $fd i32) (local $out i32) (local $n i32)
    (local.set $fd (call $open (i32.const 0) (i32.const 23)))
    (call $expect (local.get $fd) (i32.const 4) (i32.const 1))
    (local.set $n (call $read (local.get $fd) (i32.const 1024) (i32.const 100)))
    (call $expect (local.get $n) (i32.const 10) (i32.const 2))
    (call $expect (call $read (local.get $fd) (i32.const 1024) (i32.const 100)) (i32.const 0) (i32.const 3))
    (call $expect (call $write (local.get $fd) (i32.const 1024) (i32.const 1)) (i32.const -1) (i32.const 4))
    (call $expect (call $close (local.get $fd)) (i32.const 0) (i32.const 5))
    (call $expect (call $open (i32.const 32) (i32.const 39)) (i32.const -2) (i32.const 6))
    (call $expect (call $open (i32.const 80) (i32.const 19)) (i32.const -2) (i32.const 7))
    (call $expect (call $open (i32.const 112) (i32.const 24)) (i32.const -2) (i32.const 8))
    (local.set $out (call $open (i32.const 140) (i32.const 9)))
    (drop (call $write (local.get $out) (i32.const 1024) (local.get $n)))
    (drop (call $write (local.get $out) (i32.const 150) (i32.const 1)))))
