;; CommonWA through the `env` alias: writes "hello through env\n" to an
;; io_get_stdout handle. Hand-written; scripts/build-guests runs wat2wasm on it.
(module
  (import "env" "io_get_stdout" (func $stdout (result i32)))
  (import "env" "resource_write" (func $write (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hello through env\n")
  (func (export "_start")
    (if (i32.ne (call $write (call $stdout) (i32.const 0) (i32.const 18)) (i32.const 18)) (then unreachable))))
