;; Asks for 20000 more pages (1.25 GiB): past the runner's default memory cap (--max-memory 1G),
;; so memory.grow must fail (-1) and the guest exits 0; exit 1 means the cap did not hold.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (if (i32.ne (memory.grow (i32.const 20000)) (i32.const -1))
      (then (call $proc_exit (i32.const 1))))))
