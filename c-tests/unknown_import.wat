;; Imports a function preview1 does not have (wasi_snapshot_preview1.not_a_function) and one
;; from a module the host does not provide (env.host_thing): instantiating it must fail and
;; name the missing import. Hand-written; built with wat2wasm by scripts/build-guests.
(module
  (import "wasi_snapshot_preview1" "not_a_function" (func $not_a_function))
  (import "env" "host_thing" (func $host_thing (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    call $not_a_function
    (drop (call $host_thing (i32.const 0)))))
