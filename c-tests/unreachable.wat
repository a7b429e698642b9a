;; Writes "before trap\n" to stdout with fd_write, then traps on `unreachable`.
;; Hand-written; scripts/build-guests runs `wat2wasm unreachable.wat -o unreachable.wasm`.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param $fd i32) (param $iovs i32) (param $iovs_len i32) (param $nwritten i32)
                    (result i32)))
  (memory (export "memory") 1)
  ;; offset 0: one ciovec {buf = 16, buf_len = 12}; offset 8: nwritten; offset 16: the text
  (data (i32.const 0) "\10\00\00\00\0c\00\00\00")
  (data (i32.const 16) "before trap\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    unreachable))
