;; fd_readdir through snapshot 0: dirents are laid out as in preview1 (24
;; bytes: d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20, then
;; the name). Lists the fixture unstable.dir and finds "digits.txt" as a
;; regular file whose d_ino is the ino path_filestat_get reports (@8 of
;; snapshot 0's filestat). Prints "ok", or exits with the number of the first
;; failed check. Hand-written; scripts/build-guests runs wat2wasm on it.
(module
  (import "wasi_unstable" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_unstable" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 8: bytes used; 200: the name; 300: ciovec {buf = 308, len = 3} "ok\n"; 512: filestat; 1024: dirents
  (data (i32.const 200) "digits.txt")
  (data (i32.const 300) "\34\01\00\00\03\00\00\00ok\n")

  (func $check (param $got i64) (param $want i64) (param $code i32)
    (if (i64.ne (local.get $got) (local.get $want)) (then (call $proc_exit (local.get $code)))))

  (func (export "_start")
    (local $at i32) (local $end i32) (local $found i32)
    (call $check
      (i64.extend_i32_u (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 10)
        (i32.const 512)))
      (i64.const 0) (i32.const 1))
    (call $check
      (i64.extend_i32_u (call $fd_readdir (i32.const 3) (i32.const 1024) (i32.const 4096) (i64.const 0) (i32.const 8)))
      (i64.const 0) (i32.const 2))
    ;; the whole listing fits: fewer bytes than the buffer
    (if (i32.ge_u (i32.load (i32.const 8)) (i32.const 4096)) (then (call $proc_exit (i32.const 3))))
    (local.set $at (i32.const 1024))
    (local.set $end (i32.add (i32.const 1024) (i32.load (i32.const 8))))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (i32.add (local.get $at) (i32.const 24)) (local.get $end)))
        ;; every d_next is a cookie past 0
        (if (i64.eqz (i64.load (local.get $at))) (then (call $proc_exit (i32.const 4))))
        (if (i32.and
              (i32.eq (i32.load offset=16 (local.get $at)) (i32.const 10))
              (i32.and
                (i64.eq (i64.load offset=24 (local.get $at)) (i64.load (i32.const 200)))
                (i32.eq (i32.load16_u offset=32 (local.get $at)) (i32.load16_u (i32.const 208)))))
          (then
            (local.set $found (i32.const 1))
            (call $check (i64.load8_u offset=20 (local.get $at)) (i64.const 4) (i32.const 5))
            (call $check (i64.load offset=8 (local.get $at)) (i64.load (i32.const 520)) (i32.const 6))))
        (local.set $at (i32.add (local.get $at) (i32.add (i32.const 24) (i32.load offset=16 (local.get $at)))))
        (br $next)))
    (if (i32.eqz (local.get $found)) (then (call $proc_exit (i32.const 7))))
    (drop (call $fd_write (i32.const 1) (i32.const 300) (i32.const 1) (i32.const 8)))))
