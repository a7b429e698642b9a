;; A module importing both snapshot 0 (`wasi_unstable`) and preview1: capwasi
;; serves both from one context. Writes one line through each, then closes
;; stdout (fd 1) through preview1 and checks snapshot 0 sees it closed (EBADF,
;; 8): one descriptor table. Exits 0, or with the number of the failed check.
;; Hand-written; scripts/build-guests runs wat2wasm on it.
(module
  (import "wasi_unstable" "fd_write" (func $write0 (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write1 (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close1 (param i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: ciovec {buf = 32, len = 14}; 16: ciovec {buf = 48, len = 14}; 8: nwritten
  (data (i32.const 0) "\20\00\00\00\0e\00\00\00")
  (data (i32.const 16) "\30\00\00\00\0e\00\00\00")
  (data (i32.const 32) "wasi_unstable\n")
  (data (i32.const 48) "preview1 also\n")
  (func (export "_start")
    (if (call $write0 (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)) (then (call $proc_exit (i32.const 1))))
    (if (call $write1 (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8)) (then (call $proc_exit (i32.const 2))))
    (if (call $close1 (i32.const 1)) (then (call $proc_exit (i32.const 3))))
    (if (i32.ne (call $write0 (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)) (i32.const 8))
      (then (call $proc_exit (i32.const 4))))))
