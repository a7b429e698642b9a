;; Dagger: opens stdout:// and writes "hello, world\n" to it, flushes and
;; closes it. Exits with the number of the first call that failed.
;; Hand-written; scripts/build-guests runs wat2wasm on it.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (import "dagger" "flush" (func $flush (param i32) (result i32)))
  (import "dagger" "close" (func $close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "stdout://")
  (data (i32.const 16) "hello, world\n")
  (func (export "_start")
    (local $fd i32)
    (local.set $fd (call $open (i32.const 0) (i32.const 9)))
    (if (i32.lt_s (local.get $fd) (i32.const 0)) (then unreachable))
    (if (i32.ne (call $write (local.get $fd) (i32.const 16) (i32.const 13)) (i32.const 13)) (then unreachable))
    (if (call $flush (local.get $fd)) (then unreachable))
    (if (call $close (local.get $fd)) (then unreachable))))
