;; Dagger through the `env` alias: log://?prefix=greeter turns each write into
;; one line on stderr ("NAME: greeter: text"); two writes, two lines.
;; Hand-written; scripts/build-guests runs wat2wasm on it.
(module
  (import "env" "open" (func $open (param i32 i32) (result i32)))
  (import "env" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "log://?prefix=greeter")
  (data (i32.const 32) "hello\n")
  (data (i32.const 48) "second line")
  (func (export "_start")
    (local $fd i32)
    (local.set $fd (call $open (i32.const 0) (i32.const 21)))
    (if (i32.lt_s (local.get $fd) (i32.const 0)) (then unreachable))
    (if (i32.ne (call $write (local.get $fd) (i32.const 32) (i32.const 6)) (i32.const 6)) (then unreachable))
    (if (i32.ne (call $write (local.get $fd) (i32.const 48) (i32.const 11)) (i32.const 11)) (then unreachable))))
