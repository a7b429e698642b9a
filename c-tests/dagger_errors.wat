;; Dagger's errors: not a URL and a URL out of memory (-1), unknown schemes
;; (gopher://, ftp://: -3), a bad descriptor for close, read, write
;; and flush (-1), a read into a buffer out of memory (-1). Prints "ok", or
;; traps at the first failed check. Hand-written; scripts/build-guests runs
;; wat2wasm on it.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "close" (func $close (param i32) (result i32)))
  (import "dagger" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (import "dagger" "flush" (func $flush (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "nonsense")
  (data (i32.const 16) "gopher://example/")
  (data (i32.const 48) "ftp://127.0.0.1:1/")
  (data (i32.const 80) "stdout://")
  (data (i32.const 96) "ok\n")
  (data (i32.const 112) "stdin://")
  (func $expect (param $got i32) (param $want i32)
    (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))
  (func (export "_start")
    (call $expect (call $open (i32.const 0) (i32.const 8)) (i32.const -1))
    (call $expect (call $open (i32.const 65530) (i32.const 100)) (i32.const -1))
    (call $expect (call $open (i32.const 16) (i32.const 17)) (i32.const -3))
    (call $expect (call $open (i32.const 48) (i32.const 18)) (i32.const -3))
    (call $expect (call $close (i32.const 99)) (i32.const -1))
    (call $expect (call $read (i32.const 99) (i32.const 200) (i32.const 4)) (i32.const -1))
    (call $expect (call $write (i32.const 99) (i32.const 200) (i32.const 4)) (i32.const -1))
    (call $expect (call $flush (i32.const 99)) (i32.const -1))
    (call $expect (call $read (call $open (i32.const 112) (i32.const 8)) (i32.const 65530) (i32.const 100)) (i32.const -1))
    (call $expect (call $write (call $open (i32.const 80) (i32.const 9)) (i32.const 96) (i32.const 3)) (i32.const 3))))
