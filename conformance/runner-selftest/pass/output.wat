;; Writes "out\n" to stdout and "err\n" to stderr, then returns from _start (status 0).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; offset 0: ciovec {32, 4}; offset 8: ciovec {36, 4}; offset 16: nwritten; offset 32: the text
  (data (i32.const 0) "\20\00\00\00\04\00\00\00\24\00\00\00\04\00\00\00")
  (data (i32.const 32) "out\nerr\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
    (drop (call $fd_write (i32.const 2) (i32.const 8) (i32.const 1) (i32.const 16)))))
