;; Writes "hello, world\n" to stdout through snapshot 0 (`wasi_unstable`), as the
;; first WASI programs did. Hand-written; scripts/build-guests runs wat2wasm on it.
(module
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; offset 0: one ciovec {buf = 16, buf_len = 13}; offset 8: nwritten; offset 16: the text
  (data (i32.const 0) "\10\00\00\00\0d\00\00\00")
  (data (i32.const 16) "hello, world\n")
  (func (export "_start")
    (if (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))
      (then unreachable))))
