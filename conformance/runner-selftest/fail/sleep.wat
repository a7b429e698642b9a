;; Sleeps for an hour in ONE poll_oneoff call (a relative CLOCK_MONOTONIC subscription): a host
;; call the epoch cannot interrupt, so the runner's watchdog must give up on it and report a timeout.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; offset 0: subscription (48 bytes): userdata u64, tag u8 = 0 (clock) at 8,
  ;;   clock id u32 = 1 (monotonic) at 16, timeout u64 at 24, precision u64 at 32, flags u16 = 0 at 40
  ;; offset 64: event (32 bytes); offset 96: nevents
  (func (export "_start")
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 3600000000000))
    (drop (call $poll_oneoff (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 96)))))
