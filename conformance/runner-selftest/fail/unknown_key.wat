;; Would pass, but its spec misspells exit_code: an unknown key fails the test.
(module
  (memory (export "memory") 1)
  (func (export "_start")))
