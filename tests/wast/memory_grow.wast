;; Linear memory: data segments, loads and stores, growth up to the maximum.

(module $M
  (memory (export "memory") 1 3)
  (data (i32.const 0) "abcd")
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))

(assert_return (invoke "load8" (i32.const 0)) (i32.const 97))
(assert_return (invoke "load8" (i32.const 3)) (i32.const 100))
(assert_return (invoke "load8" (i32.const 4)) (i32.const 0))
(assert_return (invoke "size") (i32.const 1))
(assert_trap (invoke "load8" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "load" (i32.const 65532)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 0)) (i32.const 1))
(assert_return (invoke "grow" (i32.const 1)) (i32.const 1))
(assert_return (invoke "size") (i32.const 2))
(invoke "store" (i32.const 65532) (i64.const 0x1122334455667788))
(assert_return (invoke "load" (i32.const 65532)) (i64.const 0x1122334455667788))
(assert_return (invoke "load8" (i32.const 65532)) (i32.const 0x88))
(assert_return (invoke "grow" (i32.const 2)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 1)) (i32.const 2))
(assert_return (invoke "grow" (i32.const 1)) (i32.const -1))
(assert_return (invoke "size") (i32.const 3))
(assert_trap (invoke "load8" (i32.const 196608)) "out of bounds memory access")

;; Memory imported after it grew: its current size counts.
(register "M" $M)
(module (import "M" "memory" (memory 3)) (func (export "size") (result i32) (memory.size)))
(assert_return (invoke "size") (i32.const 3))
(assert_unlinkable (module (import "M" "memory" (memory 4))) "incompatible import type")
(assert_unlinkable (module (import "M" "memory" (memory 1 2))) "incompatible import type")

;; A data segment out of bounds traps at instantiation.
(assert_trap (module (memory 1) (data (i32.const 65535) "ab")) "out of bounds memory access")
(assert_invalid (module (func (drop (memory.size)))) "unknown memory")
