;; Loops forever: the runner must stop it at the timeout and report it.
(module
  (memory (export "memory") 1)
  (func (export "_start") (loop $forever (br $forever))))
