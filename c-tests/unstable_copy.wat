;; The file-copy demo (examples/copy.c) through snapshot 0: copies test.txt
;; in the first preopen (fd 3) to copy.txt in the second (fd 4), 4 KiB at a
;; time. Exits 0, or with the number of the failed step (the errno is not
;; printed). Hand-written; scripts/build-guests runs wat2wasm on it.
(module
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: iovec {buf = 4096, len = 4096}; 8: ciovec {buf = 4096, len = n}; 16: count;
  ;; 20, 24: the two fds; 100: "test.txt"; 120: "copy.txt"
  (data (i32.const 0) "\00\10\00\00\00\10\00\00\00\10\00\00")
  (data (i32.const 100) "test.txt")
  (data (i32.const 120) "copy.txt")
  (func $ok (param $errno i32) (param $step i32)
    (if (local.get $errno) (then (call $proc_exit (local.get $step)))))
  (func (export "_start")
    (local $in i32) (local $out i32) (local $n i32)
    ;; read: FD_READ; write: O_CREAT | O_TRUNC with FD_WRITE
    (call $ok (call $path_open (i32.const 3) (i32.const 1) (i32.const 100) (i32.const 8)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 20)) (i32.const 1))
    (call $ok (call $path_open (i32.const 4) (i32.const 1) (i32.const 120) (i32.const 8)
      (i32.const 9) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 24)) (i32.const 2))
    (local.set $in (i32.load (i32.const 20)))
    (local.set $out (i32.load (i32.const 24)))
    (block $eof
      (loop $more
        (call $ok (call $fd_read (local.get $in) (i32.const 0) (i32.const 1) (i32.const 16)) (i32.const 3))
        (local.set $n (i32.load (i32.const 16)))
        (br_if $eof (i32.eqz (local.get $n)))
        (i32.store (i32.const 12) (local.get $n))
        (call $ok (call $fd_write (local.get $out) (i32.const 8) (i32.const 1) (i32.const 16)) (i32.const 4))
        (if (i32.ne (i32.load (i32.const 16)) (local.get $n)) (then (call $proc_exit (i32.const 5))))
        (br $more)))
    (call $ok (call $fd_close (local.get $in)) (i32.const 6))
    (call $ok (call $fd_close (local.get $out)) (i32.const 7))))
