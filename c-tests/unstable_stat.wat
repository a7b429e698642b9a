;; path_filestat_get and fd_filestat_get through snapshot 0, whose filestat is
;; 56 bytes (preview1's is 64): dev @0, ino @8, filetype u8 @16, nlink u32 @20,
;; size @24, atim @32, mtim @40, ctim @48. Reads unstable.dir/digits.txt (10
;; bytes). A result buffer in the last 56 bytes of memory is in bounds; the 8
;; bytes after a 56-byte result are left alone. Prints "ok", or exits with the
;; number of the first failed check. Hand-written; scripts/build-guests runs
;; wat2wasm on it.
(module
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 24: the opened fd; 200: the name; 300: ciovec {buf = 308, len = 3} "ok\n"
  (data (i32.const 200) "digits.txt")
  (data (i32.const 300) "\34\01\00\00\03\00\00\00ok\n")

  (func $check (param $got i64) (param $want i64) (param $code i32)
    (if (i64.ne (local.get $got) (local.get $want)) (then (call $proc_exit (local.get $code)))))
  ;; The fields of the filestat at `at` are those of a 10-byte regular file with one link.
  (func $check_stat (param $at i32) (param $code i32)
    (call $check (i64.load8_u offset=16 (local.get $at)) (i64.const 4) (local.get $code))
    (call $check (i64.load32_u offset=20 (local.get $at)) (i64.const 1) (i32.add (local.get $code) (i32.const 2)))
    (call $check (i64.load offset=24 (local.get $at)) (i64.const 10) (i32.add (local.get $code) (i32.const 3)))
    ;; the times are set (after 2001), and ctim is no earlier than mtim
    (if (i64.lt_u (i64.load offset=40 (local.get $at)) (i64.const 1000000000000000000))
      (then (call $proc_exit (i32.add (local.get $code) (i32.const 4)))))
    (if (i64.lt_u (i64.load offset=48 (local.get $at)) (i64.load offset=40 (local.get $at)))
      (then (call $proc_exit (i32.add (local.get $code) (i32.const 5)))))
    (if (i64.eqz (i64.load offset=32 (local.get $at)))
      (then (call $proc_exit (i32.add (local.get $code) (i32.const 6))))))

  (func (export "_start")
    ;; path_filestat_get into the last 56 bytes of memory (65480)
    (call $check
      (i64.extend_i32_u (call $path_filestat_get (i32.const 3) (i32.const 1) (i32.const 200) (i32.const 10)
        (i32.const 65480)))
      (i64.const 0) (i32.const 1))
    (call $check_stat (i32.const 65480) (i32.const 10))
    ;; one byte further is out of bounds: EFAULT (21)
    (call $check
      (i64.extend_i32_u (call $path_filestat_get (i32.const 3) (i32.const 1) (i32.const 200) (i32.const 10)
        (i32.const 65488)))
      (i64.const 21) (i32.const 2))
    ;; fd_filestat_get of the opened file into 1024, with 0xAA in 1024..1088
    (call $check
      (i64.extend_i32_u (call $path_open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 10)
        (i32.const 0) (i64.const 2097154) (i64.const 0) (i32.const 0) (i32.const 24)))
      (i64.const 0) (i32.const 3))
    (memory.fill (i32.const 1024) (i32.const 0xAA) (i32.const 64))
    (call $check
      (i64.extend_i32_u (call $fd_filestat_get (i32.load (i32.const 24)) (i32.const 1024)))
      (i64.const 0) (i32.const 4))
    (call $check_stat (i32.const 1024) (i32.const 20))
    ;; the same file: dev and ino agree with path_filestat_get's
    (call $check (i64.load (i32.const 1024)) (i64.load (i32.const 65480)) (i32.const 5))
    (call $check (i64.load (i32.const 1032)) (i64.load (i32.const 65488)) (i32.const 6))
    ;; the 8 bytes past the 56-byte result are untouched
    (call $check (i64.load (i32.const 1080)) (i64.const 0xAAAAAAAAAAAAAAAA) (i32.const 7))
    (drop (call $fd_write (i32.const 1) (i32.const 300) (i32.const 1) (i32.const 8)))))
