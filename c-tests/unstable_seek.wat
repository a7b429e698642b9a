;; fd_seek through snapshot 0, whose whence numbering differs from preview1's
;; (snapshot 0: CUR=0, END=1, SET=2; preview1: SET=0, CUR=1, END=2). Seeks in
;; unstable.dir/digits.txt ("0123456789") from each whence and reads the byte
;; there; every check is chosen so that preview1's numbering would give another
;; offset. Prints "ok", or exits with the number of the first failed check.
;; Hand-written; scripts/build-guests runs wat2wasm on it.
(module
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_tell" (func $fd_tell (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: iovec {buf = 100, len = 1}; 8: nread; 16: new offset (u64); 24: the opened fd
  (data (i32.const 0) "\64\00\00\00\01\00\00\00")
  (data (i32.const 200) "digits.txt")
  ;; 300: ciovec {buf = 308, len = 3}, 308: "ok\n"
  (data (i32.const 300) "\34\01\00\00\03\00\00\00ok\n")
  (global $fd (mut i32) (i32.const 0))

  ;; Exits with `code` unless `got` is `want`.
  (func $check (param $got i64) (param $want i64) (param $code i32)
    (if (i64.ne (local.get $got) (local.get $want)) (then (call $proc_exit (local.get $code)))))
  ;; Seeks by `offset` from `whence`: the errno, checked as `code`; the new offset, as `code` + 1.
  (func $seek (param $offset i64) (param $whence i32) (param $want i64) (param $code i32)
    (call $check
      (i64.extend_i32_u (call $fd_seek (global.get $fd) (local.get $offset) (local.get $whence) (i32.const 16)))
      (i64.const 0) (local.get $code))
    (call $check (i64.load (i32.const 16)) (local.get $want) (i32.add (local.get $code) (i32.const 1))))
  ;; Reads one byte and checks it is `want`.
  (func $read_byte (param $want i32) (param $code i32)
    (call $check
      (i64.extend_i32_u (call $fd_read (global.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
      (i64.const 0) (local.get $code))
    (call $check (i64.load8_u (i32.const 100)) (i64.extend_i32_u (local.get $want)) (local.get $code)))

  (func (export "_start")
    ;; rights: FD_READ | FD_SEEK | FD_TELL
    (call $check
      (i64.extend_i32_u (call $path_open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 10)
        (i32.const 0) (i64.const 38) (i64.const 0) (i32.const 0) (i32.const 24)))
      (i64.const 0) (i32.const 1))
    (global.set $fd (i32.load (i32.const 24)))
    ;; SET (2) + 2 -> 2: '2' (preview1's 2, END, would be 12)
    (call $seek (i64.const 2) (i32.const 2) (i64.const 2) (i32.const 10))
    (call $read_byte (i32.const 0x32) (i32.const 12))
    ;; CUR (0) + 3 from 3 -> 6: '6' (preview1's 0, SET, would be 3)
    (call $seek (i64.const 3) (i32.const 0) (i64.const 6) (i32.const 20))
    (call $read_byte (i32.const 0x36) (i32.const 22))
    ;; END (1) - 1 -> 9: '9' (preview1's 1, CUR, would be 6)
    (call $seek (i64.const -1) (i32.const 1) (i64.const 9) (i32.const 30))
    (call $read_byte (i32.const 0x39) (i32.const 32))
    ;; tell -> 10
    (call $check
      (i64.extend_i32_u (call $fd_tell (global.get $fd) (i32.const 16))) (i64.const 0) (i32.const 40))
    (call $check (i64.load (i32.const 16)) (i64.const 10) (i32.const 41))
    ;; SET (2) + 0 -> 0: '0'
    (call $seek (i64.const 0) (i32.const 2) (i64.const 0) (i32.const 50))
    (call $read_byte (i32.const 0x30) (i32.const 52))
    ;; whence 3 is undefined in both: EINVAL (28)
    (call $check
      (i64.extend_i32_u (call $fd_seek (global.get $fd) (i64.const 0) (i32.const 3) (i32.const 16)))
      (i64.const 28) (i32.const 60))
    (drop (call $fd_write (i32.const 1) (i32.const 300) (i32.const 1) (i32.const 8)))))
