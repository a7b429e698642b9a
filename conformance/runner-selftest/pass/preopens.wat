;; Prints the guest name of preopens fd 3 and fd 4, one per line: the spec's `dirs` come first
;; (under their own names), then `root` (as "/").
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; offset 0: ciovec {256, name length}; offset 8: ciovec {96, 1}; offset 16: nwritten;
  ;; offset 32: prestat (tag u8, name length u32 at 36); offset 96: "\n"; offset 256: the name
  (data (i32.const 96) "\n")
  (func $print_preopen (param $fd i32)
    (if (call $prestat_get (local.get $fd) (i32.const 32)) (then (call $proc_exit (i32.const 1))))
    (if (call $prestat_dir_name (local.get $fd) (i32.const 256) (i32.load (i32.const 36)))
      (then (call $proc_exit (i32.const 2))))
    (i32.store (i32.const 0) (i32.const 256))
    (i32.store (i32.const 4) (i32.load (i32.const 36)))
    (i32.store (i32.const 8) (i32.const 96))
    (i32.store (i32.const 12) (i32.const 1))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 2) (i32.const 16))))
  (func (export "_start")
    (call $print_preopen (i32.const 3))
    (call $print_preopen (i32.const 4))))
