;; In a subdirectory: proves tests are found recursively. Has no spec: exit 0 expected.
(module
  (memory (export "memory") 1)
  (func (export "_start")))
