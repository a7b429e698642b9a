;; poll_oneoff with clocks through snapshot 0, whose clock subscription starts
;; with an `identifier` (subscriptions are 56 bytes; preview1's are 48):
;;   0 userdata u64, 8 tag u8 (0: clock), 16 identifier u64, 24 clock id u32,
;;   32 timeout u64, 40 precision u64, 48 flags u16
;; Two relative monotonic clocks, 50 ms (userdata 1) and 5 ms (userdata 2):
;; only the second fires, after at least 5 ms. Each identifier is all ones,
;; which read as preview1's clock id would be an invalid clock. Events are 32
;; bytes in both. Prints "ok", or exits with the number of the first failed
;; check. Hand-written; scripts/build-guests runs wat2wasm on it.
(module
  (import "wasi_unstable" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 8: nevents; 16, 24: times; 300: ciovec {buf = 308, len = 3} "ok\n";
  ;; 1024: subscriptions; 2048: events
  (data (i32.const 300) "\34\01\00\00\03\00\00\00ok\n")

  (func $check (param $got i64) (param $want i64) (param $code i32)
    (if (i64.ne (local.get $got) (local.get $want)) (then (call $proc_exit (local.get $code)))))
  ;; A relative monotonic clock subscription at `at`.
  (func $clock (param $at i32) (param $userdata i64) (param $timeout i64)
    (i64.store (local.get $at) (local.get $userdata))
    (i32.store8 offset=8 (local.get $at) (i32.const 0))
    (i64.store offset=16 (local.get $at) (i64.const -1))
    (i32.store offset=24 (local.get $at) (i32.const 1))
    (i64.store offset=32 (local.get $at) (local.get $timeout))
    (i64.store offset=40 (local.get $at) (i64.const 0))
    (i32.store16 offset=48 (local.get $at) (i32.const 0)))

  (func (export "_start")
    (call $clock (i32.const 1024) (i64.const 1) (i64.const 50000000))
    (call $clock (i32.const 1080) (i64.const 2) (i64.const 5000000))
    (memory.fill (i32.const 2048) (i32.const 0xAA) (i32.const 64))
    (call $check
      (i64.extend_i32_u (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 16))) (i64.const 0) (i32.const 1))
    (call $check
      (i64.extend_i32_u (call $poll_oneoff (i32.const 1024) (i32.const 2048) (i32.const 2) (i32.const 8)))
      (i64.const 0) (i32.const 2))
    (call $check
      (i64.extend_i32_u (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 24))) (i64.const 0) (i32.const 3))
    (call $check (i64.load32_u (i32.const 8)) (i64.const 1) (i32.const 4))
    ;; event: userdata 2, error 0, type clock
    (call $check (i64.load (i32.const 2048)) (i64.const 2) (i32.const 5))
    (call $check (i64.load16_u (i32.const 2056)) (i64.const 0) (i32.const 6))
    (call $check (i64.load8_u (i32.const 2058)) (i64.const 0) (i32.const 7))
    ;; no second event
    (call $check (i64.load (i32.const 2080)) (i64.const 0xAAAAAAAAAAAAAAAA) (i32.const 8))
    ;; at least 5 ms passed
    (if (i64.lt_u (i64.sub (i64.load (i32.const 24)) (i64.load (i32.const 16))) (i64.const 5000000))
      (then (call $proc_exit (i32.const 9))))
    (drop (call $fd_write (i32.const 1) (i32.const 300) (i32.const 1) (i32.const 8)))))
