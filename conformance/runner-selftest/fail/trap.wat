;; Traps on `unreachable`; its spec (empty) expects exit status 0.
(module
  (memory (export "memory") 1)
  (func (export "_start") unreachable))
