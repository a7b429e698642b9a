;; Would pass, but the fixture directory its spec names does not exist.
(module
  (memory (export "memory") 1)
  (func (export "_start")))
